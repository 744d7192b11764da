import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { isTokenRequestError } from '../src/index.js';
import { MFP, SAMPLE, useEmulator } from './helpers/emulator.js';

const mfp = useEmulator({
  clients: [{ id: 'backend', secret: 'backend-secret', allowedScope: 'RegisteredClient read*' }],
});

describe('client.fetch', () => {
  it('has fetch semantics: resolves with every status, accepts string, URL and Request', async () => {
    mfp.emulator.protect('/mfp/api/adapters/open', { scope: '' });
    const client = mfp.client();
    for (const input of [
      `${MFP}/mfp/api/adapters/open`,
      new URL(`${MFP}/mfp/api/adapters/open`),
      new Request(`${MFP}/mfp/api/adapters/open`),
    ]) {
      const res = await client.fetch(input);
      expect(res.status).toBe(200);
    }
    const missing = await client.fetch(`${MFP}/mfp/api/adapters/nothing-here`);
    expect(missing.status).toBe(404);
    expect(mfp.tokenRequests).toBe(1);
  });

  it('attaches the token only to allowed origins; other requests go out untouched', async () => {
    const seen: Array<string | null> = [];
    mfp.server.use(
      http.get('https://elsewhere.example/data', ({ request }) => {
        seen.push(request.headers.get('authorization'));
        return HttpResponse.json({ ok: true });
      }),
    );
    const client = mfp.client();
    const res = await client.fetch('https://elsewhere.example/data', { headers: { 'x-a': '1' } });
    expect(res.status).toBe(200);
    expect(seen).toEqual([null]);
    expect(mfp.tokenRequests).toBe(0);

    const allowed = mfp.client({ origins: ['https://elsewhere.example'] });
    await allowed.fetch('https://elsewhere.example/data');
    expect(seen[1]).toMatch(/^Bearer /);

    const any = mfp.client({ origins: '*' });
    await any.fetch('https://elsewhere.example/data');
    expect(seen[2]).toMatch(/^Bearer /);
  });

  it("keeps the caller's own Authorization header and does not retry it", async () => {
    const client = mfp.client();
    const res = await client.fetch(SAMPLE, { headers: { Authorization: 'Bearer mine' } });
    expect(res.status).toBe(401);
    expect(mfp.tokenRequests).toBe(0);
    expect(mfp.emulator.counters().resourceCalls).toBe(1);
  });

  it('401 invalid_token: drops that token, gets a new one, replays once', async () => {
    mfp.emulator.protect('/mfp/api/adapters/open', { scope: '' });
    const client = mfp.client();
    const url = `${MFP}/mfp/api/adapters/open`;
    await client.fetch(url);
    mfp.emulator.revokeAllTokens();
    const res = await client.fetch(url);
    expect(res.status).toBe(200);
    expect(mfp.tokenRequests).toBe(2);
    expect(client.stats()).toMatchObject({ reauthentications: 1, rejectedAfterReplay: 0 });
  });

  it('tokens revoked again and again are replaced every time: a re-token that works costs no budget', async () => {
    mfp.emulator.protect('/mfp/api/adapters/open', { scope: '' });
    const client = mfp.client();
    const url = `${MFP}/mfp/api/adapters/open`;
    for (let i = 0; i < 20; i++) {
      mfp.emulator.revokeAllTokens();
      expect((await client.fetch(url)).status).toBe(200);
    }
    expect(client.stats().reauthentications).toBe(19);
  });

  it('a mocked 401 with a body is replayed without waiting for its cancel (MSW never settles it)', async () => {
    let calls = 0;
    mfp.server.use(
      http.get(`${MFP}/mfp/api/adapters/with-body`, () =>
        ++calls === 1
          ? HttpResponse.json(
              { error: 'expired' },
              { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
            )
          : HttpResponse.json({ ok: true }),
      ),
    );
    const client = mfp.client();
    const res = await client.fetch(`${MFP}/mfp/api/adapters/with-body`);
    expect(res.status).toBe(200);
    expect(calls).toBe(2);
  }, 3_000);

  it('100 concurrent requests that all get 401 cause one new token request', async () => {
    mfp.emulator.protect('/mfp/api/adapters/open', { scope: '' });
    const client = mfp.client();
    const url = `${MFP}/mfp/api/adapters/open`;
    await client.fetch(url);
    mfp.emulator.revokeAllTokens();
    const responses = await Promise.all(Array.from({ length: 100 }, () => client.fetch(url)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(mfp.tokenRequests).toBe(2);
    expect(mfp.emulator.counters().resourceCallsByStatus).toMatchObject({ 200: 101, 401: 100 });
  });

  it('a resource that always answers 401 gets exactly two requests; the second 401 is returned', async () => {
    mfp.emulator.protect('/mfp/api/adapters/grumpy', {
      scope: '',
      handler: () =>
        new HttpResponse(null, {
          status: 401,
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        }),
    });
    const client = mfp.client();
    const res = await client.fetch(`${MFP}/mfp/api/adapters/grumpy`);
    expect(res.status).toBe(401);
    expect(mfp.emulator.counters().resourceCalls).toBe(2);
    expect(client.stats()).toMatchObject({ reauthentications: 1, rejectedAfterReplay: 1 });
  });

  it('a 401 with a non-Bearer challenge is not ours: returned as is', async () => {
    mfp.emulator.protect('/mfp/api/adapters/basic', {
      scope: '',
      handler: () =>
        new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="x"' } }),
    });
    const client = mfp.client();
    expect((await client.fetch(`${MFP}/mfp/api/adapters/basic`)).status).toBe(401);
    expect(mfp.emulator.counters().resourceCalls).toBe(1);
  });

  it('a 401 with no WWW-Authenticate at all rejects our token: dropped, one replay with a new one', async () => {
    let calls = 0;
    const seen: string[] = [];
    mfp.emulator.protect('/mfp/api/adapters/forgetful', {
      scope: '',
      handler: ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        return ++calls === 1 ? new HttpResponse(null, { status: 401 }) : HttpResponse.json({});
      },
    });
    const client = mfp.client();
    const res = await client.fetch(`${MFP}/mfp/api/adapters/forgetful`);
    expect(res.status).toBe(200);
    expect(mfp.tokenRequests).toBe(2);
    expect(seen[0]).not.toBe(seen[1]);
    expect(client.stats().reauthentications).toBe(1);
    // The rejected token is gone: the next call uses the new one.
    await client.fetch(`${MFP}/mfp/api/adapters/forgetful`);
    expect(seen[2]).toBe(seen[1]);
    expect(mfp.tokenRequests).toBe(2);
  });

  it('a resource that rejects even brand-new tokens costs at most 5 of them in 10 minutes, then its 401 is returned', async () => {
    mfp.emulator.protect('/mfp/api/adapters/rejects-all', {
      scope: '',
      handler: () => new HttpResponse(null, { status: 401 }),
    });
    mfp.emulator.protect('/mfp/api/adapters/fine', { scope: '' });
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const client = mfp.client({ logger: { debug: () => {}, info: () => {}, warn, error: warn } });
    for (let i = 0; i < 100; i++) {
      expect((await client.fetch(`${MFP}/mfp/api/adapters/rejects-all`)).status).toBe(401);
    }
    expect(mfp.tokenRequests).toBe(6); // the first token, then five new ones
    expect(client.stats().reauthentications).toBe(5);
    // Past the budget the token is no longer dropped: other resources keep using it.
    await client.fetch(`${MFP}/mfp/api/adapters/fine`);
    await client.fetch(`${MFP}/mfp/api/adapters/rejects-all`);
    await client.fetch(`${MFP}/mfp/api/adapters/fine`);
    expect(mfp.tokenRequests).toBe(6);
    expect(
      warnings.filter((w) => w.includes('rejected 5 brand-new tokens in 10 minutes')),
    ).toHaveLength(1);
  });

  it('a Bearer challenge from an origin tokens do not go to logs one warning per origin', async () => {
    const lines: string[] = [];
    const log = (m: string) => lines.push(m);
    const logger = { debug: () => {}, info: log, warn: log, error: log };
    mfp.server.use(
      http.get('http://127.0.0.1:9080/*', () =>
        HttpResponse.json(
          {},
          { status: 401, headers: { 'www-authenticate': 'Bearer realm="mfp"' } },
        ),
      ),
      http.get('https://basic.example/*', () =>
        HttpResponse.json({}, { status: 401, headers: { 'www-authenticate': 'Basic realm="x"' } }),
      ),
    );
    const client = mfp.client({ logger });
    for (let i = 0; i < 3; i++) {
      const res = await client.fetch('http://127.0.0.1:9080/mfp/api/adapters/sample/resource');
      expect(res.status).toBe(401);
    }
    await client.fetch('https://basic.example/x');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'http://127.0.0.1:9080 answered 401 with a Bearer challenge, but no token is sent there: origins: http://localhost:9080.',
    );
    expect(lines[0]).toContain(
      "add it to `origins`: origins: ['http://localhost:9080', 'http://127.0.0.1:9080']",
    );
    expect(mfp.tokenRequests).toBe(0);
  });

  it('token failures reject client.fetch with the typed error', async () => {
    const client = mfp.client({ clientSecret: 'wrong' });
    const error = await client.fetch(SAMPLE).catch((e: unknown) => e);
    expect(isTokenRequestError(error) && error.error).toBe('invalid_client');
  });

  it('uses init.scope for the token', async () => {
    mfp.emulator.protect('/mfp/api/adapters/report', { scope: 'read.reports' });
    const client = mfp.client({ clientId: 'backend', clientSecret: 'backend-secret' });
    const res = await client.fetch(`${MFP}/mfp/api/adapters/report`, { scope: 'read.reports' });
    expect(res.status).toBe(200);
    expect(mfp.emulator.tokenRequestCount({ clientId: 'backend', scope: 'read.reports' })).toBe(1);
    expect(client.stats().stepUps).toBe(0);
  });

  it('close() makes client.fetch reject', async () => {
    const client = mfp.client();
    await client.close();
    await expect(client.fetch(SAMPLE)).rejects.toMatchObject({ code: 'ERR_CC_CLOSED' });
  });

  it('rejects (never throws synchronously) on a bad URL or scope, like fetch', async () => {
    const client = mfp.client();
    let pending: Promise<Response> | undefined;
    expect(() => {
      pending = client.fetch(SAMPLE, { scope: 'bad"scope' });
    }).not.toThrow();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_CC_CONFIGURATION' });
    await expect(client.fetch('not a url')).rejects.toBeInstanceOf(TypeError);
  });
});
