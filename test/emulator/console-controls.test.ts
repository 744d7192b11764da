import { describe, expect, it } from 'vitest';
import {
  callWithToken,
  getToken,
  requestToken,
  T0,
  transports,
  useEmulator,
} from '../helpers/emulator-harness.js';

const SAMPLE = '/mfp/api/adapters/sample/resource';

describe.each(transports)('the console controls of the emulator over %s', (transport) => {
  let now = T0;
  const h = useEmulator(transport, () => {
    now = T0;
    return { now: () => now };
  });

  it('setFault keeps a route failing until it is switched off, after the queued failures', async () => {
    h.emulator.setFault('token', { kind: 'server-error' });
    h.emulator.failNextTokenRequests(1, { kind: 'rate-limit', retryAfter: 7 });
    const first = await requestToken(h);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('7');
    expect((await requestToken(h)).status).toBe(503);
    expect((await requestToken(h)).status).toBe(503);
    expect(h.emulator.faults().switched).toEqual({ token: { kind: 'server-error', status: 503 } });

    h.emulator.setFault('token', undefined);
    expect((await requestToken(h)).status).toBe(200);
    expect(h.emulator.faults().switched).toEqual({});
  });

  it('setFault works for introspection and push, and clearFaults switches every fault off', async () => {
    const token = await getToken(h, {
      scope: 'authorization.introspect messages.write push.application.app',
    });
    h.emulator.setFault('introspection', { kind: 'conflict' });
    h.emulator.setFault('push', { kind: 'rate-limit', retryAfter: 3 });
    const introspect = () =>
      callWithToken(h, h.emulator.introspectionPath, token, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
      });
    const push = () =>
      callWithToken(h, '/imfpush/v1/apps/app/messages', token, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: { alert: 'hi' } }),
      });
    expect((await introspect()).status).toBe(409);
    expect((await introspect()).status).toBe(409);
    expect((await push()).status).toBe(429);
    h.emulator.setLatency(5, 'push');
    expect(h.emulator.faults()).toEqual({
      switched: {
        introspection: { kind: 'conflict' },
        push: { kind: 'rate-limit', retryAfter: 3 },
      },
      queued: { token: 0, introspection: 0, push: 0 },
      latency: { push: 5 },
    });
    h.emulator.clearFaults();
    expect((await introspect()).status).toBe(200);
    expect((await push()).status).toBe(202);
    expect(h.emulator.faults().switched).toEqual({});
  });

  it('setFault refuses an unknown route or fault, naming what is wrong', () => {
    expect(() => h.emulator.setFault('resource' as never, { kind: 'drop' } as never)).toThrow(
      /route must be token, introspection, push/,
    );
    expect(() => h.emulator.setFault('token', { kind: 'conflict' } as never)).toThrow(TypeError);
    expect(() => h.emulator.setFault('push', { kind: 'server-error', status: 404 })).toThrow(
      RangeError,
    );
    expect(h.emulator.faults().switched).toEqual({});
  });

  it('revokeToken revokes one token, by itself or by its jti, and leaves the others valid', async () => {
    const first = await getToken(h, { scope: 'accessRestricted' });
    const second = await getToken(h, { scope: 'accessRestricted' });
    expect(h.emulator.revokeToken(first)).toBe(true);
    expect(h.emulator.revokeToken(first)).toBe(false);
    expect((await callWithToken(h, SAMPLE, first)).status).toBe(401);
    expect((await callWithToken(h, SAMPLE, second)).status).toBe(200);

    const { jti } = h.emulator.issuedTokens()[1]!.claims;
    expect(h.emulator.revokeToken(jti)).toBe(true);
    expect((await callWithToken(h, SAMPLE, second)).status).toBe(401);
    expect(h.emulator.revokeToken('no-such-token')).toBe(false);
    expect(h.emulator.issuedTokens().map((token) => token.revoked)).toEqual([true, true]);
  });

  it('pushMessages({ last }) copies only the newest messages; pushMessageCount counts them all', async () => {
    const token = await getToken(h, { scope: 'messages.write push.application.app' });
    for (const alert of ['one', 'two', 'three']) {
      await callWithToken(h, '/imfpush/v1/apps/app/messages', token, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: { alert } }),
      });
    }
    const alerts = (messages: { body: Record<string, unknown> }[]) =>
      messages.map((message) => (message.body.message as { alert: string }).alert);
    expect(alerts(h.emulator.pushMessages({ last: 2 }))).toEqual(['two', 'three']);
    expect(alerts(h.emulator.pushMessages({ last: 5 }))).toEqual(['one', 'two', 'three']);
    expect(h.emulator.pushMessages({ last: 0 })).toEqual([]);
    expect(h.emulator.pushMessageCount).toBe(3);
    expect(() => h.emulator.pushMessages({ last: -1 })).toThrow(RangeError);
    expect(() => h.emulator.pushMessages({ last: 1.5 })).toThrow('last must be an integer ≥ 0');
  });

  it('counterHistory counts requests in five-second buckets over five minutes', async () => {
    const token = await getToken(h, { scope: 'accessRestricted' });
    await requestToken(h, { secret: 'wrong' });
    now = T0 + 12_000;
    await callWithToken(h, SAMPLE, token);
    await callWithToken(h, SAMPLE, 'forged');
    // The history runs on the base clock: moving the emulator's clock leaves it in place.
    h.emulator.advanceClock(3_600_000);
    const history = h.emulator.counterHistory();
    expect(history).toMatchObject({ now: T0 + 12_000, bucketMs: 5_000, windowMs: 300_000 });
    expect(history.buckets).toEqual([
      {
        start: T0,
        tokenRequests: 2,
        tokensIssued: 1,
        introspections: 0,
        pushRequests: 0,
        resourceCallsByStatus: {},
      },
      {
        start: T0 + 10_000,
        tokenRequests: 0,
        tokensIssued: 0,
        introspections: 0,
        pushRequests: 0,
        resourceCallsByStatus: { 200: 1, 401: 1 },
      },
    ]);

    now = T0 + 301_000;
    expect(h.emulator.counterHistory().buckets.map((bucket) => bucket.start)).toEqual([
      T0 + 10_000,
    ]);
    now = T0 + 400_000;
    expect(h.emulator.counterHistory().buckets).toEqual([]);
    await getToken(h);
    h.emulator.resetCounters();
    expect(h.emulator.counterHistory().buckets).toEqual([]);
  });
});
