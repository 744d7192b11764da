import { HTTPError } from 'ky';
import { HttpResponse } from 'msw';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { MFP, SAMPLE, useEmulator } from './helpers/emulator.js';

const mfp = useEmulator();

describe('client.ky', () => {
  it('brings the token, discovers the scope through the 403, and parses typed JSON', async () => {
    const client = mfp.client();
    const data = await client.ky.get(SAMPLE).json<{ path: string; scope: string[] }>();
    expectTypeOf(data).toEqualTypeOf<{ path: string; scope: string[] }>();
    expect(data.path).toBe('/mfp/api/adapters/sample/resource');
    expect(client.stats().stepUps).toBe(1);
    // Learned for client.fetch too: the two paths share one implementation.
    expect((await client.fetch(SAMPLE)).status).toBe(200);
    expect(mfp.tokenRequests).toBe(2);
  });

  it('extends with ky options (prefixUrl) and keeps the token handling', async () => {
    const client = mfp.client();
    const api = client.ky.extend({ prefixUrl: `${MFP}/mfp/api/adapters` });
    const res = await api.get('sample/resource');
    expect(res.status).toBe(200);
  });

  it('recovers from a 401 once, below ky (ky sees only the final answer)', async () => {
    mfp.emulator.protect('/mfp/api/adapters/open', { scope: '' });
    const client = mfp.client();
    await client.getToken();
    mfp.emulator.revokeAllTokens();
    expect((await client.ky.get(`${MFP}/mfp/api/adapters/open`)).status).toBe(200);
    expect(client.stats().reauthentications).toBe(1);
  });

  it("ky's own retry stays ky's", async () => {
    let calls = 0;
    mfp.emulator.protect('/mfp/api/adapters/flaky', {
      scope: '',
      handler: () =>
        ++calls === 1 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({ ok: true }),
    });
    const client = mfp.client();
    const api = client.ky.extend({ retry: { limit: 2, delay: () => 0 } });
    expect(await api.get(`${MFP}/mfp/api/adapters/flaky`).json()).toEqual({ ok: true });
    expect(calls).toBe(2);
    const strict = client.ky.extend({ retry: 0 });
    calls = 0;
    await expect(strict.get(`${MFP}/mfp/api/adapters/flaky`)).rejects.toBeInstanceOf(HTTPError);
  });

  it('createKy({ scope }) and a per-request scope choose the token', async () => {
    mfp.emulator.protect('/mfp/api/adapters/special', { scope: 'special' });
    const client = mfp.client();
    const special = client.createKy({ scope: 'special' });
    expect((await special.get(`${MFP}/mfp/api/adapters/special`)).status).toBe(200);
    expect(mfp.emulator.tokenRequestCount({ scope: 'special' })).toBe(1);
    const other = client.ky.get(`${MFP}/mfp/api/adapters/special`, { scope: 'special' });
    expect((await other).status).toBe(200);
    expect(client.stats().stepUps).toBe(0);
    expect(() => client.createKy({ scope: 'bad"scope' })).toThrow(/scope/);
  });

  it('sends JSON bodies and replays them', async () => {
    mfp.emulator.protect('/mfp/api/adapters/json', {
      scope: '',
      handler: async ({ request }) => HttpResponse.json(await request.json()),
    });
    const client = mfp.client();
    await client.getToken();
    mfp.emulator.revokeAllTokens();
    expect(await client.ky.post(`${MFP}/mfp/api/adapters/json`, { json: { a: 1 } }).json()).toEqual(
      { a: 1 },
    );
  });
});
