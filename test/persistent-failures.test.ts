import { HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isNetworkError, isTokenRequestError, type TokenRequestError } from '../src/index.js';
import {
  fakeClock,
  flush,
  newClient,
  type TestClientOptions,
  tokenResponse,
  useTokenServer,
} from './helpers/token-server.js';

const srv = useTokenServer();

const setup = (extra: TestClientOptions = {}) => {
  const clock = fakeClock();
  const client = newClient({
    now: clock.now,
    retry: { retries: 0, randomize: false },
    ...extra,
  });
  return { clock, client };
};

const reason = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

/** 50 callers, each calling getToken in a loop, for `rounds` rounds. */
async function hammer(call: () => Promise<unknown>, rounds = 20): Promise<unknown[]> {
  const errors: unknown[] = [];
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      for (let i = 0; i < rounds; i++) {
        try {
          await call();
        } catch (error) {
          errors.push(error);
        }
      }
    }),
  );
  return errors;
}

describe('persistent failures do not turn into a request per call', () => {
  it('a Retry-After longer than maxRetryAfter is honoured across calls, then the endpoint is asked again', async () => {
    srv.respond(() => new HttpResponse(null, { status: 429, headers: { 'retry-after': '3600' } }));
    const { clock, client } = setup({ retry: { randomize: false } });
    const first = (await reason(client.getToken())) as TokenRequestError;
    expect(first.retryAfter).toBe(3_600_000);
    expect(srv.count).toBe(1); // 3600 s is more than maxRetryAfter: no retry inside the call.

    clock.advance(600_000);
    const errors = await hammer(() => client.getToken());
    expect(srv.count).toBe(1);
    expect(errors).toHaveLength(1_000);
    const later = errors[0] as TokenRequestError;
    expect(isTokenRequestError(later)).toBe(true);
    expect(later.status).toBe(429);
    expect(later.retryAfter).toBe(3_000_000); // what is left
    expect(later.cause).toBe(first);
    expect(later.message).toMatch(/no token request is sent for another 3000 s/);
    // The endpoint is one URL: another scope waits too.
    await expect(client.getToken({ scope: 'other' })).rejects.toMatchObject({ status: 429 });
    expect(srv.count).toBe(1);
    expect(client.stats().throttled).toBe(1_001);

    clock.advance(3_000_000);
    srv.respond(() => tokenResponse());
    await expect(client.getToken()).resolves.toMatchObject({ tokenType: 'Bearer' });
    expect(srv.count).toBe(2);
  });

  it('a misconfigured client (400 invalid_client) backs off per key: short, growing, capped, reset on success', async () => {
    srv.respond(() => HttpResponse.json({ error: 'invalid_client' }, { status: 400 }));
    const { clock, client } = setup({
      retry: { randomize: false, cooldown: 1_000, maxCooldown: 4_000 },
    });
    const errors = await hammer(() => client.getToken());
    expect(srv.count).toBe(1);
    expect(new Set(errors).size).toBe(1); // the same error, at once, for every call
    expect(isTokenRequestError(errors[0])).toBe(true);

    // Another scope has a cooldown of its own.
    await client.getToken({ scope: 'b' }).catch(() => undefined);
    expect(srv.count).toBe(2);

    const requestsAfter = async (ms: number) => {
      const before = srv.count;
      clock.advance(ms - 1);
      await client.getToken().catch(() => undefined);
      const early = srv.count - before;
      clock.advance(1);
      await client.getToken().catch(() => undefined);
      return [early, srv.count - before];
    };
    expect(await requestsAfter(1_000)).toEqual([0, 1]); // 1 s after the first failure
    expect(await requestsAfter(2_000)).toEqual([0, 1]); // then 2 s
    expect(await requestsAfter(4_000)).toEqual([0, 1]); // then 4 s
    expect(await requestsAfter(4_000)).toEqual([0, 1]); // capped at maxCooldown

    // A success resets it: the next failure cools down for 1 s again.
    clock.advance(4_000);
    srv.respond(() => tokenResponse({ expiresIn: 1 }));
    await client.getToken();
    clock.advance(2_000);
    srv.respond(() => HttpResponse.json({ error: 'invalid_client' }, { status: 400 }));
    await client.getToken().catch(() => undefined);
    expect(await requestsAfter(1_000)).toEqual([0, 1]);
  });

  it('a network failure cools down too, and a valid cached token is still served meanwhile', async () => {
    const { clock, client } = setup({ retry: { retries: 0, randomize: false } });
    srv.respond(() => tokenResponse({ expiresIn: 100 }));
    const token = await client.getToken();
    srv.respond(() => HttpResponse.error());
    await expect(client.getToken({ scope: 'x' })).rejects.toSatisfy(isNetworkError);
    await expect(client.getToken({ scope: 'x' })).rejects.toSatisfy(isNetworkError);
    expect(srv.count).toBe(2);
    // In the refresh window: the cached token is served, and its background refresh backs off.
    clock.advance(85_000);
    await expect(client.getToken()).resolves.toBe(token);
    await flush();
    await expect(client.getToken()).resolves.toBe(token);
    expect(srv.count).toBe(3);
  });

  it('with randomize, a cooldown is between 0.8 and 1 times as long: maxCooldown stays the longest', async () => {
    srv.respond(() => HttpResponse.json({ error: 'invalid_client' }, { status: 400 }));
    const { clock, client } = setup({
      retry: { retries: 0, cooldown: 10_000, maxCooldown: 10_000 },
    });
    for (let round = 1; round <= 3; round++) {
      await client.getToken().catch(() => undefined);
      clock.advance(7_999);
      await client.getToken().catch(() => undefined);
      expect(srv.count).toBe(round);
      clock.advance(2_001);
    }
  });

  it('a Retry-After is held at most retry.maxRetryAfterHold (1 hour), or not at all with 0', async () => {
    srv.respond(
      () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '999999999' } }),
    );
    const { clock, client } = setup({ retry: { retries: 0 } });
    await client.getToken().catch(() => undefined);
    clock.advance(3_599_999);
    await expect(client.getToken()).rejects.toMatchObject({ retryAfter: 1 });
    expect(srv.count).toBe(1);
    clock.advance(1);
    await client.getToken().catch(() => undefined);
    expect(srv.count).toBe(2);

    const unheld = setup({ retry: { retries: 0, maxRetryAfterHold: 0, cooldown: 0 } }).client;
    await unheld.getToken().catch(() => undefined);
    await unheld.getToken().catch(() => undefined);
    expect(srv.count).toBe(4);
  });

  it('a success of a request sent before the 429 does not lift the Retry-After', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    srv.respond(async (seen) => {
      if (seen.scope === 'b') {
        await gate;
        return tokenResponse({ scope: 'b' });
      }
      return new HttpResponse(null, { status: 429, headers: { 'retry-after': '3600' } });
    });
    const { client } = setup({ retry: { retries: 0 } });
    const b = client.getToken({ scope: 'b' });
    await flush();
    await client.getToken({ scope: 'a' }).catch(() => undefined);
    release();
    await b;
    await expect(client.getToken({ scope: 'c' })).rejects.toMatchObject({ status: 429 });
    expect(srv.count).toBe(2);
  });

  it('a failed background renewal starts no cooldown: a caller that needs a new token may ask', async () => {
    const { clock, client } = setup({ retry: { retries: 0, randomize: false } });
    srv.respond(() => tokenResponse({ expiresIn: 100 }));
    const token = await client.getToken();
    clock.advance(85_000); // in the refresh window
    srv.respond(() => HttpResponse.json({ error: 'server_error' }, { status: 500 }));
    await expect(client.getToken()).resolves.toBe(token);
    await flush();
    expect(srv.count).toBe(2);
    await client.invalidate(token);
    srv.respond(() => tokenResponse());
    await expect(client.getToken()).resolves.not.toBe(token);
    expect(srv.count).toBe(3);
  });

  it('cooldown: 0 turns it off', async () => {
    srv.respond(() => HttpResponse.json({ error: 'invalid_client' }, { status: 400 }));
    const { client } = setup({ retry: { retries: 0, cooldown: 0 } });
    for (let i = 0; i < 5; i++) await client.getToken().catch(() => undefined);
    expect(srv.count).toBe(5);
  });

  it('a caller joining a request under way is never refused', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    srv.respond(async (_seen, n) => {
      if (n === 1) return HttpResponse.json({ error: 'invalid_client' }, { status: 400 });
      await gate;
      return tokenResponse();
    });
    const { clock, client } = setup({ retry: { randomize: false, retries: 0 } });
    await client.getToken().catch(() => undefined);
    clock.advance(1_000);
    const forced = client.getToken({ forceRefresh: true });
    await flush();
    const joined = client.getToken();
    release();
    await expect(Promise.all([forced, joined])).resolves.toHaveLength(2);
    expect(srv.count).toBe(2);
  });
});

describe('autoRefresh during a Retry-After', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('timers of other scopes wait for the Retry-After to pass instead of firing in a loop', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    srv.respond((seen) =>
      seen.scope === 'a' && srv.count > 2
        ? new HttpResponse(null, { status: 429, headers: { 'retry-after': '120' } })
        : tokenResponse({ expiresIn: 100, ...(seen.scope ? { scope: seen.scope } : {}) }),
    );
    const client = newClient({
      retry: { retries: 0, maxRetryAfter: 1_000 },
      refresh: { autoRefresh: true },
    });
    await client.getToken({ scope: 'a' });
    await client.getToken({ scope: 'b' });
    await client.getToken({ scope: 'a', forceRefresh: true }).catch(() => undefined);
    expect(srv.count).toBe(3);
    // b turns stale at 80 s, inside the 120 s hold: its timer waits for the hold to end, rather
    // than firing again every millisecond until then.
    const timers = vi.spyOn(globalThis, 'setTimeout');
    await vi.advanceTimersByTimeAsync(110_000);
    expect(srv.count).toBe(3);
    expect(timers.mock.calls.length).toBeLessThan(20);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(srv.count).toBeGreaterThan(3);
    await client.close();
  });
});
