import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../src/dev-server/index.js';

const ADMIN = `Basic ${btoa('admin:admin')}`;
const servers: DevServer[] = [];

async function start(options: Parameters<typeof startDevServer>[0] = {}): Promise<DevServer> {
  const server = await startDevServer(options);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function api(server: DevServer, name: string, body?: unknown, authorization = ADMIN) {
  return fetch(`${server.url}/mfpconsole/api/${name}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function token(server: DevServer, scope = 'accessRestricted'): Promise<string> {
  const res = await fetch(`${server.url}/mfp/api/az/v1/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa('test:test')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('the dev-server console page', () => {
  it.each(['/', '/mfpconsole', '/mfpconsole/'])(
    'GET %s serves the page, locked down by its headers, without any secret',
    async (path) => {
      const server = await start();
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      expect(html).toContain('<title>MobileFirst emulator console</title>');
      expect(html).toContain('src="/mfpconsole/console.js"');
      for (const secret of ['nimda', 'hsup', 'admin:admin', 'admin / admin']) {
        expect(html).not.toContain(secret);
      }
      expect(server.consoleUrl).toBe(`${server.url}/mfpconsole`);
    },
  );

  it('serves its own files by name and nothing else', async () => {
    const server = await start();
    const js = await fetch(`${server.url}/mfpconsole/console.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toContain("from './api.js'");
    const css = await fetch(`${server.url}/mfpconsole/console.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const head = await fetch(`${server.url}/mfpconsole/console.css`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    for (const path of [
      '/mfpconsole/nope.js',
      '/mfpconsole/..%2Fconsole-files.ts',
      '/mfpconsole/%2e%2e/%2e%2e/package.json',
      '/mfpconsole/static/index.html',
      '/mfpconsole/console-files.ts',
    ]) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
    const post = await fetch(`${server.url}/`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('is off in production mode unless asked for, on over HTTPS too', async () => {
    const off = await start({ emulatorOptions: { mode: 'production' } });
    expect(off.consoleUrl).toBeUndefined();
    expect((await fetch(`${off.url}/`)).status).toBe(404);
    expect((await fetch(`${off.url}/mfpconsole`)).status).toBe(404);
    expect((await api(off, 'state')).status).toBe(404);

    const on = await start({ emulatorOptions: { mode: 'production' }, console: true });
    expect((await fetch(`${on.url}/mfpconsole`)).status).toBe(200);
    const state = (await (await api(on, 'state')).json()) as { builtInClients: string[] };
    expect(state.builtInClients).toEqual(['admin', 'push']);

    const secure = await start({ https: true });
    const trusting = new Agent({ connect: { ca: secure.ca as string } });
    try {
      expect(secure.consoleUrl).toBe(`${secure.url}/mfpconsole`);
      const page = await fetch(secure.consoleUrl!, { dispatcher: trusting } as RequestInit);
      expect(page.status).toBe(200);
    } finally {
      await trusting.close();
    }

    const noConsole = await start({ console: false });
    expect((await fetch(`${noConsole.url}/`)).status).toBe(404);
    await expect(start({ console: 'yes' as never })).rejects.toThrow(
      'startDevServer: console must be true or false',
    );
  });
});

describe('the console API', () => {
  it("needs the administrator's credentials, without asking the browser for them", async () => {
    const server = await start({
      emulatorOptions: { administrator: { username: 'ops', password: 'pw' } },
    });
    for (const authorization of ['', ADMIN, 'Bearer x']) {
      const res = await api(server, 'state', undefined, authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
    expect((await api(server, 'tokens/revoke', { all: true })).status).toBe(401);
    expect((await api(server, 'state', undefined, `Basic ${btoa('ops:pw')}`)).status).toBe(200);
  });

  it('states the tokens, newest first, by ID: never a token nor a secret', async () => {
    const server = await start({
      emulatorOptions: { clients: [{ id: 'orders', secret: 'orders-s3cret', allowedScope: 'a' }] },
    });
    const first = await token(server);
    const second = await token(server, '');
    const res = await api(server, 'state');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    for (const secret of [first, second, 'orders-s3cret', 'nimda', 'hsup']) {
      expect(text).not.toContain(secret);
    }
    const state = JSON.parse(text);
    const [newest, oldest] = server.emulator.issuedTokens().reverse();
    expect(state.tokens).toEqual({
      total: 2,
      items: [
        {
          id: newest!.claims.jti,
          clientId: 'test',
          scope: ['RegisteredClient'],
          issuedAt: newest!.claims.iat,
          expiresAt: newest!.claims.exp,
          status: 'active',
        },
        expect.objectContaining({ id: oldest!.claims.jti, scope: ['accessRestricted'] }),
      ],
    });
    expect(state).toMatchObject({
      mode: 'development',
      runtime: 'mfp',
      tokenLifetime: 3599,
      beyondLoopback: false,
      adminPath: '/mfpadmin/management-apis/2.0/runtimes/mfp/confidentialclients',
      builtInClients: ['test', 'admin', 'push'],
      counters: { tokenRequests: 2, tokensIssued: 2 },
      faults: { switched: {}, queued: { token: 0, introspection: 0, push: 0 }, latency: {} },
    });
    // Both requests in the history, in one bucket or two (a five-second boundary may fall between).
    const counted = state.history.buckets.map(
      (bucket: { tokenRequests: number }) => bucket.tokenRequests,
    );
    expect(counted.reduce((a: number, b: number) => a + b, 0)).toBe(2);
  });

  it('changes clientsRevision when the client list changes, and only then', async () => {
    const server = await start();
    const revision = async () =>
      ((await (await api(server, 'state')).json()) as { clientsRevision: number }).clientsRevision;
    const before = await revision();
    expect(await revision()).toBe(before);
    server.emulator.registerClient({ id: 'new', secret: 's', allowedScope: '' });
    expect(await revision()).toBe(before + 1);
    server.emulator.registerClient({ id: 'new', secret: 'changed', allowedScope: '' });
    expect(await revision()).toBe(before + 2);
  });

  it('revokes one token or all of them', async () => {
    const server = await start();
    const first = await token(server);
    const second = await token(server);
    const [one] = server.emulator.issuedTokens();
    expect(await (await api(server, 'tokens/revoke', { id: one!.claims.jti })).json()).toEqual({
      revoked: 1,
    });
    const resource = (bearer: string) =>
      fetch(`${server.url}/mfp/api/adapters/sample/resource`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
    expect((await resource(first)).status).toBe(401);
    expect((await resource(second)).status).toBe(200);
    expect(await (await api(server, 'tokens/revoke', { all: true })).json()).toEqual({
      revoked: 1,
    });
    expect((await resource(second)).status).toBe(401);
    const state = await (await api(server, 'state')).json();
    expect(state.tokens.items.map((item: { status: string }) => item.status)).toEqual([
      'revoked',
      'revoked',
    ]);
  });

  it('switches faults and latency, moves the clock, clears push messages and counters', async () => {
    const server = await start();
    const { emulator } = server;
    expect((await api(server, 'fault', { route: 'token', fault: { kind: 'drop' } })).status).toBe(
      200,
    );
    expect(emulator.faults().switched).toEqual({ token: { kind: 'drop' } });
    await api(server, 'fault', { route: 'token', fault: null });
    expect(emulator.faults().switched).toEqual({});

    // Latency slows the emulator's routes, never the console that switches it off.
    await api(server, 'latency', { ms: 60_000 });
    expect(emulator.faults().latency).toEqual({ all: 60_000 });
    expect((await api(server, 'state')).status).toBe(200);
    await api(server, 'faults/clear', {});
    expect(emulator.faults().latency).toEqual({});

    const before = emulator.now();
    const moved = (await (await api(server, 'clock', { advance: 3_600_000 })).json()) as {
      now: number;
    };
    expect(moved.now - before).toBeGreaterThanOrEqual(3_600_000);

    const pushToken = await token(server, 'messages.write push.application.app');
    await fetch(`${server.url}/imfpush/v1/apps/app/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pushToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        message: { alert: 'Hello' },
        target: { tagNames: ['news'] },
        settings: { apns: { badge: 1 } },
      }),
    });
    const state = await (await api(server, 'state')).json();
    expect(state.push.total).toBe(1);
    expect(state.push.items[0]).toMatchObject({
      appId: 'app',
      clientId: 'test',
      alert: 'Hello',
      target: { tagNames: ['news'] },
      settings: { apns: { badge: 1 } },
      bulk: false,
    });
    await api(server, 'push/clear', {});
    expect(emulator.pushMessages()).toEqual([]);
    await api(server, 'counters/reset', {});
    expect(emulator.counters().tokenRequests).toBe(0);
  });

  it('answers 400 with the reason, 404 and 405', async () => {
    const server = await start();
    const bad = async (name: string, body: unknown) => {
      const res = await fetch(`${server.url}/mfpconsole/api/${name}`, {
        method: 'POST',
        headers: { authorization: ADMIN },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(res.status).toBe(400);
      return ((await res.json()) as { message: string }).message;
    };
    expect(await bad('fault', { route: 'token', fault: { kind: 'boom' } })).toMatch(
      /a token fault needs kind/,
    );
    expect(await bad('fault', { route: 'resource', fault: null })).toMatch(/route must be/);
    expect(await bad('fault', { route: 'token', fault: 'drop' })).toMatch(
      /fault must be an object/,
    );
    expect(await bad('latency', { ms: -1 })).toMatch(/ms must be a finite number/);
    expect(await bad('clock', { advance: 'soon' })).toBe('advance must be a number');
    expect(await bad('tokens/revoke', {})).toBe('id must be a string');
    expect(await bad('clock', '{')).toBe('the body is not valid JSON');
    expect(await bad('clock', '[]')).toBe('the body must be a JSON object');
    expect((await api(server, 'nothing', {})).status).toBe(404);
    expect((await api(server, 'clock')).status).toBe(405);
    expect((await api(server, 'state', {})).status).toBe(405);
  });

  it('tells the page when the server listens beyond loopback', async () => {
    const server = await start({ host: '0.0.0.0' });
    expect(server.loopbackOnly).toBe(false);
    const res = await fetch(`http://127.0.0.1:${server.port}/mfpconsole/api/state`, {
      headers: { authorization: ADMIN },
    });
    expect(((await res.json()) as { beyondLoopback: boolean }).beyondLoopback).toBe(true);
  });
});
