import type { AccessToken } from 'confidential-client';

/** One token held in process. */
export interface FirstLevelEntry {
  readonly token: AccessToken;
  /** The token's fingerprint (notifications name tokens by it). */
  readonly fingerprint: string;
  /** The Redis id of its cache key. */
  readonly id: string;
  /** When Redis last confirmed it (epoch ms, the store's clock). */
  verifiedAt: number;
  /** The notification epoch it was confirmed in (see {@link FirstLevel.trusted}). */
  epoch: number;
}

/**
 * The in-process level in front of Redis: a least-recently-used map from the core's cache keys to
 * tokens, bounded to `maxEntries`, that answers `peek` synchronously.
 *
 * An entry lives no longer than its token (`expiresAt`, which is also its TTL in Redis). Whether
 * it may answer without asking Redis again is {@link trusted}: while the store's notification
 * subscription has stayed up since Redis confirmed the entry, another process's change reaches it
 * as a message; otherwise only for `maxAge` after that confirmation.
 */
export class FirstLevel {
  readonly #entries = new Map<string, FirstLevelEntry>();
  /** Cache keys by Redis id, for notifications. */
  readonly #byId = new Map<string, string>();
  readonly #maxEntries: number;
  readonly #maxAge: number;
  /** The most recently used key (the last in the map), if known. */
  #newest: string | undefined;

  /**
   * @param maxEntries - The most tokens held.
   * @param maxAge - How long an entry is trusted without notifications, in ms.
   */
  constructor(maxEntries: number, maxAge: number) {
    this.#maxEntries = maxEntries;
    this.#maxAge = maxAge;
  }

  /** How many entries are held. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The entry for `key` while its token has not expired, marked most recently used.
   *
   * @param key - A cache key.
   * @param now - The time, epoch ms.
   * @returns The entry, or `undefined`.
   */
  get(key: string, now: number): FirstLevelEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.token.expiresAt <= now) {
      this.delete(key);
      return undefined;
    }
    // Re-inserted to mark it most recently used, unless it already is (the hot path reads one
    // key over and over).
    if (key !== this.#newest) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      this.#newest = key;
    }
    return entry;
  }

  /**
   * Whether `entry` may answer without asking Redis.
   *
   * @param entry - An entry of this level.
   * @param now - The time, epoch ms.
   * @param epoch - The current notification epoch: it changes whenever the subscription drops.
   * @param subscribed - Whether the subscription is up now.
   * @returns Whether it is trusted.
   */
  trusted(entry: FirstLevelEntry, now: number, epoch: number, subscribed: boolean): boolean {
    return (subscribed && entry.epoch === epoch) || now - entry.verifiedAt <= this.#maxAge;
  }

  /**
   * Holds `entry` under `key`, replacing what was there, dropping the least recently used past
   * `maxEntries`.
   *
   * @param key - A cache key.
   * @param entry - The token and what is known of it.
   */
  set(key: string, entry: FirstLevelEntry): void {
    this.delete(key);
    this.#entries.set(key, entry);
    this.#byId.set(entry.id, key);
    this.#newest = key;
    while (this.#entries.size > this.#maxEntries) {
      this.delete(this.#entries.keys().next().value as string);
    }
  }

  /**
   * Removes the entry under `key`; with `fingerprint`, only if it holds that token.
   *
   * @param key - A cache key.
   * @param print - Only if the entry's token has this fingerprint.
   * @returns Whether an entry was removed.
   */
  delete(key: string, print?: string): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined || (print !== undefined && entry.fingerprint !== print)) return false;
    this.#entries.delete(key);
    this.#byId.delete(entry.id);
    if (key === this.#newest) this.#newest = undefined;
    return true;
  }

  /**
   * The cache key held under a Redis id, for a notification.
   *
   * @param id - A Redis id ({@link KeyNames.id}).
   * @returns The cache key, or `undefined`.
   */
  keyOf(id: string): string | undefined {
    return this.#byId.get(id);
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries.clear();
    this.#byId.clear();
    this.#newest = undefined;
  }
}
