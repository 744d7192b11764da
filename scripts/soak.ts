/**
 * `npm run soak`: a bounded soak of `client.fetch` under faults, to show that callers see no
 * failure while a valid token exists, and that memory stays flat.
 *
 * 100 concurrent callers (`--concurrency`) call a loopback resource through `client.fetch` for
 * 60 s (`--seconds`). Tokens live 1 s; the token endpoint fails 20 % of its requests at random
 * (500, 502, 503 or a reset connection); the resource revokes every live token every ~3 s
 * (scripts/soak-server.ts, in this process). A caller's failure is a rejection or a status other
 * than 200; it counts against the target when a valid token (issued, unexpired, unrevoked)
 * existed at that moment. Target: 0 such failures. Exit 1 when it is missed, or no request ran.
 *
 * `--redis`: the same with 4 clients (`--clients`), each on a RedisTokenStore of its own
 * (several processes would be the same), callers spread over them, and the redis-server killed
 * and started again halfway through the run.
 *
 * Prints requests, failures (all, and while a valid token existed), token requests, latency
 * p50/p99/p99.9, and heap and RSS at start and end.
 * @module
 */
import { parseArgs } from 'node:util';
import { createClient, type RedisClientType } from 'redis';
import { ConfidentialClient } from '../src/index.js';
import { RedisTokenStore } from '../src/redis/index.js';
import { RedisServer } from '../test/helpers/redis-process.js';
import { startSoakServer } from './soak-server.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '100' },
    clients: { type: 'string', default: '4' },
    redis: { type: 'boolean', default: false },
  },
});
const SECONDS = positive(args.seconds, 'seconds');
const CONCURRENCY = positive(args.concurrency, 'concurrency');
const CLIENTS = args.redis ? positive(args.clients, 'clients') : 1;

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`soak: --${name} must be a positive number`);
  return n;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
/** Heap and RSS after a full GC (`--expose-gc`, which `npm run soak` passes): what is still held. */
const memory = () => {
  (globalThis as { gc?: () => void }).gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
};
/** The value at quantile `q` of sorted `values`. */
const quantile = (values: Float64Array, q: number) =>
  values.length === 0
    ? Number.NaN
    : (values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? Number.NaN);

