import type { AccessToken } from 'confidential-client';
import { type GuardedRedis, text } from './guarded-redis.js';
import type { KeyNames } from './key-names.js';
import { formatNotice } from './notifications.js';
import { CLAIM, DELETE, EXTEND, RELEASE, STORE } from './redis-scripts.js';
import type { StoreLog } from './store-log.js';
import type { RedisTokenStoreStats } from './store-stats.js';
import { fingerprint, type TokenCodec } from './token-codec.js';

/** A token read from Redis, with its fingerprint. */
export interface SharedToken {
  readonly token: AccessToken;
  readonly fingerprint: string;
}

/** What {@link SharedLevel.claim} found. */
export type Claim =
  | ({ readonly kind: 'token' } & SharedToken)
  | { readonly kind: 'unreadable' }
  | { readonly kind: 'locked' }
  | { readonly kind: 'held'; readonly pttl: number };

/**
 * The Redis level of the store: tokens encoded (and encrypted) under hashed names, the lock of an
 * acquisition, and a notification published with every change. Each method is one command,
 * bounded by `operationTimeout`; all of them throw `RedisUnavailable` when Redis cannot answer,
 * and the store catches it.
 */
export class SharedLevel {
  readonly #redis: GuardedRedis;
  readonly #codec: TokenCodec;
  readonly #channel: string;
  readonly #origin: string;
  readonly #now: () => number;
  readonly #stats: RedisTokenStoreStats;
  readonly #log: StoreLog;

  /**
   * @param redis - Bounded commands.
   * @param codec - Values in and out.
   * @param channel - The namespace's notification channel.
   * @param origin - This store's random id, in its notices.
   * @param now - The clock of token expiry.
   * @param stats - The store's counters.
   * @param log - The store's log.
   */
  constructor(
    redis: GuardedRedis,
    codec: TokenCodec,
    channel: string,
    origin: string,
    now: () => number,
    stats: RedisTokenStoreStats,
    log: StoreLog,
  ) {
    this.#redis = redis;
    this.#codec = codec;
    this.#channel = channel;
    this.#origin = origin;
    this.#now = now;
    this.#stats = stats;
    this.#log = log;
  }

  /**
   * The token stored under `names`.
   *
   * @param names - The key's Redis names.
   * @param known - A token already held in process: if Redis holds that one, it is returned as
   *   it is, without decoding.
   * @returns The token, or `undefined` (none, or unreadable: warned).
   */
  async read(names: KeyNames, known?: SharedToken): Promise<SharedToken | undefined> {
    const value = await this.#redis.get(names.token);
    if (value === undefined) return undefined;
    if (known !== undefined && value.startsWith(this.#codec.prefixOf(known.fingerprint))) {
      return known;
    }
    return this.#decode(value, names);
  }

  /**
   * Claims the acquisition of the token under `names` (script `CLAIM`).
   *
   * @param names - The key's Redis names.
   * @param current - The caller's current token: a stored token that is this one does not count.
   * @param lookPast - Take the lock even if a token is stored (it was found unusable).
   * @param owner - This acquisition's random id.
   * @param lockTtl - The lock's TTL in ms.
   * @returns A stored token, or the lock, or how long another holder keeps it.
   */
  async claim(
    names: KeyNames,
    current: AccessToken | undefined,
    lookPast: boolean,
    owner: string,
    lockTtl: number,
  ): Promise<Claim> {
    const skip =
      current === undefined ? '' : this.#codec.prefixOf(fingerprint(current.accessToken));
    const reply = await this.#redis.eval(
      CLAIM,
      [names.token, names.lock],
      [skip, lookPast ? '1' : '0', owner, String(lockTtl)],
    );
    const [kind, detail] = Array.isArray(reply) ? reply.map(text) : [];
    if (kind === 'locked') return { kind };
    if (kind === 'held') return { kind, pttl: Math.max(1, Number(detail) || 1) };
    const shared = detail === undefined ? undefined : this.#decode(detail, names);
    return shared === undefined ? { kind: 'unreadable' } : { kind: 'token', ...shared };
  }

  /**
   * Stores `token` for as long as it lives, releases `owner`'s lock, and announces the token.
   *
   * @param names - The key's Redis names.
   * @param token - The new token.
   * @param owner - The acquisition's id if it holds the lock, else `''`.
   */
  async write(names: KeyNames, token: AccessToken, owner = ''): Promise<void> {
    const ttl = Math.floor(token.expiresAt - this.#now());
    if (ttl < 1) return;
    const { value, fingerprint: print } = this.#codec.encode(token, names.token);
    const notice = formatNotice('stored', names.id, print, this.#origin);
    await this.#redis.eval(
      STORE,
      [names.token, names.lock],
      [value, String(ttl), owner, this.#channel, notice],
    );
  }

  /** Releases `owner`'s lock after a failed request, and announces it. */
  async release(names: KeyNames, owner: string): Promise<void> {
    const notice = formatNotice('released', names.id, '-', this.#origin);
    await this.#redis.eval(RELEASE, [names.lock], [owner, this.#channel, notice]);
  }

  /** Extends `owner`'s lock to `lockTtl` from now. @returns Whether it still held it. */
  async extend(names: KeyNames, owner: string, lockTtl: number): Promise<boolean> {
    return (await this.#redis.eval(EXTEND, [names.lock], [owner, String(lockTtl)])) === 1;
  }

  /**
   * Compare-and-delete: deletes the stored token if it is the one of fingerprint `print` (any
   * token without it), and announces the deletion.
   *
   * @returns Whether a token was deleted.
   */
  async delete(names: KeyNames, print?: string): Promise<boolean> {
    const prefix = print === undefined ? '' : this.#codec.prefixOf(print);
    const notice = formatNotice('deleted', names.id, print ?? '-', this.#origin);
    const reply = await this.#redis.eval(DELETE, [names.token], [prefix, this.#channel, notice]);
    return reply === 1;
  }

  #decode(value: string, names: KeyNames): SharedToken | undefined {
    const decoded = this.#codec.decode(value, names.token);
    if (decoded.ok) return decoded;
    this.#stats.unreadableValues++;
    this.#log(
      'warn',
      `a token in Redis could not be read and counts as a miss: ${decoded.reason}.`,
      {
        key: names.id,
      },
    );
    return undefined;
  }
}
