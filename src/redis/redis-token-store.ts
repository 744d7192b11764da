// Just over 300 lines: the public class, whose TSDoc (levels, bounds, Redis down, security) is a
// third of it; the mechanisms live in first-level, shared-level, fleet-acquisition and notifications.
import { randomBytes } from 'node:crypto';
import type { AccessToken, TokenAcquisition, TokenStore } from 'confidential-client';
import { FirstLevel, type FirstLevelEntry } from './first-level.js';
import { FleetAcquisitions } from './fleet-acquisition.js';
import { GuardedRedis } from './guarded-redis.js';
import { KeyNamer, type KeyNames } from './key-names.js';
import { type Notice, Notifications } from './notifications.js';
import type { RedisTokenStoreOptions } from './redis-token-store-options.js';
import { type ResolvedStoreOptions, resolveStoreOptions } from './resolve-store-options.js';
import { SharedLevel, type SharedToken } from './shared-level.js';
import { storeLog } from './store-log.js';
import { newStats, type RedisTokenStoreStats } from './store-stats.js';
import { fingerprint, TokenCodec } from './token-codec.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A token store shared by every process of a fleet through Redis, with an in-process first level
 * and cross-process single-flight: the fleet asks the token endpoint once per token, on a cold
 * start, per renewal window and after a rejected token, however many processes need it.
 *
 * - **Two levels.** `peek` answers from the first level (an in-process LRU) without I/O, so a cache
 *   hit of `client.fetch` costs what it costs with the memory store. An entry lives no longer than
 *   its token (its TTL in Redis too). Another process's new token or invalidation reaches it by a
 *   notification on the namespace's channel, within a pub/sub delivery (milliseconds) while the
 *   subscription is up; when it is not, or was not since Redis last confirmed the entry, the entry
 *   answers for `firstLevel.maxAge` at most, then Redis is read again.
 * - **Single-flight across processes** (`acquire`): one process takes a short lock, fetches and
 *   stores; the others wait for its token, at most `waitTimeout`; a lock whose holder died expires
 *   after `lockTtl` and a waiter takes over (see fleet-acquisition.ts).
 * - **Invalidation** is compare-and-delete in a Lua script: a token rejected by a resource never
 *   deletes a newer one that another process stored.
 * - **Redis down or slow:** every command is bounded by `operationTimeout`; the store then serves
 *   its first level and lets each process fetch its own tokens, logs one warning per outage and
 *   one line when Redis is back, and shares again from then on. No method throws because of Redis.
 * - **Tokens are bearer credentials:** key names are SHA-256 hashes (no client ID, scope or URL),
 *   notifications name tokens by a hash, and values are encrypted with AES-256-GCM when
 *   `encryptionKeys` are given. Without them tokens sit in Redis **in clear**: protect Redis.
 *
 * The store listens for the client's `error` events while it is open (a lost connection is then
 * never an unhandled `error` that ends the process), never connects, closes or quits the client,
 * and opens one connection of its own (`client.duplicate()`) for notifications, which
 * {@link close} closes.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { ConfidentialClient } from 'confidential-client';
 * import { RedisTokenStore } from 'confidential-client/redis';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const store = new RedisTokenStore({ client: redis, encryptionKeys: [{ id: 'k1', key: process.env.TOKEN_KEY! }] });
 * const client = new ConfidentialClient({ serverUrl, clientId, clientSecret, store });
 * // … at shutdown: await client.close(); await store.close(); await redis.close();
 * ```
 */
export class RedisTokenStore implements TokenStore {
  readonly #options: ResolvedStoreOptions;
  readonly #stats = newStats();
  readonly #names: KeyNamer;
  readonly #first: FirstLevel;
  readonly #redis: GuardedRedis;
  readonly #shared: SharedLevel;
  readonly #notifications: Notifications;
  readonly #acquisitions: FleetAcquisitions;
  /** Redis reads under way, one per key, shared by concurrent lookups. */
  readonly #reads = new Map<string, Promise<AccessToken | undefined>>();
  /**
   * Changes seen, per key (in 256 buckets of Redis ids: bounded, and a collision only costs a
   * first-level entry): local deletions and other processes' notices. A token read from Redis
   * before a change of its key is handed to the callers of that read, but not held in the first
   * level: its reply may have crossed a deletion or a newer token (whose notice came first, on
   * another connection).
   */
  readonly #changes = new Uint32Array(256);
  /** Per bucket, the fingerprint of the token its last change stored (`undefined`: a deletion). */
  readonly #lastStored: (string | undefined)[] = [];
  #closed = false;

  /**
   * @param options - The client, and optionally namespace, encryption keys, bounds, logger.
   * @throws {ConfigurationError} When an option is invalid (before any connection is opened).
   */
  constructor(options: RedisTokenStoreOptions) {
    const resolved = resolveStoreOptions(options);
    this.#options = resolved;
    const log = storeLog(resolved.logger);
    const origin = randomBytes(9).toString('base64url');
    this.#names = new KeyNamer(resolved.namespace);
    this.#first = new FirstLevel(resolved.maxEntries, resolved.maxAge);
    this.#redis = new GuardedRedis(resolved.client, resolved.operationTimeout, log, this.#stats);
    this.#shared = new SharedLevel(
      this.#redis,
      new TokenCodec(resolved.keys),
      this.#names.channel,
      origin,
      resolved.now,
      this.#stats,
      log,
    );
    this.#notifications = new Notifications(
      resolved.client,
      this.#names.channel,
      origin,
      (notice) => this.#onNotice(notice),
      log,
    );
    this.#acquisitions = new FleetAcquisitions({
      shared: this.#shared,
      notifications: this.#notifications,
      stats: this.#stats,
      log,
      lockTtl: resolved.lockTtl,
      waitTimeout: resolved.waitTimeout,
      now: resolved.now,
      remember: (key, names, token, print, since) => {
        if (since === undefined || this.#unchanged(names.id, since, print))
          this.#remember(key, names, token, print);
      },
      changes: (names) => this.#changesOf(names.id),
    });
    void this.#notifications.start();
  }

  /** Whether Redis answered the store's last command (the store shares tokens through it). */
  get redisAvailable(): boolean {
    return this.#redis.up;
  }

  /** Whether the store receives other processes' notifications now. */
  get subscribed(): boolean {
    return this.#notifications.subscribed;
  }

  /**
   * The token of `key` from the first level, without I/O, when it may answer without Redis
   * (counted in `firstLevelHits`); `undefined` otherwise, and the client then calls {@link get}.
   *
   * @param key - A cache key.
   * @returns The token, or `undefined`.
   */
  peek(key: string): AccessToken | undefined {
    const now = this.#options.now();
    const entry = this.#first.get(key, now);
    if (entry === undefined || !this.#trusted(entry, now)) return undefined;
    this.#stats.firstLevelHits++;
    return entry.token;
  }

  /**
   * The token of `key`: from the first level while it may answer, else from Redis (concurrent
   * lookups of a key share one read), else, while Redis cannot answer, from the first level.
   *
   * @param key - A cache key.
   * @returns The token, or `undefined`. Never rejects.
   */
  get(key: string): Promise<AccessToken | undefined> {
    const now = this.#options.now();
    const entry = this.#first.get(key, now);
    if (entry !== undefined && (this.#closed || this.#trusted(entry, now))) {
      this.#stats.firstLevelHits++;
      return Promise.resolve(entry.token);
    }
    if (this.#closed) return Promise.resolve(undefined);
    let read = this.#reads.get(key);
    if (read === undefined) {
      const started = this.#read(key, entry).finally(() => {
        if (this.#reads.get(key) === started) this.#reads.delete(key);
      });
      read = started;
      this.#reads.set(key, read);
    }
    return read;
  }

  /**
   * Stores `token` under `key` in both levels and announces it to the other processes. The client
   * does not call it (it calls {@link acquire}); it is here for the `TokenStore` contract.
   *
   * @param key - A cache key.
   * @param token - The token.
   * @param ttl - How long the entry is useful, in ms: at most until the token expires.
   */
  async set(key: string, token: AccessToken, ttl: number): Promise<void> {
    if (ttl <= 0) return;
    const names = this.#names.of(key);
    this.#remember(key, names, token);
    if (!this.#closed) await this.#shared.write(names, token).catch(() => undefined);
  }

  /**
   * Removes the token of `key` from both levels; with `ifAccessToken`, only where it is still that
   * token (compare-and-delete, atomic in Redis), so that a rejected token never deletes a newer
   * one. Announced to the other processes, whose first levels drop it.
   *
   * @param key - A cache key.
   * @param ifAccessToken - Only delete if the stored token is this one.
   * @returns Whether an entry was removed (in process or in Redis). Never rejects.
   */
  async delete(key: string, ifAccessToken?: string): Promise<boolean> {
    const names = this.#names.of(key);
    const print = ifAccessToken === undefined ? undefined : fingerprint(ifAccessToken);
    this.#changed(names.id);
    // A lookup from now on reads Redis afresh rather than join a read begun before the deletion.
    this.#reads.delete(key);
    const local = this.#first.delete(key, print);
    if (this.#closed) return local;
    const shared = await this.#shared.delete(names, print).catch(() => false);
    return local || shared;
  }

  /**
   * Gets the new token the client needs for `key`, once for the whole fleet: see
   * fleet-acquisition.ts. With Redis unavailable, or after `waitTimeout`, this process fetches
   * its own.
   *
   * @param key - A cache key.
   * @param acquisition - From the client.
   * @returns The new token, stored in both levels.
   * @throws What `acquisition.fetch()` threw, when this process fetched and failed; the signal's
   *   reason when the client closes during a wait. Never because of Redis.
   */
  acquire(key: string, acquisition: TokenAcquisition): Promise<AccessToken> {
    return this.#acquisitions.acquire(key, this.#names.of(key), acquisition);
  }

  /** Counters since the store was created: see {@link RedisTokenStoreStats}. @returns A copy. */
  stats(): RedisTokenStoreStats {
    return { ...this.#stats };
  }

  /**
   * Closes the store's own notification connection and stops using Redis (the first level keeps
   * answering; acquisitions fetch on their own). The application's client stays open: close it
   * yourself. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#redis.close();
    await this.#notifications.close();
  }

  /** The same as {@link close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** A summary without tokens or keys. */
  toJSON(): Record<string, unknown> {
    return {
      namespace: this.#options.namespace,
      encrypted: this.#options.keys.length > 0,
      entries: this.#first.size,
      redisAvailable: this.redisAvailable,
      subscribed: this.subscribed,
    };
  }

  /** What `util.inspect` (and `console.log`) shows: no Redis credentials, key or token. */
  [INSPECT](): string {
    return `RedisTokenStore ${JSON.stringify(this.toJSON())}`;
  }

  #trusted(entry: FirstLevelEntry, now: number): boolean {
    const { epoch, subscribed } = this.#notifications;
    return this.#first.trusted(entry, now, epoch, subscribed);
  }

  async #read(key: string, held: FirstLevelEntry | undefined): Promise<AccessToken | undefined> {
    const names = this.#names.of(key);
    // Stamped with the epoch the read began in: a subscription that came up during the read may
    // have missed a change made before it.
    const epoch = this.#notifications.epoch;
    const since = this.#changesOf(names.id);
    let found: SharedToken | undefined;
    try {
      found = await this.#shared.read(names, held);
    } catch {
      // Redis cannot answer: the first level serves what it holds, however old, while it lives.
      if (held !== undefined) this.#stats.firstLevelHits++;
      return held?.token;
    }
    const now = this.#options.now();
    if (found === undefined || found.token.expiresAt <= now) {
      // Redis is the authority: a token it no longer holds was deleted by another process.
      this.#first.delete(key);
      return undefined;
    }
    this.#stats.sharedHits++;
    if (this.#unchanged(names.id, since, found.fingerprint))
      this.#remember(key, names, found.token, found.fingerprint, epoch);
    return found.token;
  }

  #remember(
    key: string,
    names: KeyNames,
    token: AccessToken,
    print?: string,
    epoch = this.#notifications.epoch,
  ): void {
    const held = this.#first.get(key, this.#options.now());
    const same = held !== undefined && held.token === token;
    this.#first.set(key, {
      token,
      fingerprint: print ?? (same ? held.fingerprint : fingerprint(token.accessToken)),
      id: names.id,
      verifiedAt: this.#options.now(),
      epoch,
    });
  }

  #changesOf(id: string): number {
    return this.#changes[bucket(id)] as number;
  }

  /**
   * Whether a token read when the key's bucket had seen `since` changes may be held: no change
   * since, or the last one stored that very token.
   */
  #unchanged(id: string, since: number, print: string | undefined): boolean {
    const at = bucket(id);
    return this.#changes[at] === since || (print !== undefined && this.#lastStored[at] === print);
  }

  #changed(id: string, stored?: string): void {
    const at = bucket(id);
    this.#changes[at] = (this.#changes[at] as number) + 1;
    this.#lastStored[at] = stored;
  }

  /** Another process stored or deleted a token: the first level drops what it no longer holds. */
  #onNotice(notice: Notice): void {
    this.#stats.notificationsReceived++;
    this.#changed(notice.id, notice.kind === 'stored' ? notice.fingerprint : undefined);
    const key = this.#first.keyOf(notice.id);
    if (key === undefined) return;
    if (notice.kind === 'stored') {
      const entry = this.#first.get(key, this.#options.now());
      if (entry !== undefined && entry.fingerprint !== notice.fingerprint) this.#first.delete(key);
    } else if (notice.kind === 'deleted') {
      this.#first.delete(key, notice.fingerprint === '-' ? undefined : notice.fingerprint);
    }
  }
}

/** One of 256 buckets for a Redis id (base64url of a SHA-256: its first two characters). */
function bucket(id: string): number {
  return ((id.charCodeAt(0) << 8) | id.charCodeAt(1)) & 255;
}