async function main(): Promise<number> {
  const server = await startSoakServer({
    lifetimeSeconds: 1,
    failureRate: 0.2,
    revokeEveryMs: 3_000,
  });
  const redis = args.redis ? new RedisServer() : undefined;
  await redis?.start();
  const redisClients: RedisClientType[] = [];
  const stores: RedisTokenStore[] = [];
  const clients: ConfidentialClient[] = [];
  // Warnings, counted by their first words (a resource out of re-token budget, Redis down…).
  const warnings = new Map<string, number>();
  const warn = (message: string) => {
    const key = message.replace(/^confidential-client: /, '').slice(0, 60);
    warnings.set(key, (warnings.get(key) ?? 0) + 1);
  };
  const logger = { debug: () => undefined, info: () => undefined, warn, error: warn };
  for (let i = 0; i < CLIENTS; i++) {
    let store: RedisTokenStore | undefined;
    if (redis) {
      const connection: RedisClientType = createClient({
        url: redis.url,
        socket: { reconnectStrategy: () => 100, connectTimeout: 1_000 },
      });
      connection.on('error', () => undefined);
      await connection.connect();
      redisClients.push(connection);
      store = new RedisTokenStore({ client: connection });
      stores.push(store);
    }
    clients.push(
      new ConfidentialClient({
        tokenUrl: `${server.origin}/token`,
        clientId: 'soak',
        clientSecret: 'soak-secret',
        logger,
        ...(store ? { store } : {}),
      }),
    );
  }

  const url = `${server.origin}/resource`;
  const start = memory();
  const startedAt = Date.now();
  const endAt = startedAt + SECONDS * 1000;
  let latencies = new Float64Array(1 << 16);
  let requests = 0;
  const failures: Array<{ at: number; what: string }> = [];

  const record = (ms: number) => {
    if (requests === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[requests++] = ms;
  };

  const caller = async (client: ConfidentialClient) => {
    while (Date.now() < endAt) {
      const t0 = performance.now();
      try {
        const response = await client.fetch(url);
        await response.arrayBuffer();
        if (response.status !== 200) {
          failures.push({
            at: Date.now(),
            what: `status ${response.status} ${response.headers.get('x-soak-reason') ?? ''}`.trim(),
          });
          if (process.env.SOAK_DEBUG)
            console.error(
              Date.now() - startedAt,
              response.status,
              server.validTokenAt(Date.now()),
              clients.indexOf(client),
            );
        }
      } catch (error) {
        failures.push({ at: Date.now(), what: (error as Error).name });
        if (process.env.SOAK_DEBUG) console.error(Date.now() - startedAt, error);
      }
      record(performance.now() - t0);
    }
  };

  let restart: Promise<void> | undefined;
  if (redis) {
    const halfway = setTimeout(
      () => {
        restart = (async () => {
          await redis.stop();
          await new Promise((resolve) => setTimeout(resolve, 500));
          await redis.start();
        })();
      },
      (SECONDS * 1000) / 2,
    );
    halfway.unref();
  }

  await Promise.all(
    Array.from({ length: CONCURRENCY }, (_, i) =>
      caller(clients[i % CLIENTS] as ConfidentialClient),
    ),
  );
  await restart;
  const elapsed = (Date.now() - startedAt) / 1000;
  const end = memory();

  const whileValid = failures.filter((f) => server.validTokenAt(f.at));
  const sorted = latencies.slice(0, requests).sort();
  const kindsOf = (list: typeof failures) => {
    const kinds: Record<string, number> = {};
    for (const f of list) kinds[f.what] = (kinds[f.what] ?? 0) + 1;
    return list.length === 0 ? '' : ` ${JSON.stringify(kinds)}`;
  };

  const lines: Array<[string, string]> = [
    [
      'mode',
      args.redis
        ? `Redis store, ${CLIENTS} clients on ${CLIENTS} stores, Redis restarted at ${SECONDS / 2} s`
        : 'memory store, 1 client',
    ],
    [
      'duration',
      `${elapsed.toFixed(1)} s, concurrency ${CONCURRENCY}, 1-s tokens, 20 % token failures, revocation every ~3 s`,
    ],
    ['requests', `${requests} (${Math.round(requests / elapsed)}/s)`],
    ['failures seen by callers', `${failures.length}${kindsOf(failures)}`],
    ['  while a valid token existed', `${whileValid.length} (target 0)${kindsOf(whileValid)}`],
    [
      'token requests',
      `${server.counts.tokenRequests} (${server.counts.tokenFailures} made to fail), revocations ${server.counts.revocations}, resource 401s ${server.counts.resource401}`,
    ],
    [
      'latency p50 / p99 / p99.9',
      [0.5, 0.99, 0.999].map((q) => `${quantile(sorted, q).toFixed(1)} ms`).join(' / '),
    ],
    ['heap start → end', `${mb(start.heapUsed)} → ${mb(end.heapUsed)}`],
    ['RSS start → end', `${mb(start.rss)} → ${mb(end.rss)}`],
  ];
  if (stores.length > 0) {
    const sum = (name: keyof ReturnType<RedisTokenStore['stats']>) =>
      stores.reduce((n, store) => n + store.stats()[name], 0);
    lines.push([
      'Redis store',
      `outages ${sum('outages')}, fallbacks ${sum('fallbacks')}, shared hits ${sum('sharedHits')}, lock takeovers ${sum('lockTakeovers')}`,
    ]);
  }
  for (const [message, count] of warnings) lines.push(['warning', `${count}× ${message}…`]);
  const width = Math.max(...lines.map(([name]) => name.length));
  for (const [name, value] of lines) console.log(`${name.padEnd(width)}  ${value}`);

  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(stores.map((store) => store.close()));
  for (const connection of redisClients) connection.destroy();
  await redis?.stop();
  await server.close();

  if (requests === 0) {
    console.error('soak: FAILED, no request ran');
    return 1;
  }
  if (whileValid.length > 0) {
    console.error(
      `soak: FAILED, ${whileValid.length} caller-visible failures while a valid token existed (target 0)`,
    );
    return 1;
  }
  console.log('soak: passed');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
