/**
 * Counters of a {@link RedisTokenStore} since it was created: read them with `store.stats()`, and
 * add them up across the processes of a fleet.
 */
export interface RedisTokenStoreStats {
  /** Lookups answered by the in-process first level (`peek` and `get`), without Redis. */
  firstLevelHits: number;
  /** Tokens read from Redis: a lookup, or an acquisition that found another process's token. */
  sharedHits: number;
  /** Acquisitions in which this process took the lock and fetched the token for the fleet. */
  lockAcquisitions: number;
  /** Acquisitions that found the lock held by another process and waited for its token. */
  lockWaits: number;
  /**
   * Acquisitions that took the lock after it expired under another holder (a holder that died),
   * having seen no sign of its release. Part of `lockAcquisitions`.
   */
  lockTakeovers: number;
  /**
   * Acquisitions that fetched without the lock: Redis unavailable, or a wait past `waitTimeout`
   * (those are also counted in `waitTimeouts`).
   */
  fallbacks: number;
  /** Waits for another process's token that ended at `waitTimeout`. Part of `fallbacks`. */
  waitTimeouts: number;
  /** Redis commands that failed or took longer than `operationTimeout`. */
  redisErrors: number;
  /** Times Redis became unavailable (one warning each; one line again when it is back). */
  outages: number;
  /** Notifications received from other stores (a new token, an invalidation, a lock released). */
  notificationsReceived: number;
  /** Values in Redis that could not be decrypted or read: each a miss and a warning. */
  unreadableValues: number;
}

/** @returns Counters at zero. */
export function newStats(): RedisTokenStoreStats {
  return {
    firstLevelHits: 0,
    sharedHits: 0,
    lockAcquisitions: 0,
    lockWaits: 0,
    lockTakeovers: 0,
    fallbacks: 0,
    waitTimeouts: 0,
    redisErrors: 0,
    outages: 0,
    notificationsReceived: 0,
    unreadableValues: 0,
  };
}
