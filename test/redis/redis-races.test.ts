import { expect, it } from 'vitest';
import { AccessToken } from '../../src/index.js';
import { RedisTokenStore, type RedisTokenStoreClient } from '../../src/redis/index.js';
import {
  describeWithRedis,
  namesOf,
  TEST_KEY,
  until,
  useRedisServer,
} from '../helpers/redis-server.js';
import { newClient, opaqueToken, tokenResponse, useTokenServer } from '../helpers/token-server.js';

const srv = useTokenServer();
const redis = useRedisServer();

function token(lifetime = 3_600_000): AccessToken {
  const now = Date.now();
  return new AccessToken({
    accessToken: opaqueToken(),
    tokenType: 'Bearer',
    scope: [],
    expiresAt: now + lifetime,
    issuedAt: now,
  });
}

/** The application's client, whose `GET` replies wait for `release()`. */
async function slowReads() {
  const client = await redis.client();
  const releases: Array<() => void> = [];
  let gate = Promise.resolve();
  const slow = Object.assign(Object.create(client) as RedisTokenStoreClient, {
    get: async (name: string) => {
      const reply = await client.get(name);
      await gate;
      return reply;
    },
  });
  return {
    client: slow,
    hold() {
      gate = new Promise<void>((resolve) => {
        releases.push(resolve);
      });
    },
    release: () => {
      for (const release of releases.splice(0)) release();
    },
  };
}

/**
 * A token stored by `writer`, and a store (trusting its first level for a minute) whose next
 * Redis reads wait for `slow.release()`.
 */
async function readHeldBack(writer: RedisTokenStore) {
  const t = token();
  await writer.set(TEST_KEY, t, 60_000);
  const slow = await slowReads();
  const store = new RedisTokenStore({
    client: slow.client,
    firstLevel: { maxAge: 60_000 },
    operationTimeout: 10_000,
  });
  await until(() => store.subscribed);
  slow.hold();
  return { t, slow, store };
}

describeWithRedis('RedisTokenStore: races between reads, deletions and holders', () => {
  it('a read that crossed a deletion hands its token to its callers only: never held, never joined', async () => {
    const writer = await redis.store();
    const { t, slow, store } = await readHeldBack(writer);
    // Redis answers the read with t, but the reply is held back past the deletion (a 401).
    const crossing = store.get(TEST_KEY);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await store.delete(TEST_KEY, t.accessToken);
    // A lookup after the deletion does not join the read begun before it.
    slow.hold();
    const after = store.get(TEST_KEY);
    slow.release();
    expect(await after).toBeUndefined();
    expect((await crossing)?.accessToken).toBe(t.accessToken);
    expect(store.peek(TEST_KEY)).toBeUndefined();
    await store.close();
  });

  it("another process's deletion noticed before the read's reply: the token read is not held", async () => {
    const other = await redis.store();
    const { t, slow, store } = await readHeldBack(other);
    const crossing = store.get(TEST_KEY);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.delete(TEST_KEY, t.accessToken);
    await until(() => store.stats().notificationsReceived >= 1);
    slow.release();
    expect((await crossing)?.accessToken).toBe(t.accessToken);
    expect(store.peek(TEST_KEY)).toBeUndefined();
    await store.close();
  });

  it('a holder that lost its lock does not overwrite the token stored by the one that took over', async () => {
    const [a, b, c] = [await redis.store(), await redis.store(), await redis.store()];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    srv.respond(async (_seen, n) => {
      if (n === 1) await gate;
      return tokenResponse();
    });
    const slowHolder = newClient({ store: a }).getToken();
    await until(() => a.stats().lockAcquisitions === 1);
    // The lock is lost (expired under a stalled holder, say), and another process takes over.
    await redis.admin((admin) => admin.del(namesOf().lock));
    const newer = await newClient({ store: b }).getToken();
    expect(b.stats().lockAcquisitions).toBe(1);
    release();
    const older = await slowHolder;
    expect(older.accessToken).not.toBe(newer.accessToken);
    expect((await c.get(TEST_KEY))?.accessToken).toBe(newer.accessToken);
    // b keeps its token: no notice of the older one made it drop it.
    expect(b.peek(TEST_KEY)?.accessToken).toBe(newer.accessToken);
  });

  it('a client that throws instead of rejecting counts as Redis down: the caller still gets a token', async () => {
    const client = await redis.client();
    const throwing = Object.assign(Object.create(client) as RedisTokenStoreClient, {
      eval: () => {
        throw new Error('synchronous failure');
      },
    });
    const store = new RedisTokenStore({ client: throwing });
    const token = await newClient({ store }).getToken();
    expect(token.accessToken).toBeTruthy();
    expect(store.stats()).toMatchObject({ fallbacks: 1, outages: 1 });
    expect(store.stats().redisErrors).toBeGreaterThanOrEqual(1);
    await store.close();
  });
});
