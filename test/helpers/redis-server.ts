import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import { createClient, type RedisClientType } from 'redis';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { RedisTokenStore, type RedisTokenStoreOptions } from '../../src/redis/index.js';
import { KeyNamer, type KeyNames } from '../../src/redis/key-names.js';
import { cacheKey } from '../../src/token/cache-key.js';
import { CLIENT_ID, TOKEN_URL } from './token-server.js';

/** The redis-server binary (Debian package `redis-server`; `.ci/run` installs it). */
const BINARY = process.env.REDIS_SERVER ?? 'redis-server';

/** Whether a redis-server can be started here. */
export const redisServerAvailable = spawnSync(BINARY, ['--version']).status === 0;

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

/** A free loopback TCP port. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts connections on `port`. */
async function untilListening(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

/**
 * A redis-server on a random loopback port, without persistence: started by a test file and
 * stopped after it. It can be stopped, restarted on the same port, and paused (SIGSTOP) to act
 * as a Redis that does not answer.
 */
export class RedisServer {
  port = 0;
  #child: ChildProcess | undefined;

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it (on the same port as before, if it ran already). */
  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const child = spawn(
      BINARY,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.#child = child;
    await untilListening(this.port, child);
  }

  /** Kills it (as a crash would) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes it: connections stay open, nothing answers. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** Unfreezes it. */
  resume(): void {
    this.#child?.kill('SIGCONT');
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
