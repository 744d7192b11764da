import { describe, expect, it } from 'vitest';
import type { ProtectedResourceHandler } from '../../src/testing/index.js';
import { callWithToken, getToken, transports, useEmulator } from '../helpers/emulator-harness.js';

const SAMPLE = '/mfp/api/adapters/sample/resource';

describe.each(transports)('protected resources over %s', (transport) => {
  const h = useEmulator(transport);

  it('answers 401 WWW-Authenticate: Bearer without a token', async () => {
    const res = await callWithToken(h, SAMPLE, undefined);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers 401 Bearer error="invalid_token" for a token it did not issue', async () => {
    const res = await callWithToken(h, SAMPLE, 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('answers 401 invalid_token once the token expired on the emulator clock', async () => {
    const token = await getToken(h, { scope: 'accessRestricted' });
    h.emulator.advanceClock(3_598_999);
    expect((await callWithToken(h, SAMPLE, token)).status).toBe(200);
    h.emulator.advanceClock(1);
    const res = await callWithToken(h, SAMPLE, token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('answers 403 insufficient_scope with scope="RegisteredClient accessRestricted"', async () => {
    const token = await getToken(h);
    const res = await callWithToken(h, SAMPLE, token);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", scope="RegisteredClient accessRestricted"',
    );
  });

  it('answers 200 to a token holding accessRestricted, with or without RegisteredClient', async () => {
    for (const scope of ['accessRestricted', 'RegisteredClient accessRestricted']) {
      const res = await callWithToken(h, SAMPLE, await getToken(h, { scope }));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ path: SAMPLE, method: 'GET', clientId: 'test' });
    }
  });

  it('protects paths under the sample resource too', async () => {
    const res = await callWithToken(h, `${SAMPLE}/child`, await getToken(h));
    expect(res.status).toBe(403);
  });

  it('protects a custom path with a custom handler that sees the request and token', async () => {
    h.emulator.protect('/mfp/api/adapters/orders/', {
      scope: 'orders.read orders.write',
      handler: async ({ request, clientId, token }) =>
        Response.json(
          { clientId, scope: token.scope, body: await request.text() },
          { status: 201 },
        ),
    });
    const weak = await getToken(h, { scope: 'orders.read' });
    const weakRes = await callWithToken(h, '/mfp/api/adapters/orders/42', weak, {
      method: 'POST',
      body: 'x',
    });
    expect(weakRes.status).toBe(403);
    expect(weakRes.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", scope="RegisteredClient orders.read orders.write"',
    );
    const strong = await getToken(h, { scope: 'orders.write orders.read' });
    const res = await callWithToken(h, '/mfp/api/adapters/orders/42', strong, {
      method: 'POST',
      body: 'x',
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      clientId: 'test',
      scope: ['orders.read', 'orders.write'],
      body: 'x',
    });
  });

  it('lets the longest protected prefix win, and any valid token pass an empty scope', async () => {
    h.emulator.protect('/api', { scope: 'strict' });
    h.emulator.protect('/api/public', { scope: '' });
    const token = await getToken(h);
    expect((await callWithToken(h, '/api/public/x', token)).status).toBe(200);
    expect((await callWithToken(h, '/api/other', token)).status).toBe(403);
    expect((await callWithToken(h, '/apix', token)).status).toBe(404);
  });

  it('answers 500 when a handler throws', async () => {
    h.emulator.protect('/boom', {
      scope: '',
      handler: () => {
        throw new Error('kaput');
      },
    });
    const res = await callWithToken(h, '/boom', await getToken(h));
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error).toBe('handler_error');
    expect(body.message).toContain('kaput');
    expect(h.emulator.counters().resourceCallsByStatus).toEqual({ 500: 1 });
  });

  it.each([
    ['a plain object', () => ({ ok: true })],
    ['undefined', () => undefined],
    ['a promise of a string', async () => 'ok'],
  ])('answers 500 handler_error when a handler returns %s, counting 500', async (_, handler) => {
    h.emulator.protect('/odd', {
      scope: '',
      handler: handler as unknown as ProtectedResourceHandler,
    });
    const res = await callWithToken(h, '/odd', await getToken(h));
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body).toEqual({ error: 'handler_error', message: expect.stringContaining('Response') });
    expect(h.emulator.counters().resourceCallsByStatus).toEqual({ 500: 1 });
  });

  it('gives a handler a copy of the token, so it cannot change the record', async () => {
    h.emulator.protect('/mutate', {
      scope: '',
      handler: ({ token }) => {
        (token as { revoked: boolean }).revoked = true;
        (token.claims as { exp: number }).exp = 0;
        return new Response('ok');
      },
    });
    const token = await getToken(h);
    expect((await callWithToken(h, '/mutate', token)).status).toBe(200);
    expect((await callWithToken(h, '/mutate', token)).status).toBe(200);
  });

  it('unprotect removes a path, the sample resource included', async () => {
    expect(h.emulator.unprotect(SAMPLE)).toBe(true);
    expect(h.emulator.unprotect(SAMPLE)).toBe(false);
    expect((await callWithToken(h, SAMPLE, undefined)).status).toBe(404);
  });

  it('counts resource calls by status', async () => {
    const token = await getToken(h);
    await callWithToken(h, SAMPLE, undefined);
    await callWithToken(h, SAMPLE, token);
    await callWithToken(h, SAMPLE, token);
    await callWithToken(h, SAMPLE, await getToken(h, { scope: 'accessRestricted' }));
    const counters = h.emulator.counters();
    expect(counters.resourceCalls).toBe(4);
    expect(counters.resourceCallsByStatus).toEqual({ 401: 1, 403: 2, 200: 1 });
  });
});

describe.each(transports)('runtime option over %s', (transport) => {
  const h = useEmulator(transport, () => ({ runtime: 'bank' }));

  it('moves the sample resource under the runtime', async () => {
    expect(h.emulator.sampleResourcePath).toBe('/bank/api/adapters/sample/resource');
    const token = await getToken(h, { scope: 'accessRestricted' });
    expect((await callWithToken(h, '/bank/api/adapters/sample/resource', token)).status).toBe(200);
    expect((await callWithToken(h, SAMPLE, token)).status).toBe(404);
  });
});

describe('sampleResource: false', () => {
  const h = useEmulator('msw', () => ({ sampleResource: false }));

  it('leaves the sample resource out', async () => {
    expect((await callWithToken(h, SAMPLE, undefined)).status).toBe(404);
  });
});
