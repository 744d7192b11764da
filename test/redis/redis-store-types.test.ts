import { createClient, createCluster, createSentinel, RESP_TYPES } from 'redis';
import { describe, expectTypeOf, it } from 'vitest';
import type { TokenStore } from '../../src/index.js';
import {
  RedisTokenStore,
  type RedisTokenStoreClient,
  type RedisTokenStoreOptions,
  type RedisTokenStoreStats,
} from '../../src/redis/index.js';

/** Type-checks `build` without running it (no Redis is reached). */
const compileOnly = (build: () => unknown): void => void build;

describe('confidential-client/redis types', () => {
  it('takes the node-redis clients an application has: standalone, Cluster, Sentinel', () => {
    compileOnly(() => new RedisTokenStore({ client: createClient() }));
    compileOnly(() => new RedisTokenStore({ client: createClient({ RESP: 2 }) }));
    compileOnly(() => new RedisTokenStore({ client: createClient({ RESP: 3 }) }));
    compileOnly(
      () =>
        new RedisTokenStore({
          client: createClient().withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }),
        }),
    );
    compileOnly(
      () => new RedisTokenStore({ client: createCluster({ rootNodes: [{ url: 'redis://x' }] }) }),
    );
    compileOnly(
      () =>
        new RedisTokenStore({
          client: createSentinel({
            name: 'mymaster',
            sentinelRootNodes: [{ host: 'x', port: 26379 }],
          }),
        }),
    );
    expectTypeOf(createClient()).toMatchTypeOf<RedisTokenStoreClient>();
  });

  it('is a TokenStore with a synchronous peek and a coordinated acquire', () => {
    expectTypeOf<RedisTokenStore>().toMatchTypeOf<TokenStore>();
    expectTypeOf<RedisTokenStore['peek']>().returns.toEqualTypeOf<
      ReturnType<NonNullable<TokenStore['peek']>>
    >();
    expectTypeOf<RedisTokenStore['stats']>().returns.toEqualTypeOf<RedisTokenStoreStats>();
  });

  it('refuses what is not a client, and unknown options', () => {
    // @ts-expect-error an ioredis-style or made-up client lacks eval({ keys, arguments })
    compileOnly(() => new RedisTokenStore({ client: { get: async () => null } }));
    // @ts-expect-error unknown option
    compileOnly(() => new RedisTokenStore({ client: createClient(), lockTTL: 5 }));
    expectTypeOf<RedisTokenStoreOptions['encryptionKeys']>().toEqualTypeOf<
      readonly { id: string; key: Uint8Array | string }[] | undefined
    >();
  });
});
