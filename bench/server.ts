/**
 * The benchmark's loopback HTTP server: a token endpoint and a protected resource on one origin,
 * plus control routes the runner calls between rounds (never while measuring).
 *
 * Run as a child process (`fork`), it reports its port over IPC and exits when the parent goes
 * away; `startServer()` also runs it in-process (`--server in-process`).
 *
 * Routes:
 * - `POST /token` → a client-credentials token response (`expires_in` one hour); counted.
 * - `GET /resource` → 200 with a small JSON body when `Authorization` carries a token this server
 *   issued and has not revoked; otherwise 401 `Bearer error="invalid_token"`.
 * - `GET /__stats` → counters since the last reset; `POST /__reset` zeroes them;
 *   `POST /__revoke` revokes every issued token (drives the 401 → re-token → replay path).
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What `GET /__stats` answers. */
export interface ServerStats {
  /** `POST /token` requests received. */
  tokenRequests: number;
  /** `GET /resource` answered 200. */
  resourceOk: number;
  /** `GET /resource` answered 401. */
  resourceUnauthorized: number;
  /** TCP connections accepted: shows whether keep-alive held. */
  connections: number;
}

/** A running benchmark server. */
export interface BenchServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

const RESOURCE_BODY = JSON.stringify({
  ok: true,
  items: [1, 2, 3, 4, 5, 6, 7, 8],
  note: 'confidential-client benchmark',
});

/**
 * Starts the server on 127.0.0.1 with an ephemeral port.
 *
 * @returns The origin and a `close()` that ends idle keep-alive sockets too.
 */
export async function startServer(): Promise<BenchServer> {
  const stats: ServerStats = {
    tokenRequests: 0,
    resourceOk: 0,
    resourceUnauthorized: 0,
    connections: 0,
  };
  // Header values this server accepts (`Bearer <token>`); a Set so a check is one lookup.
  const valid = new Set<string>();
  let issued = 0;

  const server: Server = createServer(
    // Longer than any run: keep-alive sockets must not be closed between rounds.
    { keepAliveTimeout: 120_000, headersTimeout: 120_000 + 1_000, requestTimeout: 0 },
    (req, res) => handle(req, res),
  );
  server.maxRequestsPerSocket = 0;
  server.on('connection', () => {
    stats.connections++;
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    if (url === '/resource') {
      if (valid.has(req.headers.authorization ?? '')) {
        stats.resourceOk++;
        send(res, 200, RESOURCE_BODY);
      } else {
        stats.resourceUnauthorized++;
        res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
        send(res, 401, '{"error":"invalid_token"}');
      }
      // The request has no body; resume() makes sure the socket is reusable whatever was sent.
      req.resume();
      return;
    }
    // Control and token routes may carry a form body: answer once it has been read.
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST' && url === '/token') {
        stats.tokenRequests++;
        const token = `bench-token-${++issued}-${'x'.repeat(40)}`;
        valid.add(`Bearer ${token}`);
        send(
          res,
          200,
          JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }),
          { 'cache-control': 'no-store' },
        );
      } else if (url === '/__stats') {
        send(res, 200, JSON.stringify(stats));
      } else if (req.method === 'POST' && url === '/__reset') {
        stats.tokenRequests = 0;
        stats.resourceOk = 0;
        stats.resourceUnauthorized = 0;
        stats.connections = 0;
        send(res, 204, '');
      } else if (req.method === 'POST' && url === '/__revoke') {
        valid.clear();
        send(res, 204, '');
      } else {
        send(res, 404, '{"error":"not_found"}');
      }
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

// Forked by the runner: report the origin, stop when told to or when the parent is gone.
if (process.send !== undefined && process.env.BENCH_SERVER_CHILD === '1') {
  const server = await startServer();
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('message', (message) => {
    if (message === 'close') stop();
  });
  process.on('disconnect', stop);
  process.send({ origin: server.origin });
}
