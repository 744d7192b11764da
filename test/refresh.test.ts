import { HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConfidentialClient,
  defaults,
  type ErrorEvent,
  isClientClosedError,
} from '../src/index.js';
import type { TestClientOptions } from './helpers/token-server.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  fakeClock,
  flush,
  newClient,
  tokenResponse,
  useTokenServer,
} from './helpers/token-server.js';

const srv = useTokenServer();
const HOUR = 3_599_000;

const setup = (extra: TestClientOptions = {}) => {
  const clock = fakeClock();
  const errors: ErrorEvent[] = [];
  const warnings: string[] = [];
  const client = newClient({
    now: clock.now,
    retry: false,
    hooks: { onError: (e) => errors.push(e) },
    logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} },
    ...extra,
  });
  return { clock, client, errors, warnings };
};

describe('refresh defaults', () => {
  it('one-hour tokens refresh 5 min early, 60 s tokens 12 s early, 2 s tokens 1 s early', () => {
    expect(defaults.refreshBefore(3_600_000)).toBe(300_000);
    expect(defaults.refreshBefore(60_000)).toBe(12_000);
    expect(defaults.refreshBefore(2_000)).toBe(1_000);
    expect(defaults.clockSkew(3_600_000)).toBe(30_000);
    expect(defaults.clockSkew(2_000)).toBe(100);
  });
});

describe('proactive refresh', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a stale hit answers at once with the current token and refreshes once in the background', async () => {
    const { clock, client } = setup();
    const first = await client.getToken();
    clock.advance(HOUR - 200_000); // inside the 5-minute refresh window
    let release!: () => void;
    srv.respond(async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return tokenResponse();
    });
    const answers = await Promise.all(Array.from({ length: 100 }, () => client.getToken()));
    expect(answers.every((t) => t === first)).toBe(true);
    await flush();
    expect(srv.count).toBe(2); // the first fetch plus exactly one refresh
    release();
    await flush();
    const second = await client.getToken();
    expect(second).not.toBe(first);
    expect(srv.count).toBe(2);
    expect(client.stats()).toMatchObject({ refreshes: 1, tokenRequests: 2 });
  });

  it('an expired token makes the caller wait for a new one', async () => {
    const { clock, client } = setup();
    const first = await client.getToken();
    clock.advance(HOUR - 29_000); // within clockSkew of expiry: treated as expired
    const second = await client.getToken();
    expect(second).not.toBe(first);
    expect(srv.count).toBe(2);
    expect(client.stats()).toMatchObject({ refreshes: 0, cacheMisses: 2 });
  });

  it('a failed background refresh keeps serving the valid token, reports, and retries with backoff', async () => {
    const { clock, client, errors, warnings } = setup();
    const first = await client.getToken();
    clock.advance(HOUR - 200_000);
    srv.respond(() => HttpResponse.json({ error: 'server_error' }, { status: 500 }));
    expect(await client.getToken()).toBe(first);
    await flush();
    expect(srv.count).toBe(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ background: true });
    expect(warnings.join('\n')).toMatch(/background token refresh failed/);
    // Within the backoff: no new attempt, still served.
    expect(await client.getToken()).toBe(first);
    await flush();
    expect(srv.count).toBe(2);
    // After the backoff (1 s): one more attempt.
    clock.advance(1_000);
    expect(await client.getToken()).toBe(first);
    await flush();
    expect(srv.count).toBe(3);
    // Backoff doubles: 2 s.
    clock.advance(1_000);
    await client.getToken();
    await flush();
    expect(srv.count).toBe(3);
    srv.respond(() => tokenResponse());
    clock.advance(1_000);
    await client.getToken();
    await flush();
    expect(srv.count).toBe(4);
    expect(await client.getToken()).not.toBe(first);
    expect(client.stats().failures).toBe(2);
  });

  it('refresh-storm guard: a server that re-issues a token no fresher than the cached one is not asked again in a loop', async () => {
    // A fixed 5-minute window (as google-auth-library's was) makes every re-issued token stale at once.
    const { clock, client, warnings } = setup({
      refresh: { refreshBefore: 300_000, clockSkew: 30_000 },
    });
    const fixedExpiry = clock.t + HOUR;
    const fixedToken = 'same-token-until-it-expires';
    srv.respond(() =>
      tokenResponse({
        accessToken: fixedToken,
        expiresIn: Math.round((fixedExpiry - clock.t) / 1000),
      }),
    );
    await client.getToken();
    clock.advance(HOUR - 250_000); // 250 s left, inside the refresh window
    // Traffic every 100 ms until the token expires.
    for (let i = 0; i < 2_200; i++) {
      await client.getToken();
      await flush(5); // let any refresh complete before the next call
      clock.advance(100);
    }
    await flush();
    // Without the guard this is one request per call (~2,200); with it, each retry waits half of
    // what is left, so about log2(220 s / 1 s) of them.
    expect(srv.count).toBeLessThan(15);
    expect(warnings.join('\n')).toMatch(/expires no later than the cached one/);
  });

  it('autoRefresh renews tokens on an unref’d timer while the app is idle', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const client = newClient({
      retry: false,
      refresh: { autoRefresh: true },
    });
    const first = await client.getToken();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(HOUR - 300_000 - 1);
    expect(srv.count).toBe(1);
    await vi.advanceTimersByTimeAsync(2);
    await flush();
    expect(srv.count).toBe(2);
    const second = await client.getToken();
    expect(second).not.toBe(first);
    expect(client.stats().cacheHits).toBe(1);
    expect(vi.getTimerCount()).toBe(1); // the next refresh is scheduled
    await client.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('autoRefresh keeps going after a foreground refresh failed while its timer was due', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let requests = 0;
    let failNext = false;
    const client = new ConfidentialClient({
      tokenUrl: 'https://as.example/token',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      retry: false,
      refresh: { autoRefresh: true },
      fetch: async () => {
        requests++;
        if (failNext) {
          failNext = false;
          await new Promise((resolve) => setTimeout(resolve, 300));
          return new Response('down', { status: 503 });
        }
        return Response.json({ access_token: `t${requests}`, token_type: 'Bearer', expires_in: 2 });
      },
    });
    await client.getToken(); // 2 s token: the timer is due at 1 s
    await vi.advanceTimersByTimeAsync(900);
    failNext = true;
    const forced = client.getToken({ forceRefresh: true }).catch(() => undefined);
    await vi.advanceTimersByTimeAsync(300); // the timer fires while the forced request is under way
    await forced;
    expect(requests).toBe(2);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(requests).toBeGreaterThanOrEqual(3); // renewals resumed after the backoff
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    await client.close();
  });

  it('close() stops timers and rejects later calls; Symbol.asyncDispose closes too', async () => {
    const { client } = setup({ refresh: { autoRefresh: true } });
    await client.getToken();
    await client.close();
    await client.close(); // idempotent
    const error = await client.getToken().catch((e: unknown) => e);
    expect(isClientClosedError(error)).toBe(true);

    const other = setup();
    {
      await using c = other.client;
      await c.getToken();
    }
    await expect(other.client.getToken()).rejects.toMatchObject({ code: 'ERR_CC_CLOSED' });
  });

  it('close() aborts a token request under way', async () => {
    const { client } = setup();
    srv.respond(() => new Promise<Response>(() => {}));
    const pending = client.getToken();
    await flush();
    await client.close();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_CC_CLOSED' });
  });
});
