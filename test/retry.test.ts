import { HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type ConfidentialClientOptions,
  isNetworkError,
  isTimeoutError,
  isTokenRequestError,
  type RetryEvent,
} from '../src/index.js';
import type { TestClientOptions } from './helpers/token-server.js';
import { flush, newClient, tokenResponse, useTokenServer } from './helpers/token-server.js';

const srv = useTokenServer();

const setup = (retry: ConfidentialClientOptions['retry'] = {}, extra: TestClientOptions = {}) => {
  const retries: RetryEvent[] = [];
  const client = newClient({
    retry: retry === false ? false : { randomize: false, minTimeout: 100, ...retry },
    hooks: { onRetry: (e) => retries.push(e) },
    ...extra,
  });
  return { client, retries };
};

/** Fails the first `n` requests with `failure`, then issues tokens. */
const failFirst = (n: number, failure: () => Response) =>
  srv.respond((_seen, count) => (count <= n ? failure() : tokenResponse()));

describe('token request retries', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([408, 429, 500, 502, 503, 504])('retries %i with exponential backoff', async (status) => {
    failFirst(2, () => new HttpResponse(null, { status }));
    const { client, retries } = setup();
    const pending = client.getToken();
    await vi.advanceTimersByTimeAsync(99);
    expect(srv.count).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(srv.count).toBe(2);
    await vi.advanceTimersByTimeAsync(199); // second delay: 200 ms
    expect(srv.count).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toMatchObject({ tokenType: 'Bearer' });
    expect(srv.count).toBe(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(client.stats()).toMatchObject({ tokenRequests: 3, retries: 2 });
  });

  it('honours Retry-After in seconds', async () => {
    failFirst(1, () => new HttpResponse(null, { status: 429, headers: { 'retry-after': '3' } }));
    const { client } = setup();
    const pending = client.getToken();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(srv.count).toBe(1); // 3 s Retry-After, then the 100 ms backoff
    await vi.advanceTimersByTimeAsync(100);
    await pending;
    expect(srv.count).toBe(2);
  });

  it('honours Retry-After as an HTTP date', async () => {
    failFirst(
      1,
      () =>
        new HttpResponse(null, {
          status: 503,
          headers: { 'retry-after': new Date(Date.now() + 5_000).toUTCString() },
        }),
    );
    const { client } = setup();
    const pending = client.getToken();
    await vi.advanceTimersByTimeAsync(4_000);
    expect(srv.count).toBe(1);
    await vi.advanceTimersByTimeAsync(1_200);
    await pending;
    expect(srv.count).toBe(2);
  });

  it('gives up at once when Retry-After exceeds maxRetryAfter', async () => {
    failFirst(1, () => new HttpResponse(null, { status: 503, headers: { 'retry-after': '3600' } }));
    const { client } = setup();
    const error = await client.getToken().catch((e: unknown) => e);
    expect(isTokenRequestError(error) && error.retryAfter).toBe(3_600_000);
    expect(srv.count).toBe(1);
  });

  it('stops after `retries` attempts with the last error', async () => {
    srv.respond(() => HttpResponse.json({ error: 'temporarily_unavailable' }, { status: 503 }));
    const { client } = setup({ retries: 2 });
    const pending = client.getToken().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    const error = await pending;
    expect(isTokenRequestError(error) && error.status).toBe(503);
    expect(srv.count).toBe(3);
  });

  it.each(['invalid_client', 'invalid_scope', 'unauthorized_client', 'invalid_request'])(
    'never retries %s',
    async (code) => {
      srv.respond(() => HttpResponse.json({ error: code }, { status: 400 }));
      const { client, retries } = setup();
      await expect(client.getToken()).rejects.toMatchObject({ error: code });
      expect(srv.count).toBe(1);
      expect(retries).toHaveLength(0);
    },
  );

  it('retries network errors, then throws NetworkError', async () => {
    srv.respond(() => HttpResponse.error());
    const { client } = setup({ retries: 1 });
    const pending = client.getToken().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_000);
    const error = await pending;
    expect(isNetworkError(error)).toBe(true);
    expect(srv.count).toBe(2);
  });

  it('a timed-out attempt is retried, and the last one throws TimeoutError', async () => {
    srv.respond(() => new Promise<Response>(() => {}));
    const { client } = setup({ retries: 1 }, { timeout: 1_000 });
    const pending = client.getToken().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_000); // the first attempt times out
    await flush();
    await vi.advanceTimersByTimeAsync(100); // backoff
    expect(srv.count).toBe(2);
    await vi.advanceTimersByTimeAsync(1_000);
    const error = await pending;
    expect(isTimeoutError(error)).toBe(true);
    expect(error).toMatchObject({
      timeout: 1_000,
      message: expect.stringContaining('timed out after 1000 ms'),
    });
  });

  it('retry: false makes one attempt', async () => {
    srv.respond(() => new HttpResponse(null, { status: 503 }));
    const { client } = setup(false);
    await expect(client.getToken()).rejects.toMatchObject({ status: 503 });
    expect(srv.count).toBe(1);
  });
});
