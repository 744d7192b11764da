import { HttpResponse, http } from 'msw';
import { expect, it, vi } from 'vitest';
import { AccessToken } from '../../src/index.js';
import type { RedisTokenStoreClient } from '../../src/redis/index.js';
import { describeWithRedis, until, useRedisServer } from '../helpers/redis-server.js';
import {
  fakeClock,
  newClient,
  opaqueToken,
  SERVER,
  useTokenServer,
} from '../helpers/token-server.js';

const srv = useTokenServer();
const redis = useRedisServer();

function token(now: number, lifetime = 3_600_000): AccessToken {
  return new AccessToken({
    accessToken: opaqueToken(),
    tokenType: 'Bearer',
    scope: ['a'],
    expiresAt: now + lifetime,
    issuedAt: now,
  });
}

/** The application's client, whose duplicate never connects: a store without notifications. */
async function deafClient(): Promise<RedisTokenStoreClient> {
  const client = await redis.client();
  return Object.assign(Object.create(client) as RedisTokenStoreClient, {
    duplicate: () => ({
      connect: () => new Promise(() => undefined),
      subscribe: async () => undefined,
      close: async () => undefined,
      destroy: () => undefined,
      on: () => undefined,
    }),
  });
}

describeWithRedis('RedisTokenStore: hits and misses over two levels', () => {
  it('a miss, then a token from Redis (shared hit), then from the first level', async () => {
    const [a, b] = [await redis.store(), await redis.store()];
    expect(await a.get('k')).toBeUndefined();
    expect(a.peek('k')).toBeUndefined();
    const t = token(Date.now());
    await a.set('k', t, 60_000);
    expect(a.peek('k')).toBe(t);
    expect(b.peek('k')).toBeUndefined();
    const read = await b.get('k');
    expect(read?.accessToken).toBe(t.accessToken);
    expect(read?.expiresAt).toBe(t.expiresAt);
    expect(b.peek('k')).toBe(read);
    expect(b.stats()).toMatchObject({ sharedHits: 1, firstLevelHits: 1 });
    expect(a.stats()).toMatchObject({ sharedHits: 0, firstLevelHits: 1 });
  });

  it('peek is synchronous: a cached token serves client.fetch without store.get', async () => {
    const store = await redis.store();
    srv.server.use(http.get(`${SERVER}/resource`, () => HttpResponse.json({ ok: true })));
    const get = vi.spyOn(store, 'get');
    const peek = vi.spyOn(store, 'peek');
    const client = newClient({ store });
    await client.getToken();
    get.mockClear();
    const hits = store.stats().firstLevelHits;
    for (let i = 0; i < 10; i++)
      expect((await client.fetch(`${SERVER}/resource`)).status).toBe(200);
    expect(get).not.toHaveBeenCalled();
    expect(peek.mock.results.at(-1)?.value).toBeInstanceOf(AccessToken);
    expect(store.stats().firstLevelHits).toBe(hits + 10);
    expect(srv.count).toBe(1);
    await client.close();
  });

  it('concurrent lookups of one key share one Redis read', async () => {
    const [a, b] = [await redis.store(), await redis.store()];
    await a.set('k', token(Date.now()), 60_000);
    const read = await Promise.all(Array.from({ length: 50 }, () => b.get('k')));
    expect(new Set(read).size).toBe(1);
    expect(b.stats().sharedHits).toBe(1);
  });

  it('the first level holds a token no longer than it lives, nor does Redis', async () => {
    const clock = fakeClock();
    const [a, b] = [await redis.store({ now: clock.now }), await redis.store({ now: clock.now })];
    const t = token(clock.now(), 60_000);
    await a.set('k', t, 60_000);
    await b.get('k');
    const names = await redis.admin((admin) => admin.keys('*:token'));
    expect(names).toHaveLength(1);
    const pttl = await redis.admin((admin) => admin.pTTL(names[0] as string));
    expect(pttl).toBeGreaterThan(59_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    clock.advance(60_000);
    expect(a.peek('k')).toBeUndefined();
    expect(b.peek('k')).toBeUndefined();
    expect(await b.get('k')).toBeUndefined();
  });

  it('holds at most firstLevel.maxEntries tokens, dropping the least recently used', async () => {
    const store = await redis.store({ firstLevel: { maxEntries: 2 } });
    const now = Date.now();
    await store.set('a', token(now), 60_000);
    await store.set('b', token(now), 60_000);
    store.peek('a');
    await store.set('c', token(now), 60_000);
    expect(store.peek('b')).toBeUndefined();
    expect(store.peek('a')).toBeDefined();
    expect(store.peek('c')).toBeDefined();
    // Still in Redis: read back, not lost.
    expect(await store.get('b')).toBeDefined();
  });
});

describeWithRedis('RedisTokenStore: the first level learns of other processes', () => {
  it("another process's new token replaces the first-level entry within a notification", async () => {
    const [a, b] = [await redis.store(), await redis.store()];
    const t1 = token(Date.now());
    await a.set('k', t1, 60_000);
    expect((await b.get('k'))?.accessToken).toBe(t1.accessToken);
    const t2 = token(Date.now());
    const start = performance.now();
    await a.set('k', t2, 60_000);
    await until(() => b.peek('k') === undefined, 1_000);
    expect(performance.now() - start).toBeLessThan(1_000);
    expect((await b.get('k'))?.accessToken).toBe(t2.accessToken);
    expect(b.stats().notificationsReceived).toBeGreaterThanOrEqual(1);
    // Its own announcements do not count, nor drop its own entry.
    expect(a.stats().notificationsReceived).toBe(0);
    expect(a.peek('k')).toBe(t2);
  });

  it('without notifications, an entry answers for firstLevel.maxAge, then Redis is read again', async () => {
    const clock = fakeClock();
    const a = await redis.store({ now: clock.now });
    const { RedisTokenStore } = await import('../../src/redis/index.js');
    const deaf = new RedisTokenStore({
      client: await deafClient(),
      now: clock.now,
      firstLevel: { maxAge: 5_000 },
    });
    try {
      expect(deaf.subscribed).toBe(false);
      const t1 = token(clock.now());
      await a.set('k', t1, 3_600_000);
      expect((await deaf.get('k'))?.accessToken).toBe(t1.accessToken);
      const t2 = token(clock.now());
      await a.set('k', t2, 3_600_000);
      clock.advance(5_000);
      expect(deaf.peek('k')?.accessToken).toBe(t1.accessToken);
      clock.advance(1);
      expect(deaf.peek('k')).toBeUndefined();
      expect((await deaf.get('k'))?.accessToken).toBe(t2.accessToken);
    } finally {
      await deaf.close();
    }
  });

  it('entries read before the subscription dropped are trusted maxAge only, even once it is back', async () => {
    const clock = fakeClock();
    const store = await redis.store({ now: clock.now, firstLevel: { maxAge: 5_000 } });
    const writer = await redis.store({ now: clock.now });
    await writer.set('old', token(clock.now()), 3_600_000);
    await store.get('old');
    clock.advance(10_000);
    expect(store.peek('old')).toBeDefined(); // subscribed all along: trusted past maxAge
    await redis.admin((admin) => admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']));
    // Dropped (and back, node-redis reconnects at once): the entry no longer answers.
    await until(() => store.peek('old') === undefined);
    await until(() => store.subscribed);
    expect(store.peek('old')).toBeUndefined();
    await writer.set('new', token(clock.now()), 3_600_000);
    await store.get('new');
    await store.get('old');
    clock.advance(10_000);
    expect(store.peek('new')).toBeDefined();
    expect(store.peek('old')).toBeDefined(); // read again since: trusted again
  });
});

describeWithRedis('RedisTokenStore: close', () => {
  it("closes its own connection, never the application's client", async () => {
    const client = await redis.client();
    const { RedisTokenStore } = await import('../../src/redis/index.js');
    const store = new RedisTokenStore({ client });
    await until(() => store.subscribed);
    const connections = async () =>
      String(await redis.admin((admin) => admin.sendCommand(['CLIENT', 'LIST'])))
        .trim()
        .split('\n').length;
    const before = await connections();
    await store.set('k', token(Date.now()), 60_000);
    await store.close();
    await store.close();
    await until(() => !store.subscribed);
    expect(client.isReady).toBe(true);
    expect(await client.ping()).toBe('PONG');
    expect(await connections()).toBe(before - 1);
    // Closed: the first level still answers, and nothing goes to Redis.
    expect(store.peek('k')).toBeDefined();
    await store.set('other', token(Date.now()), 60_000);
    expect(await redis.admin((admin) => admin.keys('*'))).toHaveLength(1);
  });
});
