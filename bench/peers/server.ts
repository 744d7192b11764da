/**
 * The peers benchmark's loopback server: an OAuth 2.0 token endpoint that answers after 20 ms (a
 * token round trip a real authorization server could have) and protected resources with no added
 * latency, on one origin. It runs in a child process, so that its work does not share the event
 * loop of the clients it measures, and the fleet's processes all talk to it.
 *
 * Routes:
 * - `POST /token` → a Bearer token for the requested `scope` (`expires_in` set by `/__config`),
 *   after `tokenLatency` ms; counted, with the interval it was open (epoch ms).
 * - `GET /resource` → 200 with a small JSON body for a token this server issued, has not revoked
 *   and that has not expired, else 401 `Bearer error="invalid_token"`.
 * - `GET /scoped` → as `/resource`, but a token without the scope `extra` gets
 *   403 `Bearer error="insufficient_scope", scope="extra"`.
 * - `POST /__config?expiresIn=S&tokenLatency=MS`, `POST /__reset` (counters and intervals),
 *   `POST /__revoke` (every token issued so far), `GET /__stats`.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What `GET /__stats` answers. */
export interface PeerServerStats {
  tokenRequests: number;
  resourceOk: number;
  resource401: number;
  resource403: number;
  connections: number;
  /** `[arrived, answered]` of each token request since the last reset, epoch ms. */
  tokenIntervals: [number, number][];
}

const BODY = JSON.stringify({ ok: true, items: [1, 2, 3, 4, 5, 6, 7, 8], note: 'peers bench' });
const epoch = () => performance.timeOrigin + performance.now();

async function start(): Promise<string> {
  const config = { expiresIn: 3600, tokenLatency: 20 };
  const stats: PeerServerStats = {
    tokenRequests: 0,
    resourceOk: 0,
    resource401: 0,
    resource403: 0,
    connections: 0,
    tokenIntervals: [],
  };
  /** `Bearer <token>` → its scope elements and when it expires (epoch ms). */
  const valid = new Map<string, { scope: ReadonlySet<string>; expiresAt: number }>();
  let issued = 0;

  const server = createServer(
    { keepAliveTimeout: 600_000, headersTimeout: 601_000, requestTimeout: 0 },
    (req, res) => handle(req, res),
  );
  server.maxRequestsPerSocket = 0;
  server.on('connection', () => void stats.connections++);

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/resource' || url.pathname === '/scoped') {
      req.resume();
      const token = valid.get(req.headers.authorization ?? '');
      if (token === undefined || Date.now() >= token.expiresAt) {
        stats.resource401++;
        send(res, 401, '{"error":"invalid_token"}', {
          'www-authenticate': 'Bearer error="invalid_token"',
        });
      } else if (url.pathname === '/scoped' && !token.scope.has('extra')) {
        stats.resource403++;
        send(res, 403, '{"error":"insufficient_scope"}', {
          'www-authenticate': 'Bearer error="insufficient_scope", scope="extra"',
        });
      } else {
        stats.resourceOk++;
        send(res, 200, BODY);
      }
      return;
    }
    const arrived = epoch();
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.method === 'POST' && url.pathname === '/token') {
        stats.tokenRequests++;
        const scope = new URLSearchParams(body).get('scope') ?? '';
        const token = `peer-token-${++issued}-${'x'.repeat(40)}`;
        valid.set(`Bearer ${token}`, {
          scope: new Set(scope.split(' ').filter(Boolean)),
          expiresAt: Date.now() + config.tokenLatency + config.expiresIn * 1000,
        });
        setTimeout(() => {
          stats.tokenIntervals.push([arrived, epoch()]);
          send(
            res,
            200,
            JSON.stringify({
              access_token: token,
              token_type: 'Bearer',
              expires_in: config.expiresIn,
              ...(scope === '' ? {} : { scope }),
            }),
            { 'cache-control': 'no-store' },
          );
        }, config.tokenLatency);
      } else if (url.pathname === '/__stats') {
        send(res, 200, JSON.stringify(stats));
      } else if (req.method === 'POST' && url.pathname === '/__reset') {
        Object.assign(stats, {
          tokenRequests: 0,
          resourceOk: 0,
          resource401: 0,
          resource403: 0,
          connections: 0,
          tokenIntervals: [],
        });
        send(res, 204, '');
      } else if (req.method === 'POST' && url.pathname === '/__revoke') {
        valid.clear();
        send(res, 204, '');
      } else if (req.method === 'POST' && url.pathname === '/__config') {
        config.expiresIn = Number(url.searchParams.get('expiresIn') ?? config.expiresIn);
        config.tokenLatency = Number(url.searchParams.get('tokenLatency') ?? config.tokenLatency);
        send(res, 204, '');
      } else {
        send(res, 404, '{"error":"not_found"}');
      }
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue: the cold storm opens thousands of connections at once.
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function send(res: ServerResponse, status: number, body: string, headers = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

// Forked by the runner: report the origin over IPC, exit with the parent.
if (process.send !== undefined && process.env.PEERS_SERVER_CHILD === '1') {
  const origin = await start();
  process.on('disconnect', () => process.exit(0));
  process.send({ origin });
}
