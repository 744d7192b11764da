import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isInsufficientScopeError } from '../src/index.js';
import { startRecordingServer, useDevServer } from './helpers/http-servers.js';

/** The client's end-to-end paths over real HTTP against the MobileFirst dev server. */
const e2e = useDevServer();
let foreign: Awaited<ReturnType<typeof startRecordingServer>>;

beforeAll(async () => {
  foreign = await startRecordingServer();
});
afterAll(async () => {
  await foreign.close();
});

describe('over real HTTP against the dev server', () => {
  it('discovers the sample resource scope through the 403 and succeeds; the next call is direct', async () => {
    const client = e2e.client();
    const url = `${e2e.dev.url}/mfp/api/adapters/sample/resource`;
    expect((await client.fetch(url)).status).toBe(200);
    expect((await client.fetch(url)).status).toBe(200);
    expect(e2e.dev.emulator.counters().resourceCallsByStatus).toEqual({ 200: 2, 403: 1 });
    expect(client.stats()).toMatchObject({ stepUps: 1, tokenRequests: 2 });
  });

  it('recovers from revoked tokens with one new token for 50 concurrent requests', async () => {
    const client = e2e.client();
    e2e.dev.emulator.protect('/mfp/api/adapters/open', { scope: '' });
    const url = `${e2e.dev.url}/mfp/api/adapters/open`;
    await client.fetch(url);
    e2e.dev.emulator.revokeAllTokens();
    const responses = await Promise.all(Array.from({ length: 50 }, () => client.fetch(url)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(client.stats().tokenRequests).toBe(2);
  });

  it('throws InsufficientScopeError when the client may not have the scope', async () => {
    e2e.dev.emulator.registerClient({
      id: 'limited',
      secret: 'limited-secret',
      allowedScope: 'other',
    });
    const client = e2e.client({ clientId: 'limited', clientSecret: 'limited-secret' });
    const error = await client
      .fetch(`${e2e.dev.url}/mfp/api/adapters/sample/resource`)
      .catch((e: unknown) => e);
    expect(isInsufficientScopeError(error)).toBe(true);
  });

  describe('redirects', () => {
    beforeAll(() => {
      const to = (status: number, target: () => string) => () =>
        new HttpResponse(null, { status, headers: { location: target() } });
      e2e.dev.emulator.protect('/mfp/api/adapters/to-foreign-302', {
        scope: '',
        handler: to(302, () => `${foreign.url}/landing`),
      });
      e2e.dev.emulator.protect('/mfp/api/adapters/to-foreign-307', {
        scope: '',
        handler: to(307, () => `${foreign.url}/landing`),
      });
      e2e.dev.emulator.protect('/mfp/api/adapters/to-same-origin', {
        scope: '',
        handler: to(302, () => '/mfp/api/adapters/landing'),
      });
      e2e.dev.emulator.protect('/mfp/api/adapters/landing', { scope: '' });
      e2e.dev.emulator.protect('/mfp/api/adapters/post-307', {
        scope: '',
        handler: ({ request }) =>
          new URL(request.url).searchParams.has('moved')
            ? request.text().then((body) => HttpResponse.json({ method: request.method, body }))
            : to(307, () => '/mfp/api/adapters/post-307?moved=1')(),
      });
    });

    it.each(['302', '307'])(
      'never sends the token to another origin (cross-origin %s)',
      async (status) => {
        const client = e2e.client();
        const before = foreign.seen.length;
        const res = await client.fetch(`${e2e.dev.url}/mfp/api/adapters/to-foreign-${status}`, {
          method: status === '307' ? 'POST' : 'GET',
          body: status === '307' ? 'payload' : null,
        });
        expect(res.status).toBe(200);
        const landed = foreign.seen.slice(before);
        expect(landed).toHaveLength(1);
        expect(landed[0]!.headers.authorization).toBeUndefined();
        if (status === '307') expect(landed[0]).toMatchObject({ method: 'POST', body: 'payload' });
      },
    );

    it('a 401 or 403 from the other origin is not about our token: returned as is', async () => {
      const grumpy = await startRecordingServer(() => ({
        status: 401,
        headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
        body: '',
      }));
      const demanding = await startRecordingServer(() => ({
        status: 403,
        headers: {
          'www-authenticate': 'Bearer error="insufficient_scope", scope="admin.everything"',
        },
        body: '',
      }));
      try {
        e2e.dev.emulator.protect('/mfp/api/adapters/to-grumpy', {
          scope: '',
          handler: () =>
            new HttpResponse(null, { status: 302, headers: { location: `${grumpy.url}/x` } }),
        });
        e2e.dev.emulator.protect('/mfp/api/adapters/to-demanding', {
          scope: '',
          handler: () =>
            new HttpResponse(null, { status: 302, headers: { location: `${demanding.url}/x` } }),
        });
        const client = e2e.client();
        for (let i = 0; i < 3; i++) {
          expect((await client.fetch(`${e2e.dev.url}/mfp/api/adapters/to-grumpy`)).status).toBe(
            401,
          );
        }
        expect((await client.fetch(`${e2e.dev.url}/mfp/api/adapters/to-demanding`)).status).toBe(
          403,
        );
        expect(client.stats()).toMatchObject({
          tokenRequests: 1,
          reauthentications: 0,
          stepUps: 0,
        });
        expect(e2e.dev.emulator.tokenRequestCount({ scope: 'admin.everything' })).toBe(0);
      } finally {
        await grumpy.close();
        await demanding.close();
      }
    });

    it('carries the caller’s fetch options (dispatcher, keepalive…) to every hop, and sets redirected', async () => {
      const inits: RequestInit[] = [];
      const client = e2e.client({
        fetch: (input, init) => {
          inits.push(init ?? {});
          const { dispatcher: _, ...real } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
          return fetch(input, real);
        },
      });
      const dispatcher = { marker: true };
      const res = await client.fetch(`${e2e.dev.url}/mfp/api/adapters/to-same-origin`, {
        keepalive: true,
        dispatcher,
      } as RequestInit);
      expect(res.status).toBe(200);
      expect(res.redirected).toBe(true);
      const hops = inits.filter((init) => init.method !== 'POST'); // leave out token requests
      expect(hops).toHaveLength(2);
      for (const init of hops) expect(init).toMatchObject({ keepalive: true, dispatcher });
    });

    it.each([
      ['data:', 'data:text/plain,stolen'],
      ['file:', 'file:///etc/passwd'],
      ['javascript:', 'javascript:alert(1)'],
    ])(
      'a redirect to a %s URL is not followed: fetch rejects, as fetch does',
      async (_scheme, location) => {
        e2e.dev.emulator.protect('/mfp/api/adapters/to-other-scheme', {
          scope: '',
          handler: () => new HttpResponse(null, { status: 302, headers: { location } }),
        });
        const client = e2e.client();
        const url = `${e2e.dev.url}/mfp/api/adapters/to-other-scheme`;
        // The hottest path (a URL, nothing else) and the general one.
        for (const call of [() => client.fetch(url), () => client.fetch(url, { method: 'GET' })]) {
          await expect(call()).rejects.toThrow(
            /redirected to a \w+: URL; only http: and https: redirects are followed/,
          );
        }
      },
    );

    it('keeps the token on a same-origin redirect', async () => {
      const client = e2e.client();
      const res = await client.fetch(`${e2e.dev.url}/mfp/api/adapters/to-same-origin`);
      expect(res.status).toBe(200);
      // The landing page is protected too: a 200 there means the token came along.
      expect(e2e.dev.emulator.counters().resourceCallsByStatus).toEqual({ 302: 1, 200: 1 });
    });

    it('re-sends the body on a same-origin 307', async () => {
      const client = e2e.client();
      const res = await client.fetch(`${e2e.dev.url}/mfp/api/adapters/post-307`, {
        method: 'POST',
        body: 'keep me',
      });
      expect(await res.json()).toEqual({ method: 'POST', body: 'keep me' });
    });

    it("honours the caller's redirect: 'manual'", async () => {
      const client = e2e.client();
      const res = await client.fetch(`${e2e.dev.url}/mfp/api/adapters/to-same-origin`, {
        redirect: 'manual',
      });
      expect(res.status).toBe(302);
    });
  });

  it("with a timeout, the caller's signal still aborts reading the body after the headers", async () => {
    // A server that sends its headers and a first chunk, then never finishes.
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const client = e2e.client({ origins: [origin], requestTimeout: 10_000 });
      const controller = new AbortController();
      const res = await client.fetch(`${origin}/stream`, { signal: controller.signal });
      expect(res.status).toBe(200);
      const reading = res.text();
      controller.abort(new Error('enough'));
      await expect(reading).rejects.toThrow();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('replays a streamed body over a real socket', async () => {
    e2e.dev.emulator.protect('/mfp/api/adapters/upload', {
      scope: '',
      handler: async ({ request }) => HttpResponse.json({ got: await request.text() }),
    });
    const client = e2e.client();
    await client.getToken();
    e2e.dev.emulator.revokeAllTokens();
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('chunk-1,'));
        c.enqueue(new TextEncoder().encode('chunk-2'));
        c.close();
      },
    });
    const res = await client.fetch(`${e2e.dev.url}/mfp/api/adapters/upload`, {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(await res.json()).toEqual({ got: 'chunk-1,chunk-2' });
    expect(client.stats().reauthentications).toBe(1);
  });
});
