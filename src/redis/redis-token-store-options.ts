import type { Logger } from 'confidential-client';
import type { RedisTokenStoreClient } from './redis-client.js';

/**
 * A key that encrypts tokens at rest (AES-256-GCM), with the id that values name it by.
 *
 * @example
 * ```ts
 * // openssl rand -base64 32
 * { id: '2026-11', key: process.env.TOKEN_KEY_2026_11 }
 * ```
 */
export interface EncryptionKey {
  /** Names the key in each value it encrypts: 1 to 64 letters, digits, `_` or `-`. */
  id: string;
  /** 32 bytes: a `Uint8Array` (a `Buffer`), or their base64 (or base64url) encoding. */
  key: Uint8Array | string;
}

/** The in-process level of a {@link RedisTokenStore}. */
export interface FirstLevelOptions {
  /**
   * The most tokens held in process; the least recently used is dropped first.
   * @default 500
   */
  maxEntries?: number;
  /**
   * How long, in ms, a token held in process answers without asking Redis again while the store
   * cannot count on notifications (its subscription is down, or came back since). While the
   * subscription is up, another process's new token or invalidation reaches the first level as a
   * message instead.
   * @default 5000
   */
  maxAge?: number;
}

/** Options of {@link RedisTokenStore}. */
export interface RedisTokenStoreOptions {
  /**
   * A connected node-redis client (`createClient()`, `createCluster()` or `createSentinel()` of
   * `redis` v5 or v6). The store never connects, closes or quits it; it opens one more
   * connection of its own (`client.duplicate()`) to receive notifications.
   */
  client: RedisTokenStoreClient;
  /**
   * Prefix of every Redis key and of the notification channel: stores that share tokens share
   * a namespace. 1 to 100 letters, digits, `.`, `_`, `-` or `:`.
   * @default 'confidential-client'
   */
  namespace?: string;
  /**
   * Keys that encrypt tokens at rest with AES-256-GCM: the first encrypts, any of them decrypts
   * (to rotate, put the new key first and drop the old one once its tokens have expired). Without
   * keys, tokens are stored in Redis **in clear**: they are bearer credentials, so protect Redis
   * (ACL, TLS, no shared access) as you would the client secret.
   * @default none: tokens in clear
   */
  encryptionKeys?: readonly EncryptionKey[];
  /**
   * How long, in ms, the lock of an acquisition lives without its holder extending it: a holder
   * that died is replaced after at most this long. A live holder extends it every third of it
   * while its request is under way.
   * @default 5000
   */
  lockTtl?: number;
  /**
   * How long, in ms, an acquisition waits for another process's token before it fetches its own
   * (counted in `fallbacks`), so that no caller stalls longer on the fleet than this. Keep it
   * above `lockTtl`, so that waiters take over from a holder that died rather than all fetch.
   * @default 10000
   */
  waitTimeout?: number;
  /**
   * The longest, in ms, any Redis command may take; past it Redis counts as unavailable and the
   * store works on its first level and the client's own requests.
   * @default 250
   */
  operationTimeout?: number;
  /** The in-process level: its size and trust without notifications. */
  firstLevel?: FirstLevelOptions;
  /**
   * Receives a warning when Redis becomes unavailable (one per outage), a line when it is back,
   * and a warning per value in Redis that cannot be read. No line holds a token or a key.
   * @default no logging
   */
  logger?: Logger;
  /**
   * The clock, in epoch ms, for token expiry and first-level age (the same as the clients').
   * @default Date.now
   */
  now?: () => number;
}

/** The defaults of {@link RedisTokenStoreOptions}. Read-only. */
export const redisTokenStoreDefaults = Object.freeze({
  namespace: 'confidential-client',
  lockTtl: 5_000,
  waitTimeout: 10_000,
  operationTimeout: 250,
  firstLevel: Object.freeze({ maxEntries: 500, maxAge: 5_000 }),
});
