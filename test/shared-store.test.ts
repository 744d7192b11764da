import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  type AccessToken,
  isTokenRequestError,
  type TokenAcquisition,
  type TokenStore,
} from '../src/index.js';
import {
  fakeClock,
  flush,
  newClient,
  tokenResponse,
  useTokenServer,
} from './helpers/token-server.js';

const srv = useTokenServer();

/**
 * A store shared by several clients, as a Redis store shares one between processes: one lock per
 * key, the holder fetches and stores, the others wait for the stored token.
 */
function fleetStore() {
  const tokens = new Map<string, AccessToken>();
  const locks = new Set<string>();
  const waiters = new Map<string, Array<() => void>>();
  const seen = { acquisitions: 0, fetched: 0, waited: 0 };
  const notify = (key: string) => {
    for (const wake of waiters.get(key) ?? []) wake();
    waiters.delete(key);
  };
  const store: TokenStore = {
    peek: (key) => tokens.get(key),
    get: async (key) => tokens.get(key),
    set: async (key, token) => {
      tokens.set(key, token);
      notify(key);
    },
    delete: async (key, ifAccessToken) => {
      const held = tokens.get(key);
      if (held === undefined || (ifAccessToken !== undefined && held.accessToken !== ifAccessToken))
        return false;
      return tokens.delete(key);
    },
    async acquire(key: string, acquisition: TokenAcquisition) {
      seen.acquisitions++;
      const fresh = () => {
        const held = tokens.get(key);
        return held !== undefined && held.accessToken !== acquisition.current?.accessToken
          ? held
          : undefined;
      };
      for (;;) {
        const ready = fresh();
        if (ready) {
          seen.waited++;
          return ready;
        }
        if (!locks.has(key)) break;
        await new Promise<void>((resolve) => {
          waiters.set(key, [...(waiters.get(key) ?? []), resolve]);
        });
      }
      locks.add(key);
      try {
        const token = await acquisition.fetch();
        seen.fetched++;
        tokens.set(key, token);
        return token;
      } finally {
        locks.delete(key);
        notify(key);
      }
    },
  };
  return { store, seen, tokens };
}

describe('a store that coordinates acquisitions (TokenStore.acquire)', () => {
  it('8 clients × 200 concurrent cold calls: 1 token request for all', async () => {
    const { store, seen } = fleetStore();
    const clients = Array.from({ length: 8 }, () => newClient({ store }));
    const tokens = await Promise.all(
      clients.flatMap((client) => Array.from({ length: 200 }, () => client.getToken())),
    );
    expect(srv.count).toBe(1);
    expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
    expect(seen.fetched).toBe(1);
    // One acquisition per client (each dedupes its own callers), one fetch for the fleet.
    expect(seen.acquisitions).toBe(8);
    expect(clients.reduce((n, c) => n + c.stats().tokenRequests, 0)).toBe(1);
  });

  it('one renewal per refresh window for the fleet', async () => {
    const clock = fakeClock();
    const { store } = fleetStore();
    const clients = Array.from({ length: 8 }, () => newClient({ store, now: clock.now }));
    srv.respond(() => tokenResponse({ expiresIn: 100 }));
    await Promise.all(clients.map((client) => client.getToken()));
    expect(srv.count).toBe(1);
    clock.advance(85_000); // every client's token is now stale: each starts a background renewal
    await Promise.all(clients.map((client) => client.getToken()));
    await flush();
    expect(srv.count).toBe(2);
    expect(clients.reduce((n, c) => n + c.stats().refreshes, 0)).toBe(8);
    const renewed = await Promise.all(clients.map((client) => client.getToken()));
    expect(new Set(renewed.map((t) => t.accessToken)).size).toBe(1);
  });

  it('100 clients meeting the same rejected token: 1 new token for all', async () => {
    const { store } = fleetStore();
    const clients = Array.from({ length: 100 }, () => newClient({ store }));
    const first = await clients[0]?.getToken();
    await Promise.all(clients.map((client) => client.getToken()));
    expect(srv.count).toBe(1);
    // Each meets a 401 with that token: compare-and-invalidate, then a new one.
    await Promise.all(clients.map((client) => client.invalidate(first as AccessToken)));
    const next = await Promise.all(clients.map((client) => client.getToken()));
    expect(srv.count).toBe(2);
    expect(new Set(next.map((t) => t.accessToken)).size).toBe(1);
    expect(next[0]?.accessToken).not.toBe(first?.accessToken);
  });

  it("the holder's failure is its callers' failure; a waiter then fetches for itself", async () => {
    const { store } = fleetStore();
    const [a, b] = [newClient({ store, retry: false }), newClient({ store, retry: false })];
    srv.respond((_seen, n) =>
      n === 1
        ? HttpResponse.json({ error: 'temporarily_unavailable' }, { status: 400 })
        : tokenResponse(),
    );
    const [ra, rb] = await Promise.allSettled([a.getToken(), b.getToken()]);
    expect(ra.status === 'rejected' && isTokenRequestError(ra.reason)).toBe(true);
    expect(rb.status).toBe('fulfilled');
    expect(srv.count).toBe(2);
  });

  it('a client that missed just before another stored a token is answered by that token', async () => {
    const { store } = fleetStore();
    // a's lookup reads the store before b's token is in, and answers after it is.
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const seen: Array<AccessToken | undefined> = [];
    const { peek: _peek, ...withoutPeek } = store;
    const slow: TokenStore = {
      ...withoutPeek,
      get: async (key) => {
        const token = await store.get(key);
        await gate;
        return token;
      },
      acquire: (key, acquisition) => {
        seen.push(acquisition.current);
        return (store.acquire as NonNullable<TokenStore['acquire']>)(key, acquisition);
      },
    };
    const [a, b] = [newClient({ store: slow }), newClient({ store })];
    const late = a.getToken();
    const first = await b.getToken();
    open();
    expect((await late).accessToken).toBe(first.accessToken);
    // The acquisition replaces what a found (nothing), not b's token stored since.
    expect(seen).toEqual([undefined]);
    expect(srv.count).toBe(1);
  });

  it('a renewal replaces the stale token it found: a token renewed elsewhere answers it', async () => {
    const clock = fakeClock();
    const { store } = fleetStore();
    srv.respond(() => tokenResponse({ expiresIn: 100 }));
    // a's own level still holds the stale token when b has already renewed it in the store.
    let held: AccessToken | undefined;
    const lagging: TokenStore = { ...store, peek: (key) => held ?? store.peek?.(key) };
    const [a, b] = [
      newClient({ store: lagging, now: clock.now }),
      newClient({ store, now: clock.now }),
    ];
    held = await a.getToken();
    clock.advance(85_000);
    await b.getToken(); // stale: b renews in the background
    await flush();
    expect(srv.count).toBe(2);
    await a.getToken(); // a serves its stale token and renews: b's token answers
    await flush();
    held = undefined;
    expect(srv.count).toBe(2);
    expect((await a.getToken()).accessToken).toBe((await b.getToken()).accessToken);
  });

  it('the client stores nothing itself when the store coordinates (no second write)', async () => {
    const { store } = fleetStore();
    let sets = 0;
    const counting: TokenStore = {
      ...store,
      set: (...args) => {
        sets++;
        return store.set(...args);
      },
    };
    await newClient({ store: counting }).getToken();
    expect(sets).toBe(0);
    expect(srv.count).toBe(1);
  });
});
