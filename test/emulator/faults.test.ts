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

  it('returns copies from issuedTokens(): a test cannot un-revoke or extend a token', async () => {
    const token = await getToken(h, { scope: 'accessRestricted' });
    h.emulator.revokeAllTokens();
    const [copy] = h.emulator.issuedTokens() as unknown as [
      { revoked: boolean; claims: { exp: number }; scope: string[] },
    ];
    copy.revoked = false;
    copy.claims.exp = Number.MAX_SAFE_INTEGER;
    copy.scope.push('more');
    expect((await callWithToken(h, SAMPLE, token)).status).toBe(401);
    expect(h.emulator.issuedTokens()[0]).toMatchObject({
      revoked: true,
      scope: ['accessRestricted'],
    });
  });
});

describe('latency', () => {
  const sleep = vi.fn(async (_ms: number, _signal: AbortSignal) => {});
  const h = useEmulator('msw', () => {
    sleep.mockClear();
    return { sleep };
  });

  it('waits through options.sleep on the chosen route only', async () => {
    h.emulator.setLatency(250, 'token');
    await getToken(h);
    expect(sleep).toHaveBeenCalledExactlyOnceWith(250, expect.any(AbortSignal));
    await callWithToken(h, SAMPLE, undefined);
    expect(sleep).toHaveBeenCalledOnce();
  });

  it('applies to every route with no route given, a route setting winning', async () => {
    h.emulator.setLatency(100);
    h.emulator.setLatency(5, 'resource');
    await callWithToken(h, SAMPLE, undefined);
    await fetch(h.url('/imfpush/v1/apps/a/messages'), { method: 'POST' });
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([5, 100]);
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

/** A `sleep` that tells when it is entered and waits until released (ignoring any signal). */
function sleepGate() {
  let entered: () => void = () => {};
  let release: () => void = () => {};
  const gate = {
    entered: new Promise<void>((resolve) => {
      entered = resolve;
    }),
    release: () => release(),
    sleep: () => {
      entered();
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    },
  };
  return gate;
}

describe('latency and aborts', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function tokenRequest(emulator: MobileFirstEmulator, signal: AbortSignal): Request {
    return new Request(`http://x${emulator.tokenPath}`, {
      method: 'POST',
      headers: {
        authorization: basic('test', 'test'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
      signal,
    });
  }

  it('stops an aborted request during the delay, changing nothing, even when sleep ignores the signal', async () => {
    const gate = sleepGate();
    const emulator = new MobileFirstEmulator({ sleep: gate.sleep });
    emulator.setLatency(1_000, 'token');
    emulator.failNextTokenRequests(1, { kind: 'server-error' });
    const controller = new AbortController();
    const pending = emulator.handle(tokenRequest(emulator, controller.signal));
    pending.catch(() => {});
    await gate.entered;
    controller.abort();
    gate.release();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(emulator.pendingTokenFaults).toBe(1);
    expect(emulator.counters()).toMatchObject({ tokenRequests: 0, tokensIssued: 0 });
    expect(emulator.issuedTokens()).toEqual([]);
  });

  it('passes the signal to sleep, and the default sleep clears its timer on abort', async () => {
    vi.useFakeTimers();
    const emulator = new MobileFirstEmulator();
    emulator.setLatency(60_000, 'token');
    const controller = new AbortController();
    const pending = emulator.handle(tokenRequest(emulator, controller.signal));
    pending.catch(() => {});
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(vi.getTimerCount()).toBe(0);
    expect(emulator.counters().tokenRequests).toBe(0);
  });

  it('does not start a request whose signal is already aborted', async () => {
    const sleep = vi.fn(async () => {});
    const emulator = new MobileFirstEmulator({ sleep });
    emulator.setLatency(5);
    await expect(
      emulator.handle(tokenRequest(emulator, AbortSignal.abort())),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(sleep).not.toHaveBeenCalled();
    expect(emulator.counters().tokenRequests).toBe(0);
  });
});

describe('latency and aborts under MSW', () => {
  const gate = sleepGate();
  const h = useEmulator('msw', () => ({ sleep: gate.sleep }));

  it('rejects the aborted fetch and issues no token', async () => {
    h.emulator.setLatency(1_000, 'token');
    const controller = new AbortController();
    const pending = fetch(h.url(h.emulator.tokenPath), {
      method: 'POST',
      headers: {
        authorization: basic('test', 'test'),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
      signal: controller.signal,
    });
    await gate.entered;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    gate.release();
    // A later request as a barrier: the aborted one had every chance to go on by then.
    h.emulator.clearFaults();
    expect((await requestToken(h)).status).toBe(200);
    expect(h.emulator.counters()).toMatchObject({ tokenRequests: 1, tokensIssued: 1 });
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
