import { afterEach, describe, expect, it, vi } from 'vitest';
import { MobileFirstEmulator } from '../../src/testing/index.js';
import {
  basic,
  callWithToken,
  getToken,
  requestToken,
  transports,
  useEmulator,
} from '../helpers/emulator-harness.js';

const SAMPLE = '/mfp/api/adapters/sample/resource';

describe.each(transports)('token faults over %s', (transport) => {
  const h = useEmulator(transport);

  it('fails the next N token requests with 503, then recovers', async () => {
    h.emulator.failNextTokenRequests(2, { kind: 'server-error' });
    expect(h.emulator.pendingTokenFaults).toBe(2);
    expect((await requestToken(h)).status).toBe(503);
    expect((await requestToken(h)).status).toBe(503);
    expect((await requestToken(h)).status).toBe(200);
    expect(h.emulator.counters().tokenRequests).toBe(3);
    expect(h.emulator.counters().tokensIssued).toBe(1);
  });

  it('fails with a chosen 5xx status', async () => {
    h.emulator.failNextTokenRequests(1, { kind: 'server-error', status: 502 });
    expect((await requestToken(h)).status).toBe(502);
  });

  it('fails with 429 and Retry-After', async () => {
    h.emulator.failNextTokenRequests(1, { kind: 'rate-limit', retryAfter: 3 });
    const res = await requestToken(h);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
  });

  it('answers 200 with a body that is not JSON', async () => {
    h.emulator.failNextTokenRequests(1, { kind: 'malformed' });
    const res = await requestToken(h);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it('drops the connection so that fetch rejects, then recovers', async () => {
    h.emulator.failNextTokenRequests(1, { kind: 'drop' });
    await expect(requestToken(h)).rejects.toThrow(TypeError);
    expect((await requestToken(h)).status).toBe(200);
  });

  it('queues faults in order, and fails even requests with bad credentials', async () => {
    h.emulator.failNextTokenRequests(1, { kind: 'rate-limit' });
    h.emulator.failNextTokenRequests(1, { kind: 'server-error', status: 500 });
    expect((await requestToken(h, { secret: 'wrong' })).status).toBe(429);
    expect((await requestToken(h)).status).toBe(500);
    expect((await requestToken(h, { secret: 'wrong' })).status).toBe(400);
  });

  it('clearFaults drops queued failures', async () => {
    h.emulator.failNextTokenRequests(5, { kind: 'server-error' });
    h.emulator.clearFaults();
    expect((await requestToken(h)).status).toBe(200);
  });

  it('revokeAllTokens makes resources answer invalid_token until a new token is used', async () => {
    const token = await getToken(h, { scope: 'accessRestricted' });
    h.emulator.revokeAllTokens();
    const res = await callWithToken(h, SAMPLE, token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    const fresh = await getToken(h, { scope: 'accessRestricted' });
    expect((await callWithToken(h, SAMPLE, fresh)).status).toBe(200);
  });
});

describe('latency', () => {
  const sleep = vi.fn(async (_ms: number) => {});
  const h = useEmulator('msw', () => {
    sleep.mockClear();
    return { sleep };
  });

  it('waits through options.sleep on the chosen route only', async () => {
    h.emulator.setLatency(250, 'token');
    await getToken(h);
    expect(sleep).toHaveBeenCalledExactlyOnceWith(250);
    await callWithToken(h, SAMPLE, undefined);
    expect(sleep).toHaveBeenCalledOnce();
  });

  it('applies to every route with no route given, a route setting winning', async () => {
    h.emulator.setLatency(100);
    h.emulator.setLatency(5, 'resource');
    await callWithToken(h, SAMPLE, undefined);
    await fetch(h.url('/imfpush/v1/apps/a/messages'), { method: 'POST' });
    expect(sleep.mock.calls).toEqual([[5], [100]]);
  });
});

describe('latency with the default sleep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds the answer until the timer fires', async () => {
    vi.useFakeTimers();
    const emulator = new MobileFirstEmulator();
    emulator.setLatency(1_000, 'admin');
    let settled = false;
    const pending = emulator
      .handle(
        new Request(`http://x${emulator.adminPath}`, {
          headers: { authorization: basic('admin', 'admin') },
        }),
      )
      .then((res) => {
        settled = true;
        return res;
      });
    await vi.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);
  });
});

describe('the core answers a drop fault with Response.error()', () => {
  it('returns a network-error response', async () => {
    const emulator = new MobileFirstEmulator();
    emulator.failNextTokenRequests(1, { kind: 'drop' });
    const res = await emulator.handle(
      new Request(`http://x${emulator.tokenPath}`, { method: 'POST' }),
    );
    expect(res.type).toBe('error');
  });
});

describe('fault validation', () => {
  const emulator = new MobileFirstEmulator();

  it.each([
    [() => emulator.failNextTokenRequests(0, { kind: 'drop' }), RangeError, /count/],
    [() => emulator.failNextTokenRequests(1.5, { kind: 'drop' }), RangeError, /count/],
    [
      () => emulator.failNextTokenRequests(1, { kind: 'server-error', status: 404 }),
      RangeError,
      /500 and 599/,
    ],
    [
      () => emulator.failNextTokenRequests(1, { kind: 'rate-limit', retryAfter: -1 }),
      RangeError,
      /retryAfter/,
    ],
    [() => emulator.failNextTokenRequests(1, { kind: 'nope' } as never), TypeError, /kind/],
    [() => emulator.setLatency(-1), RangeError, /ms/],
    [() => emulator.advanceClock(-1), RangeError, /ms/],
    [() => emulator.advanceClock(Number.NaN), RangeError, /ms/],
  ])('rejects bad input %#', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
    expect(emulator.pendingTokenFaults).toBe(0);
  });
});
