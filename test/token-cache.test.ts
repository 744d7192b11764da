import { describe, expect, it } from 'vitest';
import { AccessToken, MemoryTokenStore, type TokenStore } from '../src/index.js';
import type { TestClientOptions } from './helpers/token-server.js';
import {
  fakeClock,
  newClient,
  SERVER,
  tokenResponse,
  useTokenServer,
} from './helpers/token-server.js';

const srv = useTokenServer();

const setup = (extra: TestClientOptions = {}) => {
  const clock = fakeClock();
  const client = newClient({
    now: clock.now,
    ...extra,
  });
  return { clock, client };
};

describe('token cache', () => {
  it('serves a fresh token from the cache', async () => {
    const { client } = setup();
    const a = await client.getToken();
    const b = await client.getToken();
    expect(b).toBe(a);
    expect(srv.count).toBe(1);
    expect(client.stats()).toMatchObject({ tokenRequests: 1, cacheHits: 1, cacheMisses: 1 });
  });

  it('keys on the scope: one token per distinct scope, however it is spelled', async () => {
    const { client } = setup();
    const ab = await client.getToken({ scope: 'a b' });
    expect(await client.getToken({ scope: ['b', 'a', 'a'] })).toBe(ab);
    expect(await client.getToken({ scope: 'b  a' })).toBe(ab);
    const c = await client.getToken({ scope: 'c' });
    expect(c).not.toBe(ab);
    expect(srv.state.requests.map((r) => r.scope)).toEqual(['a b', 'c']);
  });

  it('serves a narrower scope from a cached token whose granted scope covers it', async () => {
    const { client } = setup();
    srv.respond(() => tokenResponse({ scope: 'messages.write push.application.app' }));
    const wide = await client.getToken({ scope: 'messages.write push.application.app' });
    expect(await client.getToken({ scope: 'messages.write' })).toBe(wide);
    expect(srv.count).toBe(1);
  });

  it('does not serve a scope the cached token lacks', async () => {
    const { client } = setup();
    srv.respond((seen) => tokenResponse({ scope: seen.scope ?? 'RegisteredClient' }));
    await client.getToken({ scope: 'a' });
    await client.getToken({ scope: 'a b' });
    expect(srv.count).toBe(2);
  });

  it('keys on the client, the token URL and tokenParams too', async () => {
    const store = new MemoryTokenStore();
    const clients = [
      setup({ store }),
      setup({ store, clientId: 'other' }),
      // MSW ignores the query when matching: same handler, different token URL.
      setup({ store, serverUrl: undefined, tokenUrl: `${SERVER}/mfp/api/az/v1/token?tenant=2` }),
      setup({ store, tokenParams: { resource: 'https://api.example/x' } }),
    ];
    for (const { client } of clients) await client.getToken();
    for (const { client } of clients) await client.getToken();
    expect(srv.count).toBe(4);
  });

  it('forceRefresh gets a new token', async () => {
    const { client } = setup();
    const a = await client.getToken();
    const b = await client.getToken({ forceRefresh: true });
    expect(b).not.toBe(a);
    expect(await client.getToken()).toBe(b);
  });

  it('invalidate drops the token only while it is still the cached one', async () => {
    const { client } = setup();
    const first = await client.getToken();
    expect(await client.invalidate(first)).toBe(true);
    const second = await client.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    // A late invalidation of the old token must not evict the new one.
    expect(await client.invalidate(first)).toBe(false);
    expect(await client.getToken()).toBe(second);
    expect(srv.count).toBe(2);
  });

  it('the memory store is bounded (LRU): endless distinct scopes do not grow memory', async () => {
    const store = new MemoryTokenStore({ maxEntries: 10 });
    const { client } = setup({ store });
    for (let i = 0; i < 50; i++) await client.getToken({ scope: `scope${i}` });
    expect(store.size).toBe(10);
    // The most recent ones are kept, the oldest dropped.
    await client.getToken({ scope: 'scope49' });
    expect(srv.count).toBe(50);
    await client.getToken({ scope: 'scope0' });
    expect(srv.count).toBe(51);
  });

  it('LRU keeps recently read entries', () => {
    const store = new MemoryTokenStore({ maxEntries: 2 });
    const t = (n: string) =>
      new AccessToken({
        accessToken: n,
        tokenType: 'Bearer',
        scope: [],
        expiresAt: Date.now() + 60_000,
        issuedAt: Date.now(),
      });
    store.set('a', t('a'), 60_000);
    store.set('b', t('b'), 60_000);
    store.get('a');
    store.set('c', t('c'), 60_000);
    expect(store.get('a')?.accessToken).toBe('a');
    expect(store.get('b')).toBeUndefined();
    expect(() => new MemoryTokenStore({ maxEntries: 0 })).toThrow(RangeError);
  });

  it('works with an asynchronous custom store', async () => {
    const map = new Map<string, unknown>();
    const calls: string[] = [];
    const store: TokenStore = {
      async get(key) {
        calls.push('get');
        return AccessToken.fromRecord(map.get(key));
      },
      async set(key, token) {
        calls.push('set');
        map.set(key, JSON.parse(JSON.stringify(token.toRecord())));
      },
      async delete(key, ifAccessToken) {
        const record = AccessToken.fromRecord(map.get(key));
        if (!record || (ifAccessToken !== undefined && record.accessToken !== ifAccessToken))
          return false;
        return map.delete(key);
      },
    };
    const { client } = setup({ store });
    const a = await client.getToken();
    const b = await client.getToken();
    expect(b.accessToken).toBe(a.accessToken);
    expect(srv.count).toBe(1);
    expect(calls).toContain('set');
    expect(await client.invalidate(b)).toBe(true);
  });

  it('forceRefresh returns the token the server just issued, even if it expires sooner', async () => {
    const { client } = setup();
    srv.respond(() => tokenResponse({ expiresIn: 3599 }));
    const first = await client.getToken();
    srv.respond(() => tokenResponse({ expiresIn: 60 }));
    const second = await client.getToken({ forceRefresh: true });
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(await client.getToken()).toBe(second);
  });

  it('invalidate works for a token another client put in a shared store', async () => {
    const store = new MemoryTokenStore();
    const a = setup({ store });
    const b = setup({ store });
    await a.client.getToken();
    const shared = await b.client.getToken();
    expect(srv.count).toBe(1);
    expect(await b.client.invalidate(shared)).toBe(true);
    expect((await b.client.getToken()).accessToken).not.toBe(shared.accessToken);
  });
});

