import type { IntrospectionData } from './introspection-data.js';

/**
 * The key of a token in the cache and the in-flight map: its SHA-256, base64url. The tokens
 * themselves are never kept as keys, so a heap dump of the validator holds no bearer token. WebCrypto
 * is global on every runtime the package supports (Node ≥ 20, Bun, Deno, edge).
 *
 * @param token - An access token.
 * @returns Its digest, 43 characters.
 * @internal
 */
export async function tokenDigest(token: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  let binary = '';
  for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

interface Entry {
  readonly data: IntrospectionData;
  /** Epoch ms after which the entry is not served. */
  readonly until: number;
}

/**
 * A bounded LRU of introspection answers for **active** tokens, each served until the token's own
 * expiry (`expiresAt`), or for at most `maxAge` after it was stored if that comes first.
 *
 * What is not cached, and why:
 * - `active: false`: a token never becomes active again, but caching refusals would let a flood of
 *   made-up tokens evict the valid ones; concurrent checks of one bad token still share one call;
 * - an active answer without `exp`, or whose `exp` has passed on the local clock: no expiry to
 *   trust;
 * - `409` and failures.
 *
 * A token revoked at the server stays admitted from the cache until its `exp` (or `maxAge`): the
 * trade-off every introspection cache makes (IBM's validators cache until `exp` too). Lower
 * `maxCacheAge`, or call `clearCache()`, where revocation must take effect sooner.
 *
 * @internal
 */
export class IntrospectionCache {
  readonly #maxEntries: number;
  readonly #maxAge: number;
  readonly #entries = new Map<string, Entry>();

  /**
   * @param maxEntries - Most entries kept; 0 keeps none.
   * @param maxAge - Longest an entry is served after it was stored, ms (may be `Infinity`).
   */
  constructor(maxEntries: number, maxAge: number) {
    this.#maxEntries = maxEntries;
    this.#maxAge = maxAge;
  }

  /**
   * The data of a token still within its expiry, which becomes the most recently used.
   *
   * @param key - The token's digest.
   * @param now - Current time, epoch ms.
   * @returns The data, or `undefined` (an expired entry is dropped).
   */
  get(key: string, now: number): IntrospectionData | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (now >= entry.until) return undefined;
    this.#entries.set(key, entry);
    return entry.data;
  }

  /**
   * Stores the data of an active token, unless it has no expiry or its expiry has passed; the
   * least recently used entry goes when the cache is full.
   *
   * @param key - The token's digest.
   * @param data - The introspection data.
   * @param now - Current time, epoch ms.
   */
  set(key: string, data: IntrospectionData, now: number): void {
    if (this.#maxEntries === 0 || data.expiresAt === undefined) return;
    const until = Math.min(data.expiresAt, now + this.#maxAge);
    if (until <= now) return;
    this.#entries.delete(key);
    this.#entries.set(key, { data, until });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
