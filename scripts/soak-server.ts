/**
 * The soak's loopback server: a token endpoint that fails a share of its requests at random and
 * issues short-lived tokens, and a resource that accepts only tokens that are issued, unexpired
 * and not revoked, and revokes every live token now and then. It keeps a ledger of every token's
 * life, so that each failure a caller saw can be judged afterwards: was a valid token there?
 *
 * Routes: `POST /token` (client credentials, any client), `GET /resource`.
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One issued token's life, in epoch ms. */
export interface TokenLife {
  issuedAt: number;
  expiresAt: number;
  /** When it was revoked; `Infinity` while it is not. */
  revokedAt: number;
}

export interface SoakServerOptions {
  /** The tokens' lifetime, in whole seconds. */
  lifetimeSeconds: number;
  /** The share of token requests that fail (0–1): 500, 502, 503 or a reset connection. */
  failureRate: number;
  /** Mean ms between revocations of every live token (each interval random in ±50 %). */
  revokeEveryMs: number;
}

export interface SoakServer {
  readonly origin: string;
  /** Token requests received, and how many of them were made to fail. */
  readonly counts: {
    tokenRequests: number;
    tokenFailures: number;
    revocations: number;
    resource401: number;
  };
  /** Whether some issued token was valid (issued, unexpired, unrevoked) at `at`. */
  validTokenAt(at: number): boolean;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 with an ephemeral port. */
export async function startSoakServer(options: SoakServerOptions): Promise<SoakServer> {
  const lives = new Map<string, TokenLife>();
  const ledger: TokenLife[] = [];
  const counts = { tokenRequests: 0, tokenFailures: 0, revocations: 0, resource401: 0 };
  let issued = 0;

  const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
    req.resume();
    req.on('end', () => handle(req, res));
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const now = Date.now();
    if (req.method === 'POST' && req.url === '/token') {
      counts.tokenRequests++;
      if (Math.random() < options.failureRate) {
        counts.tokenFailures++;
        const kind = Math.floor(Math.random() * 4);
        if (kind === 3) {
          req.socket.destroy();
          return;
        }
        send(res, [500, 502, 503][kind] ?? 503, '{"error":"temporarily_unavailable"}');
        return;
      }
      const token = `soak-${++issued}-${Math.random().toString(36).slice(2)}`;
      const life = {
        issuedAt: now,
        expiresAt: now + options.lifetimeSeconds * 1000,
        revokedAt: Number.POSITIVE_INFINITY,
      };
      lives.set(`Bearer ${token}`, life);
      ledger.push(life);
      send(
        res,
        200,
        JSON.stringify({
          access_token: token,
          token_type: 'Bearer',
          expires_in: options.lifetimeSeconds,
        }),
      );
      return;
    }
    if (req.method === 'GET' && req.url === '/resource') {
      const life = lives.get(req.headers.authorization ?? '');
      if (life !== undefined && now < life.expiresAt && now < life.revokedAt) {
        send(res, 200, '{"ok":true}');
      } else {
        counts.resource401++;
        // Why, for the soak's report: a token that expired on its way here is not the client's
        // failure to renew, and the machine's load shows in it.
        const reason =
          life === undefined ? 'unknown' : now >= life.revokedAt ? 'revoked' : 'expired';
        res.setHeader('x-soak-reason', reason);
        res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
        send(res, 401, '{"error":"invalid_token"}');
      }
      return;
    }
    send(res, 404, '{"error":"not_found"}');
  }

  let revoker: NodeJS.Timeout | undefined;
  const scheduleRevocation = () => {
    const wait = options.revokeEveryMs * (0.5 + Math.random());
    revoker = setTimeout(() => {
      const now = Date.now();
      counts.revocations++;
      for (const [header, life] of lives) {
        if (life.expiresAt <= now) lives.delete(header);
        else if (life.revokedAt === Number.POSITIVE_INFINITY) life.revokedAt = now;
      }
      scheduleRevocation();
    }, wait);
  };
  scheduleRevocation();

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    counts,
    validTokenAt: (at) =>
      ledger.some((life) => life.issuedAt <= at && at < life.expiresAt && at < life.revokedAt),
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(revoker);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
