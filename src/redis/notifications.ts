import type { RedisSubscriberClient, RedisTokenStoreClient } from './redis-client.js';
import type { StoreLog } from './store-log.js';

/**
 * What a store announces on its namespace's channel: a new token was stored (`stored`), a token
 * was deleted (`deleted`), or a lock was released without a token (`released`: its holder's
 * request failed). Keys and tokens are named by hashes, never in clear.
 */
export interface Notice {
  readonly kind: 'stored' | 'deleted' | 'released';
  /** The Redis id of the cache key (SHA-256 of it). */
  readonly id: string;
  /** The token's fingerprint (`-` for none). */
  readonly fingerprint: string;
  /** The announcing store's random id. */
  readonly origin: string;
}

const KINDS = { s: 'stored', d: 'deleted', r: 'released' } as const;
type Letter = keyof typeof KINDS;

/**
 * A notice as sent on the channel: `<s|d|r> <id> <fingerprint> <origin>`.
 *
 * @returns The message.
 */
export function formatNotice(kind: Notice['kind'], id: string, print: string, origin: string) {
  return `${kind[0]} ${id} ${print} ${origin}`;
}

function parseNotice(message: string): Notice | undefined {
  const [letter, id, print, origin, extra] = message.split(' ');
  if (
    !(letter !== undefined && letter in KINDS) ||
    !id ||
    !print ||
    !origin ||
    extra !== undefined
  ) {
    return undefined;
  }
  return { kind: KINDS[letter as Letter], id, fingerprint: print, origin };
}

/**
 * The store's subscription to its channel, on a connection of its own (`client.duplicate()`),
 * and the waits of acquisitions for another process's token.
 *
 * `epoch` changes whenever the subscription goes down or comes back up, so that an entry confirmed
 * by Redis in one epoch is trusted past `maxAge` only while that same subscription stays up
 * (first-level.ts). node-redis resubscribes on reconnection before it emits `ready`.
 */
export class Notifications {
  /** Changes when the subscription goes down or up. */
  epoch = 0;
  /** Whether the subscription is up now. */
  subscribed = false;
  readonly #client: RedisTokenStoreClient;
  readonly #channel: string;
  readonly #origin: string;
  readonly #onNotice: (notice: Notice) => void;
  readonly #log: StoreLog;
  readonly #waiters = new Map<string, Set<(notice: Notice | undefined) => void>>();
  readonly #watchers = new Map<string, Set<(notice: Notice | undefined) => void>>();
  #subscriber: RedisSubscriberClient | undefined;
  #closed = false;

  /**
   * @param client - The application's client (duplicated, never used to subscribe itself).
   * @param channel - The namespace's channel.
   * @param origin - This store's random id: its own notices wake its waiters only.
   * @param onNotice - Receives other stores' notices.
   * @param log - The store's log.
   */
  constructor(
    client: RedisTokenStoreClient,
    channel: string,
    origin: string,
    onNotice: (notice: Notice) => void,
    log: StoreLog,
  ) {
    this.#client = client;
    this.#channel = channel;
    this.#origin = origin;
    this.#onNotice = onNotice;
    this.#log = log;
  }

  /** Opens the subscription; failures are logged, never thrown (entries then live `maxAge`). */
  async start(): Promise<void> {
    let subscribed = false;
    try {
      const subscriber = this.#client.duplicate();
      this.#subscriber = subscriber;
      const drop = (): void => this.#set(false);
      subscriber.on('error', drop);
      subscriber.on('reconnecting', drop);
      subscriber.on('end', drop);
      subscriber.on('ready', () => this.#set(subscribed));
      // A Cluster client reports its nodes' connections by these instead.
      subscriber.on('node-error', drop);
      subscriber.on('node-reconnecting', drop);
      subscriber.on('node-disconnect', drop);
      subscriber.on('node-ready', () => this.#set(subscribed));
      await subscriber.connect();
      await subscriber.subscribe(this.#channel, (message) => this.#receive(message));
      subscribed = true;
      this.#set(true);
    } catch (error) {
      if (this.#closed) return;
      this.#log(
        'warn',
        `could not subscribe to notifications: tokens held in this process are re-read from Redis after firstLevel.maxAge.`,
        { error: error instanceof Error ? error.message : String(error) },
      );
    }
  }

  /**
   * Waits for a notice about `id`, at most `ms`.
   *
   * @param id - The Redis id of a cache key.
   * @param ms - The longest wait.
   * @param signal - Ends the wait with its reason.
   * @returns The notice, or `undefined` at the end of `ms` (or when the store closes).
   */
  wait(id: string, ms: number, signal: AbortSignal): Promise<Notice | undefined> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const waiters = this.#waiters.get(id) ?? new Set();
      this.#waiters.set(id, waiters);
      const done = (notice: Notice | undefined): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        waiters.delete(wake);
        if (waiters.size === 0 && this.#waiters.get(id) === waiters) this.#waiters.delete(id);
        resolve(notice);
      };
      const wake = (notice: Notice | undefined): void => done(notice);
      const aborted = (): void => {
        reject(signal.reason);
        done(undefined);
      };
      const timer = setTimeout(() => done(undefined), ms);
      (timer as { unref?: () => void }).unref?.();
      waiters.add(wake);
      signal.addEventListener('abort', aborted, { once: true });
    });
  }

  /**
   * Watches `id` from now on, so that a notice that comes between a claim and the wait that
   * follows it is not missed: the watch's next `wait` then returns at once.
   *
   * @param id - The Redis id of a cache key.
   * @returns The watch: `wait(ms, signal)` for the next notice (or one already come), `stop()`.
   */
  watch(id: string): {
    wait(ms: number, signal: AbortSignal): Promise<Notice | undefined>;
    stop(): void;
  } {
    let came: Notice | undefined;
    const seen = (notice: Notice | undefined): void => {
      if (notice !== undefined) came = notice;
    };
    const watchers = this.#watchers.get(id) ?? new Set();
    this.#watchers.set(id, watchers);
    watchers.add(seen);
    return {
      wait: (ms, signal) => {
        signal.throwIfAborted();
        if (came !== undefined) {
          const notice = came;
          came = undefined;
          return Promise.resolve(notice);
        }
        return this.wait(id, ms, signal).then((notice) => {
          came = undefined;
          return notice;
        });
      },
      stop: () => {
        watchers.delete(seen);
        if (watchers.size === 0 && this.#watchers.get(id) === watchers) this.#watchers.delete(id);
      },
    };
  }

  /** Closes the subscription's connection (the store's own) and ends every wait. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const connected = this.subscribed;
    this.#set(false);
    for (const waiters of this.#waiters.values()) for (const wake of waiters) wake(undefined);
    this.#waiters.clear();
    const subscriber = this.#subscriber;
    if (subscriber === undefined) return;
    try {
      // QUIT when connected; a connection still (re)connecting is dropped at once.
      if (connected) await subscriber.close();
      else subscriber.destroy();
    } catch {
      try {
        subscriber.destroy();
      } catch {
        // Already closed.
      }
    }
  }

  #set(up: boolean): void {
    const next = up && !this.#closed;
    if (next === this.subscribed) return;
    this.subscribed = next;
    this.epoch++;
  }

  #receive(message: string): void {
    const notice = parseNotice(message);
    if (notice === undefined) return;
    if (notice.origin !== this.#origin) this.#onNotice(notice);
    for (const seen of this.#watchers.get(notice.id) ?? []) seen(notice);
    for (const wake of this.#waiters.get(notice.id) ?? []) wake(notice);
  }
}
