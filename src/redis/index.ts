/**
 * `confidential-client/redis`: {@link RedisTokenStore}, a token store shared by the processes of
 * a fleet through Redis, so that the fleet behaves like one client: one token request on a cold
 * start, per renewal window and after a rejected token, however many processes need the token.
 *
 * **The Redis client is node-redis** (`redis` on npm, v5 or v6), an optional peer dependency: only
 * users of this entry install it, and the store uses the client the application already has.
 * node-redis is Redis Inc's maintained client; ioredis's own README says it is maintained on a
 * best-effort basis and recommends node-redis for new projects.
 *
 * **Redis Cluster** (`createCluster()`): a token and its lock share one hash slot (the hashed
 * cache key is the key's hash tag), so the store's scripts run there; notifications use classic
 * pub/sub, which a cluster broadcasts to every node, and a node's connection lost or back
 * (`node-*` events) counts as the subscription dropping or returning. (The suite runs against a
 * standalone redis-server; Cluster and Sentinel are covered by the types and these rules.)
 * **Sentinel** (`createSentinel()`): commands
 * follow the master through failovers; a failover that loses the last writes loses at most
 * tokens, which the fleet then fetches again. In both, when the notification connection drops,
 * first-level entries are trusted for `firstLevel.maxAge` at most until it is back.
 *
 * Node only (node:crypto). Re-exports only, by name.
 *
 * @module confidential-client/redis
 */

export type { RedisSubscriberClient, RedisTokenStoreClient } from './redis-client.js';
export { RedisTokenStore } from './redis-token-store.js';
export type {
  EncryptionKey,
  FirstLevelOptions,
  RedisTokenStoreOptions,
} from './redis-token-store-options.js';
export { redisTokenStoreDefaults } from './redis-token-store-options.js';
export type { RedisTokenStoreStats } from './store-stats.js';
