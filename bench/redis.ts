/**
 * The pieces of `npm run bench` section 4 (the Redis token store): a redis-server of its own, a
 * RedisTokenStore on it, and a fleet of worker processes (examples/fleet.ts) against a dev server.
 * @module
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createClient, type RedisClientType } from 'redis';
import { type DevServer, startDevServer } from '../src/dev-server/index.js';
import { RedisTokenStore } from '../src/redis/index.js';
import { RedisServer, redisServerAvailable } from '../test/helpers/redis-process.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

export { redisServerAvailable };

/** A redis-server on a free loopback port, and stores on it; `close()` stops everything. */
export async function startRedis(): Promise<{
  url: string;
  store(): Promise<RedisTokenStore>;
  close(): Promise<void>;
}> {
  const server = new RedisServer();
  await server.start();
  const opened: Array<{ store: RedisTokenStore; client: RedisClientType }> = [];
  return {
    url: server.url,
    async store() {
      const client: RedisClientType = createClient({ url: server.url });
      client.on('error', () => undefined);
      await client.connect();
      const store = new RedisTokenStore({ client });
      opened.push({ store, client });
      return store;
    },
    async close() {
      for (const { store, client } of opened) {
        await store.close();
        client.destroy();
      }
      await server.stop();
    },
  };
}

/** What examples/fleet.ts prints with `--json`. */
export interface FleetResult {
  workers: number;
  requests: number;
  failures: number;
  tokenRequests: number;
  seconds: number;
  requestsPerSecond: number;
}

/**
 * Runs examples/fleet.ts: `workers` processes on one Redis against a dev server whose tokens
 * live `tokenLifetime` seconds, each sending `requests` requests (or running for `durationMs`).
 *
 * @returns The fleet's totals, and the token requests the dev server answered.
 */
export async function runFleet(options: {
  redisUrl: string;
  workers: number;
  tokenLifetime?: number;
  requests?: number;
  durationMs?: number;
}): Promise<FleetResult & { serverTokenRequests: number }> {
  const dev: DevServer = await startDevServer({
    emulatorOptions: { tokenLifetime: options.tokenLifetime ?? 3599 },
  });
  try {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'examples/fleet.ts', '--json'],
      {
        cwd: root,
        env: {
          ...process.env,
          MFP_SERVER_URL: dev.url,
          MFP_CLIENT_ID: 'test',
          MFP_CLIENT_SECRET: 'test',
          REDIS_URL: options.redisUrl,
          WORKERS: String(options.workers),
          REQUESTS: String(options.requests ?? 200),
          DURATION_MS: String(options.durationMs ?? 0),
          CONCURRENCY: '8',
        },
        timeout: 90_000,
      },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as FleetResult;
    return { ...result, serverTokenRequests: dev.emulator.tokenRequestCount() };
  } finally {
    await dev.close();
  }
}
