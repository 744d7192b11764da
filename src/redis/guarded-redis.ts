import type { RedisTokenStoreClient } from './redis-client.js';
import type { StoreLog } from './store-log.js';
import type { RedisTokenStoreStats } from './store-stats.js';

/** While Redis is down, one command per this many ms goes through to find out if it is back. */
const PROBE_INTERVAL = 1_000;

/** Thrown by {@link GuardedRedis} when Redis cannot answer: the store catches it, always. */
export class RedisUnavailable extends Error {
  override name = 'RedisUnavailable';
}

/**
 * Sends the store's commands to Redis, each bounded by `operationTimeout`, and keeps track of
 * outages, so that an unreachable or slow Redis costs the callers nothing but the sharing.
 *
 * - A command is not sent while the client is not ready (node-redis would queue it until a
 *   reconnection), nor, after a failure, until a probe is due (one per second), so that only
 *   the probe pays the timeout.
 * - An outage is logged once when it starts and once when a command succeeds again, and counted
 *   in `outages`; every failed or timed-out command is counted in `redisErrors`.
 * - It listens for the client's `error` events while open, so that a connection lost is never an
 *   unhandled `error` event that ends the process.
 */
export class GuardedRedis {
  readonly #client: RedisTokenStoreClient;
  readonly #timeout: number;
  readonly #log: StoreLog;
  readonly #stats: RedisTokenStoreStats;
  readonly #onError = (error: Error): void => this.#down(error);
  #isDown = false;
  #probeAt = 0;
  #closed = false;

  /**
   * @param client - The application's client.
   * @param timeout - `operationTimeout`, in ms.
   * @param log - The store's log.
   * @param stats - The store's counters.
   */
  constructor(
    client: RedisTokenStoreClient,
    timeout: number,
    log: StoreLog,
    stats: RedisTokenStoreStats,
  ) {
    this.#client = client;
    this.#timeout = timeout;
    this.#log = log;
    this.#stats = stats;
    client.on('error', this.#onError);
  }

  /** Whether Redis answered the last command (or was not asked yet). */
  get up(): boolean {
    return !this.#isDown && !this.#closed && this.#client.isReady;
  }

  /**
   * `GET name`.
   *
   * @param name - A Redis key.
   * @returns The value as a string, or `undefined`.
   * @throws {RedisUnavailable} When Redis cannot answer in time.
   */
  async get(name: string): Promise<string | undefined> {
    return text(await this.#run(() => this.#client.get(name)));
  }

  /**
   * `EVAL script` with `keys` and `args`.
   *
   * @returns The script's reply.
   * @throws {RedisUnavailable} When Redis cannot answer in time.
   */
  eval(script: string, keys: string[], args: string[]): Promise<unknown> {
    return this.#run(() => this.#client.eval(script, { keys, arguments: args }));
  }

  /** Stops using the client (which stays open: it is the application's) and its events. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.off('error', this.#onError);
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    if (!this.#sendable()) throw new RedisUnavailable('Redis is unavailable');
    let timer: ReturnType<typeof setTimeout> | undefined;
    let pending: Promise<T>;
    try {
      pending = command();
    } catch (error) {
      // A client that throws instead of rejecting (a custom or wrapped one): the same outage.
      pending = Promise.reject(error);
    }
    // A reply that comes after the timeout is nobody's business.
    pending.catch(() => undefined);
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.#timeout} ms (operationTimeout)`)),
        this.#timeout,
      );
    });
    try {
      const reply = await Promise.race([pending, late]);
      this.#up();
      return reply;
    } catch (error) {
      this.#stats.redisErrors++;
      this.#down(error, true);
      throw new RedisUnavailable('Redis is unavailable', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  #sendable(): boolean {
    if (this.#closed) return false;
    if (!this.#client.isReady) {
      this.#down(new Error('the client is not connected'));
      return false;
    }
    if (!this.#isDown) return true;
    const now = performance.now();
    if (now < this.#probeAt) return false;
    this.#probeAt = now + PROBE_INTERVAL;
    return true;
  }

  #down(error: unknown, probeLater = false): void {
    if (this.#closed) return;
    if (probeLater) this.#probeAt = performance.now() + PROBE_INTERVAL;
    if (this.#isDown) return;
    this.#isDown = true;
    this.#stats.outages++;
    this.#log(
      'warn',
      'Redis is unavailable: tokens are served from this process and fetched by it alone until Redis is back.',
      { error: describe(error) },
    );
  }

  #up(): void {
    if (!this.#isDown) return;
    this.#isDown = false;
    this.#probeAt = 0;
    this.#log('info', 'Redis is available again: tokens are shared again.');
  }
}

/** A Redis reply as a string: node-redis gives strings, or Buffers under some type mappings. */
export function text(reply: unknown): string | undefined {
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return Buffer.from(reply).toString('utf8');
  return undefined;
}

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}