describe('stores that can answer at once (TokenStore.peek)', () => {
  /** An async store (like Redis) with a synchronous first level, counting what is asked of it. */
  const twoLevel = () => {
    const first = new Map<string, AccessToken>();
    const calls = { get: 0, peek: 0 };
    const store: TokenStore = {
      peek: (key) => {
        calls.peek++;
        return first.get(key);
      },
      get: async (key) => {
        calls.get++;
        return first.get(key);
      },
      set: async (key, token) => {
        first.set(key, token);
      },
      delete: async (key) => first.delete(key),
    };
    return { store, calls };
  };

  it('get a cached token from peek(), and client.fetch sends without a single await', async () => {
    const { store, calls } = twoLevel();
    let sent = 0;
    const client = newClient({
      store,
      fetch: async (input) => {
        if (String(input).endsWith('/token')) return tokenResponse();
        sent++;
        return new Response('ok');
      },
    });
    await client.getToken();
    const before = calls.get;
    const pending = client.fetch(`${SERVER}/resource`);
    // Sent synchronously: no promise hop before fetch on a cache hit.
    expect(sent).toBe(1);
    await pending;
    await client.getToken();
    expect(calls.get).toBe(before);
    expect(calls.peek).toBeGreaterThanOrEqual(2);
  });

  it('a store without peek() is asked through get(), and still serves hits', async () => {
    const { store, calls } = twoLevel();
    const { peek: _peek, ...withoutPeek } = store;
    const client = newClient({ store: withoutPeek });
    const a = await client.getToken();
    await expect(client.getToken()).resolves.toBe(a);
    // The miss and the hit: the acquisition replaces the token the miss found (none), without
    // reading the store again.
    expect(calls.get).toBe(2);
    expect(calls.peek).toBe(0);
  });
});
