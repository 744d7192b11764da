import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { isInsufficientScopeError, isTokenRequestError } from '../src/index.js';
import { MFP, SAMPLE, useEmulator } from './helpers/emulator.js';

const mfp = useEmulator({
  clients: [
    { id: 'narrow', secret: 'narrow-secret', allowedScope: 'RegisteredClient' },
    { id: 'wide', secret: 'wide-secret', allowedScope: 'access* read.*' },
  ],
});

describe('403 insufficient_scope step-up', () => {
  it('discovers the scope from the 403, replays with the union, and remembers it', async () => {
    const client = mfp.client();
    const first = await client.fetch(SAMPLE);
    expect(first.status).toBe(200);
    expect(mfp.emulator.counters().resourceCallsByStatus).toMatchObject({ 403: 1, 200: 1 });
    // MobileFirst names RegisteredClient among the required elements: the union keeps it exact.
    expect(mfp.emulator.tokenRequestCount({ scope: 'RegisteredClient accessRestricted' })).toBe(1);
    expect(client.stats().stepUps).toBe(1);

    // Learned: the next call gets the right token the first time, with no 403 and no new token.
    const second = await client.fetch(SAMPLE);
    expect(second.status).toBe(200);
    expect(mfp.emulator.counters().resourceCallsByStatus).toMatchObject({ 403: 1, 200: 2 });
    expect(mfp.tokenRequests).toBe(2);
  });

  it('keeps the scope already used: the new token is for the union, never a replacement', async () => {
    const client = mfp.client({ scope: 'read.profile' });
    const res = await client.fetch(SAMPLE);
    expect(res.status).toBe(200);
    expect(
      mfp.emulator.tokenRequestCount({ scope: 'RegisteredClient accessRestricted read.profile' }),
    ).toBe(1);
  });

  it('learns per resource: another path starts from the default scope', async () => {
    mfp.emulator.protect('/mfp/api/adapters/open', { scope: '' });
    const client = mfp.client();
    await client.fetch(SAMPLE);
    await client.fetch(`${MFP}/mfp/api/adapters/open`);
    expect(mfp.emulator.tokenRequestCount({ scope: 'RegisteredClient' })).toBe(1);
  });

  it('a scope the token endpoint refuses → InsufficientScopeError with the required scope and the cause', async () => {
    const client = mfp.client({ clientId: 'narrow', clientSecret: 'narrow-secret' });
    const error = await client.fetch(SAMPLE).catch((e: unknown) => e);
    expect(isInsufficientScopeError(error)).toBe(true);
    if (!isInsufficientScopeError(error)) return;
    expect(error.requiredScope).toEqual(['RegisteredClient', 'accessRestricted']);
    expect(error.resource).toBe(SAMPLE);
    expect(isTokenRequestError(error.cause) && error.cause.error).toBe('invalid_scope');
    expect(error.message).toMatch(/requires scope "RegisteredClient accessRestricted"/);
  });

  it('a resource that keeps answering the same 403 gets one replay, never a loop', async () => {
    mfp.emulator.protect('/mfp/api/adapters/never', {
      scope: '',
      handler: () =>
        new HttpResponse(null, {
          status: 403,
          headers: {
            'www-authenticate': 'Bearer error="insufficient_scope", scope="accessRestricted"',
          },
        }),
    });
    const client = mfp.client({ clientId: 'wide', clientSecret: 'wide-secret' });
    const res = await client.fetch(`${MFP}/mfp/api/adapters/never`);
    expect(res.status).toBe(403);
    expect(mfp.emulator.counters().resourceCalls).toBe(2);
    expect(client.stats()).toMatchObject({ stepUps: 1, rejectedAfterReplay: 1 });
  });

  it('steps up once per distinct challenge (a resource asking for more in two steps)', async () => {
    let calls = 0;
    mfp.emulator.protect('/mfp/api/adapters/two-step', {
      scope: '',
      handler: ({ token }) => {
        calls++;
        const has = new Set(token.scope);
        const missing = ['accessRestricted', 'read.all'].find((s) => !has.has(s));
        return missing === undefined
          ? HttpResponse.json({ ok: true })
          : new HttpResponse(null, {
              status: 403,
              headers: {
                'www-authenticate': `Bearer error="insufficient_scope", scope="${missing}"`,
              },
            });
      },
    });
    const client = mfp.client({ clientId: 'wide', clientSecret: 'wide-secret' });
    const res = await client.fetch(`${MFP}/mfp/api/adapters/two-step`);
    expect(res.status).toBe(200);
    expect(calls).toBe(3);
    expect(client.stats().stepUps).toBe(2);
  });

  it('a resource that asks for a new scope on every request gets 5 step-ups in 10 minutes, then its 403', async () => {
    let n = 0;
    // Always a scope element the client has not seen yet.
    mfp.emulator.protect('/mfp/api/adapters/greedy', {
      scope: '',
      handler: () =>
        new HttpResponse(null, {
          status: 403,
          headers: {
            'www-authenticate': `Bearer error="insufficient_scope", scope="RegisteredClient el-${++n}"`,
          },
        }),
    });
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    let now = Date.UTC(2026, 10, 30);
    const client = mfp.client({
      now: () => now,
      logger: { debug: () => {}, info: () => {}, warn, error: warn },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await client.fetch(`${MFP}/mfp/api/adapters/greedy`)).status);
    }
    expect(client.stats().stepUps).toBe(5);
    expect(mfp.tokenRequests).toBe(6); // the default token, then one per step-up
    expect(statuses.every((s) => s === 403)).toBe(true);
    expect(client.scope).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('keeps asking for more scope');
    expect(warnings[0]).toContain('more step-ups than 5 in 10 minutes');

    // Ten minutes later it may step up again.
    now += 600_000;
    await client.fetch(`${MFP}/mfp/api/adapters/greedy`);
    expect(client.stats().stepUps).toBe(8); // three, the most for one request
  });

  it('a step-up to a scope of more than 32 elements is not attempted: the 403 is returned', async () => {
    const huge = Array.from({ length: 40 }, (_, i) => `e${i}`).join(' ');
    mfp.emulator.protect('/mfp/api/adapters/huge', {
      scope: '',
      handler: () =>
        new HttpResponse(null, {
          status: 403,
          headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${huge}"` },
        }),
    });
    const client = mfp.client();
    expect((await client.fetch(`${MFP}/mfp/api/adapters/huge`)).status).toBe(403);
    expect(mfp.tokenRequests).toBe(1);
    expect(client.stats().stepUps).toBe(0);
  });

  it('50 concurrent requests meeting the same challenge spend one step-up of the budget', async () => {
    const client = mfp.client();
    const all = await Promise.all(Array.from({ length: 50 }, () => client.fetch(SAMPLE)));
    expect(all.every((r) => r.status === 200)).toBe(true);
    expect(mfp.tokenRequests).toBe(2);
  });

  it('a 403 without insufficient_scope is returned as is', async () => {
    mfp.emulator.protect('/mfp/api/adapters/forbidden', {
      scope: '',
      handler: () => new HttpResponse('no', { status: 403 }),
    });
    const client = mfp.client();
    expect((await client.fetch(`${MFP}/mfp/api/adapters/forbidden`)).status).toBe(403);
    expect(mfp.emulator.counters().resourceCalls).toBe(1);
  });
});
