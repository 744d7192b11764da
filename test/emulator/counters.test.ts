import { describe, expect, it } from 'vitest';
import {
  callWithToken,
  getToken,
  requestToken,
  transports,
  useEmulator,
} from '../helpers/emulator-harness.js';

describe.each(transports)('counters over %s', (transport) => {
  const h = useEmulator(transport, () => ({
    clients: [{ id: 'backend', secret: 's3cret', allowedScope: 'a b' }],
  }));

  it('count token requests per client and normalized scope, failures included', async () => {
    await getToken(h, { scope: 'b a' });
    await getToken(h, { scope: 'a b a' });
    await getToken(h, { id: 'backend', secret: 's3cret' });
    await requestToken(h, { id: 'backend', secret: 'wrong', scope: 'a' });
    await requestToken(h, { id: 'ghost', secret: 'x', scope: 'a' });

    const counters = h.emulator.counters();
    expect(counters.tokenRequests).toBe(5);
    expect(counters.tokensIssued).toBe(3);
    expect(counters.tokenRequestsByClient).toEqual({
      test: { 'a b': 2 },
      backend: { RegisteredClient: 1, a: 1 },
      ghost: { a: 1 },
    });
    expect(h.emulator.tokenRequestCount()).toBe(5);
    expect(h.emulator.tokenRequestCount({ clientId: 'backend' })).toBe(2);
    expect(h.emulator.tokenRequestCount({ scope: ['a', 'b'] })).toBe(2);
    expect(h.emulator.tokenRequestCount({ scope: 'a' })).toBe(2);
    expect(h.emulator.tokenRequestCount({ clientId: 'backend', scope: '' })).toBe(1);
  });

  it('returns snapshots, and resetCounters starts again from zero', async () => {
    await getToken(h);
    await callWithToken(h, '/mfp/api/adapters/sample/resource', undefined);
    const before = h.emulator.counters();
    h.emulator.resetCounters();
    expect(before.tokenRequests).toBe(1);
    expect(before.resourceCallsByStatus).toEqual({ 401: 1 });
    expect(h.emulator.counters()).toEqual({
      tokenRequests: 0,
      tokenRequestsByClient: {},
      tokensIssued: 0,
      resourceCalls: 0,
      resourceCallsByStatus: {},
      introspections: 0,
      pushRequests: 0,
      adminRequests: 0,
    });
  });
});
