import { HttpResponse } from 'msw';
import { expect, it } from 'vitest';
import { isTokenRequestError } from '../../src/index.js';
import type { RedisTokenStore } from '../../src/redis/index.js';
import {
  describeWithRedis,
  namesOf,
  TEST_KEY,
  until,
  useRedisServer,
} from '../helpers/redis-server.js';
import {
  fakeClock,
  flush,
  newClient,
  tokenResponse,
  useTokenServer,
} from '../helpers/token-server.js';

const srv = useTokenServer();
const redis = useRedisServer();

/** Sums one counter over the stores of a fleet. */
const sum = (stores: RedisTokenStore[], name: keyof ReturnType<RedisTokenStore['stats']>) =>
  stores.reduce((n, store) => n + store.stats()[name], 0);

/** A token answer held back until `release()`: the holder's request under way. */
function heldAnswer() {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    release,
    handler: async () => {
      await gate;
      return tokenResponse();
    },
  };
}

describeWithRedis('RedisTokenStore: one token request for the fleet', () => {
  it('two clients on two stores (two processes), 200 concurrent cold calls each: 1 request', async () => {
    const stores = [await redis.store(), await redis.store()];
    const clients = stores.map((store) => newClient({ store }));
    const held = heldAnswer();
    srv.respond(held.handler);
    const calls = Promise.all(
      clients.flatMap((client) => Array.from({ length: 200 }, () => client.getToken())),
    );
    // One holds the lock while its request is under way; the other waits for it.
    await until(() => sum(stores, 'lockAcquisitions') === 1 && sum(stores, 'lockWaits') === 1);
    held.release();
    const tokens = await calls;
    expect(srv.count).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(sum(stores, 'lockAcquisitions')).toBe(1);
    expect(sum(stores, 'lockWaits')).toBe(1);
    expect(sum(stores, 'fallbacks')).toBe(0);
    expect(clients.reduce((n, c) => n + c.stats().tokenRequests, 0)).toBe(1);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('a client arriving later is served from Redis, without a request', async () => {
    const [a, b] = [await redis.store(), await redis.store()];
    const first = await newClient({ store: a }).getToken();
    const later = await newClient({ store: b }).getToken();
    expect(later.accessToken).toBe(first.accessToken);
    expect(srv.count).toBe(1);
    expect(b.stats().sharedHits).toBeGreaterThanOrEqual(1);
  });

  it('one renewal per refresh window for the fleet', async () => {
    const clock = fakeClock();
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => redis.store({ now: clock.now })),
    );
    const clients = stores.map((store) => newClient({ store, now: clock.now }));
    srv.respond(() => tokenResponse({ expiresIn: 100 }));
    const first = await Promise.all(clients.map((client) => client.getToken()));
    expect(srv.count).toBe(1);
    let previous = first[0]?.accessToken;
    for (let window = 1; window <= 3; window++) {
      clock.advance(85_000); // stale everywhere: every client starts a background renewal
      const served = await Promise.all(clients.map((client) => client.getToken()));
      expect(served.every((t) => t.expiresAt > clock.now())).toBe(true);
      expect(clients.every((c) => c.stats().refreshes === window)).toBe(true);
      // Every renewal settles on the one new token.
      let renewed: string[] = [];
      for (let i = 0; i < 200; i++) {
        await flush();
        renewed = (await Promise.all(clients.map((c) => c.getToken()))).map((t) => t.accessToken);
        if (new Set(renewed).size === 1 && renewed[0] !== previous) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(new Set(renewed).size).toBe(1);
      expect(renewed[0]).not.toBe(previous);
      previous = renewed[0];
      expect(srv.count).toBe(window + 1);
    }
    expect(srv.count).toBe(4);
    await Promise.all(clients.map((client) => client.close()));
  });

  it("the holder's failure is its callers' failure; a waiter then fetches for itself", async () => {
    const [a, b] = [await redis.store(), await redis.store()];
    const [ca, cb] = [newClient({ store: a, retry: false }), newClient({ store: b, retry: false })];
    srv.respond((_seen, n) =>
      n === 1
        ? HttpResponse.json({ error: 'temporarily_unavailable' }, { status: 400 })
        : tokenResponse(),
    );
    const [ra, rb] = await Promise.allSettled([ca.getToken(), cb.getToken()]);
    const failed = [ra, rb].filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(isTokenRequestError((failed[0] as PromiseRejectedResult).reason)).toBe(true);
    expect(srv.count).toBe(2);
    // Released, not expired: no takeover.
    expect(a.stats().lockTakeovers + b.stats().lockTakeovers).toBe(0);
  });
});

describeWithRedis('RedisTokenStore: holders that die, waits that end', () => {
  it('a lock left by a holder that died: a waiter takes over after lockTtl', async () => {
    const store = await redis.store({ lockTtl: 300 });
    // A "process" that took the lock and died: its lock, no token, no release.
    await redis.admin((admin) => admin.set(namesOf().lock, 'dead-holder', { PX: 300 }));
    const client = newClient({ store });
    const start = performance.now();
    const token = await client.getToken();
    const waited = performance.now() - start;
    expect(token.accessToken).toBeTruthy();
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(2_000);
    expect(srv.count).toBe(1);
    expect(store.stats()).toMatchObject({
      lockWaits: 1,
      lockAcquisitions: 1,
      lockTakeovers: 1,
      fallbacks: 0,
    });
    await client.close();
  });

  it('a live holder extends its lock: a slow request is not taken over', async () => {
    const [a, b] = [await redis.store({ lockTtl: 150 }), await redis.store({ lockTtl: 150 })];
    const held = heldAnswer();
    srv.respond(held.handler);
    const first = newClient({ store: a }).getToken();
    await until(() => a.stats().lockAcquisitions === 1);
    const second = newClient({ store: b }).getToken();
    await new Promise((resolve) => setTimeout(resolve, 600)); // four lock TTLs
    held.release();
    const [ta, tb] = await Promise.all([first, second]);
    expect(tb.accessToken).toBe(ta.accessToken);
    expect(srv.count).toBe(1);
    expect(b.stats()).toMatchObject({ lockWaits: 1, lockTakeovers: 0, fallbacks: 0 });
  });

  it('past waitTimeout a waiter fetches its own token (a fallback), and shares it', async () => {
    const [a, b] = [await redis.store(), await redis.store({ waitTimeout: 200 })];
    const held = heldAnswer();
    srv.respond((_seen, n) => (n === 1 ? held.handler() : tokenResponse()));
    const first = newClient({ store: a }).getToken();
    await until(() => a.stats().lockAcquisitions === 1);
    const start = performance.now();
    const own = await newClient({ store: b }).getToken();
    expect(performance.now() - start).toBeLessThan(1_500);
    expect(srv.count).toBe(2);
    expect(b.stats()).toMatchObject({ lockWaits: 1, waitTimeouts: 1, fallbacks: 1 });
    // Shared: Redis holds the fallback's token, and a third process is served it.
    const c = await redis.store();
    expect((await c.get(TEST_KEY))?.accessToken).toBe(own.accessToken);
    held.release();
    const holders = await first;
    // The holder's token, stored after it, replaces it everywhere.
    await until(() => b.peek(TEST_KEY) === undefined && c.peek(TEST_KEY) === undefined);
    expect((await c.get(TEST_KEY))?.accessToken).toBe(holders.accessToken);
  });

  it('a closing client ends its wait with ClientClosedError', async () => {
    const [a, b] = [await redis.store(), await redis.store()];
    const held = heldAnswer();
    srv.respond(held.handler);
    const first = newClient({ store: a }).getToken();
    await until(() => a.stats().lockAcquisitions === 1);
    const waiter = newClient({ store: b });
    const waiting = waiter.getToken();
    await until(() => b.stats().lockWaits === 1);
    await waiter.close();
    await expect(waiting).rejects.toMatchObject({ name: 'ClientClosedError' });
    held.release();
    await first;
  });
});
