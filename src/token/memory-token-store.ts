import type { AccessToken } from './access-token.js';
import type { TokenStore } from './token-store.js';

/** Options of {@link MemoryTokenStore}. */
export interface MemoryTokenStoreOptions {
  /**
   * The most tokens kept; the least recently used is dropped first. Bounds memory even when a
   * server names endless distinct scopes.
   * @default 500
   */
  maxEntries?: number;
  /**
   * The clock, in epoch ms, used to drop entries whose TTL has passed.
   * @default Date.now
   */
  now?: () => number;
}

interface Entry {
  token: AccessToken;
  expires: number;
}

/**
 * An in-memory, least-recently-used token cache bounded to `maxEntries` tokens. Synchronous, so
 * a cache hit costs no I/O.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** The most recently used key (the last in the map), if known. */
  #newest: string | undefined;

  /** @param options - Size bound and clock. */
  constructor(options: MemoryTokenStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? 500;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(
        'confidential-client: MemoryTokenStore maxEntries must be a whole number of at least 1.',
      );
    }
    this.#maxEntries = maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** How many entries are held now. */
  get size(): number {
    return this.#entries.size;
  }

  get(key: string): AccessToken | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expires <= this.#now()) {
      this.delete(key);
      return undefined;
    }
    // Re-insert to mark as most recently used (Map keeps insertion order), unless it already is:
    // the hot path reads one key over and over.
    if (key !== this.#newest) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      this.#newest = key;
    }
    return entry.token;
  }

  /**
   * The same as {@link get}: this store always answers at once.
   *
   * @param key - A cache key.
   * @returns The token, or `undefined`.
   */
  peek(key: string): AccessToken | undefined {
    return this.get(key);
  }

  set(key: string, token: AccessToken, ttl: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { token, expires: this.#now() + Math.max(0, ttl) });
    this.#newest = key;
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  delete(key: string, ifAccessToken?: string): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    if (ifAccessToken !== undefined && entry.token.accessToken !== ifAccessToken) return false;
    if (key === this.#newest) this.#newest = undefined;
    return this.#entries.delete(key);
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries.clear();
    this.#newest = undefined;
  }
}
