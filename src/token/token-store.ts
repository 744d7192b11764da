import type { AccessToken } from './access-token.js';

/** A value, or a promise of it: stores may answer synchronously (memory) or not (Redis). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where tokens are cached. The default is an in-memory LRU ({@link MemoryTokenStore}); implement
 * this to share tokens between processes (see `confidential-client/redis`).
 *
 * Keys are opaque strings built by the client from everything that changes the token: the token
 * URL, the client ID, the scope and extra token parameters. They hold no secret.
 */
export interface TokenStore {
  /**
   * @param key - A cache key.
   * @returns The token stored under `key`, or `undefined`. May return an expired token: the
   *   client checks expiry itself.
   */
  get(key: string): MaybePromise<AccessToken | undefined>;
  /**
   * Optional: the token under `key` at once, without a promise, for stores that can answer
   * synchronously (the memory store; a two-level store's first level). A store that offers it gets
   * the client's fastest path on a cache hit: `client.fetch` sends without a single `await`. Return
   * `undefined` when the answer is not at hand; the client then calls {@link get}.
   *
   * @param key - A cache key.
   * @returns The token, or `undefined`.
   */
  peek?(key: string): AccessToken | undefined;
  /**
   * Stores `token` under `key`, replacing what was there.
   *
   * @param key - A cache key.
   * @param token - The token.
   * @param ttl - How long the entry is useful, in ms (until the token expires).
   */
  set(key: string, token: AccessToken, ttl: number): MaybePromise<void>;
  /**
   * Removes the entry under `key`. With `ifAccessToken`, removes it only if it still holds that
   * token (compare-and-delete), so that a token rejected by a resource never evicts a newer one
   * that another caller already fetched.
   *
   * @param key - A cache key.
   * @param ifAccessToken - Only delete if the stored token is this one.
   * @returns Whether an entry was removed.
   */
  delete(key: string, ifAccessToken?: string): MaybePromise<boolean>;
}
