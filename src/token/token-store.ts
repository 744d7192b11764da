import type { AccessToken } from './access-token.js';

/** A value, or a promise of it: stores may answer synchronously (memory) or not (Redis). */
export type MaybePromise<T> = T | Promise<T>;

/** A new token the client needs for a key, handed to {@link TokenStore.acquire}. */
export interface TokenAcquisition {
  /**
   * Sends this process's request to the token endpoint (with the client's retries) and resolves
   * with the new token. Call it at most once; its failure is the acquisition's failure.
   */
  fetch(): Promise<AccessToken>;
  /**
   * The token this acquisition replaces: the one the client found wanting when it looked the key
   * up (none, an expired one, or a stale one for a renewal), or, for a forced refresh, the one the
   * store held when the acquisition began. A token that is this one again (same `accessToken`)
   * does not answer the acquisition: the client needs a newer one. Any other valid token does,
   * such as one that another process stored after this client looked.
   */
  readonly current: AccessToken | undefined;
  /** Whether nobody waits for the token (a renewal ahead of expiry). */
  readonly background: boolean;
  /** Aborted when the client closes: stop waiting then. */
  readonly signal: AbortSignal;
}

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
  /**
   * Optional: gets the new token for `key` that the client needs, coordinated across every client
   * that shares the store (processes of a fleet). A store that offers it makes one request to the
   * token endpoint serve them all: it calls `acquisition.fetch()` in one of them (holding a lock
   * while it does) and stores the result, and lets the others wait for that token instead of
   * asking on their own; a bounded wait, after which a waiter fetches for itself.
   *
   * The client calls it instead of sending its request and calling {@link set}: the token it
   * resolves with must be valid, stored under `key`, and not `acquisition.current`.
   *
   * @param key - A cache key.
   * @param acquisition - How to fetch the token, what the store held, whether it is a renewal.
   * @returns The new token.
   * @throws What `acquisition.fetch()` threw, when this client fetched and failed.
   */
  acquire?(key: string, acquisition: TokenAcquisition): Promise<AccessToken>;
}
