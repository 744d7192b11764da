import { createClient, type RedisClientType } from 'redis';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { RedisTokenStore, type RedisTokenStoreOptions } from '../../src/redis/index.js';
import { KeyNamer, type KeyNames } from '../../src/redis/key-names.js';
import { cacheKey } from '../../src/token/cache-key.js';
import {
  REDIS_SERVER_BINARY as BINARY,
  RedisServer,
  redisServerAvailable,
} from './redis-process.js';
import { CLIENT_ID, TOKEN_URL } from './token-server.js';

export { RedisServer, redisServerAvailable };

/** Why the Redis tests are skipped, when they are. */
export const skipReason = `${BINARY} was not found: the RedisTokenStore tests against a real Redis are SKIPPED (install the Debian package redis-server to run them).`;

if (!redisServerAvailable) {
  // In CI the tests must run: a missing binary fails the run instead of passing it silently.
  if (process.env.CI) throw new Error(`CI: ${skipReason}`);
  console.warn(`\n[skipped] ${skipReason}\n`);
}

/**
 * `describe` for tests that need a real redis-server: where the binary is missing, one skipped
 * test says why (and in CI, this module has already failed the run).
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisServerAvailable) describe(name, body);
  else describe(name, () => it.skip(skipReason, () => undefined));
}

/** The core's cache key of `newClient()`'s default scope (token-server.ts). */
export const TEST_KEY = cacheKey({
  tokenUrl: TOKEN_URL,
  clientId: CLIENT_ID,
  scope: [],
  tokenParams: [],
});

/**
 * The Redis names of a cache key.
 *
 * @param key - A cache key; `newClient()`'s by default.
 * @param namespace - The store's namespace.
 */
export function namesOf(key = TEST_KEY, namespace = 'confidential-client'): KeyNames {
  return new KeyNamer(namespace).of(key);
}

/** Resolves once `condition()` holds; fails after `ms`. */
export async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A client for the test's own look at Redis: no reconnection, no unhandled errors. */
function adminClient(url: string): RedisClientType {
  const admin: RedisClientType = createClient({ url, socket: { reconnectStrategy: false } });
  admin.on('error', () => undefined);
  return admin;
}

/**
 * A redis-server for the test file (started before its tests, stopped after), emptied between
 * tests, and a factory of connected node-redis clients closed after each test.
 */
export function useRedisServer() {
  const server = new RedisServer();
  const clients: RedisClientType[] = [];
  const stores: RedisTokenStore[] = [];
  beforeAll(async () => {
    if (redisServerAvailable) await server.start();
  }, 20_000);
  afterEach(async () => {
    if (!redisServerAvailable) return;
    server.resume();
    await Promise.all(stores.splice(0).map((store) => store.close()));
    for (const client of clients.splice(0)) {
      client.destroy();
    }
    if (server.port !== 0) {
      const admin = adminClient(server.url);
      try {
        await admin.connect();
        await admin.flushAll();
      } catch {
        // Stopped by the test: started again below.
        await server.start();
      } finally {
        admin.destroy();
      }
    }
  });
  afterAll(() => server.stop());
  const client = async (): Promise<RedisClientType> => {
    const connected: RedisClientType = createClient({
      url: server.url,
      socket: { reconnectStrategy: () => 50, connectTimeout: 1_000 },
    });
    connected.on('error', () => undefined);
    clients.push(connected);
    await connected.connect();
    return connected;
  };
  return {
    server,
    client,
    /**
     * A store on a client of its own (as another process would have), subscribed to
     * notifications, closed after the test.
     */
    async store(extra: Partial<RedisTokenStoreOptions> = {}): Promise<RedisTokenStore> {
      const store = new RedisTokenStore({ client: await client(), ...extra });
      stores.push(store);
      await until(() => store.subscribed);
      return store;
    },
    /** Runs `command` on a connection of the test's own (to look at or alter Redis). */
    async admin<T>(command: (admin: RedisClientType) => Promise<T>): Promise<T> {
      const admin = adminClient(server.url);
      await admin.connect();
      try {
        return await command(admin);
      } finally {
        admin.destroy();
      }
    },
  };
}
