import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { fakeIo } from '../cli/fake-io.js';

/** Runs the dev server until `body` is done, then stops it; returns its base URL to `body`. */
async function withDevServer(
  flags: string[],
  body: (url: string, out: string) => Promise<void>,
): Promise<void> {
  const { io, out, err, stop, listening } = fakeIo();
  const exit = run(['dev-server', '--port', '0', ...flags], io);
  await Promise.race([listening, exit.then(() => expect.fail(err.join('\n')))]);
  const url = /listening on (\S+)/.exec(out[0] ?? '')?.[1] ?? '';
  try {
    await body(url, out.join('\n'));
  } finally {
    stop('SIGINT');
    expect(await exit).toBe(0);
  }
}

function requestToken(url: string, id: string, secret: string, scope?: string, path = '/mfp') {
  return fetch(`${url}${path}/api/az/v1/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${id}:${secret}`)}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
  });
}

describe('confidential-client dev-server', () => {
  it('serves until shut down, printing its URL', async () => {
    const { io, out, err, stop, listening } = fakeIo();
    const exit = run(['dev-server', '--port', '0', '--mode', 'development'], io);
    await listening;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out[0] ?? '')?.[1];
    expect(url).toBeDefined();
    const res = await fetch(`${url}/mfp/api/az/v1/token`, {
      method: 'POST',
      headers: { authorization: 'Basic dGVzdDp0ZXN0' },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(res.status).toBe(200);
    stop('SIGTERM');
    expect(await exit).toBe(0);
    expect(err).toContain('Stopped (SIGTERM).');
    await expect(fetch(`${url}/`)).rejects.toThrow(TypeError);
  });

  it('runs in production mode without the test client', async () => {
    const { io, out, stop, listening } = fakeIo();
    const exit = run(['dev-server', '--port=0', '--mode=production'], io);
    await listening;
    const url = /listening on (\S+)/.exec(out[0] ?? '')?.[1];
    const res = await fetch(`${url}/mfp/api/az/v1/token`, {
      method: 'POST',
      headers: { authorization: 'Basic dGVzdDp0ZXN0' },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    });
    expect(res.status).toBe(400);
    expect(out.join('\n')).not.toContain('curl -u test:test');
    stop('SIGINT');
    expect(await exit).toBe(0);
  });

  it.each([
    [['dev-server', '--port', 'abc'], /--port must be/],
    [['dev-server', '--port', '70000'], /--port must be/],
    [['dev-server', '--mode', 'staging'], /--mode must be/],
    [['dev-server', '--bogus'], /bogus/],
    [['dev-server', 'extra'], /extra/],
    [['dev-server', '--host', ''], /--host must be/],
    [['dev-server', '--host', '  '], /--host must be/],
    [['dev-server', '--host='], /--host must be/],
  ])('exits 2 with help for %j', async (argv, message) => {
    const { io, err } = fakeIo();
    expect(await run(argv, io)).toBe(2);
    expect(err.join('\n')).toMatch(message);
    expect(err.join('\n')).toContain('Usage: confidential-client dev-server');
  });

  it('warns that secrets are exposed when listening beyond loopback', async () => {
    const { io, out, err, stop, listening } = fakeIo();
    const exit = run(['dev-server', '--port', '0', '--host', '0.0.0.0'], io);
    await listening;
    expect(out[0]).toMatch(/listening on http:\/\/0\.0\.0\.0:\d+/);
    const warning = err.join('\n');
    expect(warning).toContain('WARNING');
    expect(warning).toMatch(/secrets? in clear text/);
    expect(warning).toContain('public');
    stop('SIGINT');
    expect(await exit).toBe(0);
  });

  it.each(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1'])(
    'does not warn on loopback host %s',
    async (host) => {
      const { io, err, stop, listening } = fakeIo();
      const exit = run(['dev-server', '--port', '0', '--host', host], io);
      await listening;
      expect(err.join('\n')).not.toContain('WARNING');
      stop('SIGINT');
      expect(await exit).toBe(0);
    },
  );

  it('prints one JSON document with --json: URL, endpoints and clients, never a secret', async () => {
    const { io, out, stop, listening } = fakeIo();
    const exit = run(
      ['dev-server', '--port', '0', '--json', '--client', 'orders:pssst:orders.*'],
      io,
    );
    await listening;
    const doc = JSON.parse(out.join('\n')) as Record<string, unknown>;
    expect(doc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(doc).toMatchObject({
      mode: 'development',
      tokenEndpoint: `${doc.url}/mfp/api/az/v1/token`,
      console: `${doc.url}/mfpconsole`,
      tokenLifetime: 3599,
    });
    expect(doc.clients).toContainEqual({ id: 'orders', allowedScope: 'orders.*' });
    expect(out.join('\n')).not.toContain('pssst');
    stop('SIGINT');
    expect(await exit).toBe(0);
  });

  it('serves the console page and prints its URL, in development mode or with --console', async () => {
    await withDevServer([], async (url, out) => {
      expect(out).toContain(`console          ${url}/mfpconsole`);
      expect((await fetch(`${url}/mfpconsole`)).status).toBe(200);
    });
    await withDevServer(['--no-console'], async (url, out) => {
      expect(out).not.toContain('/mfpconsole');
      expect((await fetch(`${url}/mfpconsole`)).status).toBe(404);
    });
    await withDevServer(['--mode', 'production'], async (url, out) => {
      expect(out).not.toContain('/mfpconsole');
      expect((await fetch(`${url}/`)).status).toBe(404);
    });
    await withDevServer(['--mode', 'production', '--console'], async (url, out) => {
      expect(out).toContain(`${url}/mfpconsole`);
      expect((await fetch(`${url}/`)).status).toBe(200);
    });
    const { io, err } = fakeIo();
    expect(await run(['dev-server', '--console', '--no-console'], io)).toBe(2);
    expect(err.join('\n')).toContain('use either --console or --no-console, not both');
  });

  it('prints its help with --help and exits 0', async () => {
    const { io, out } = fakeIo();
    expect(await run(['dev-server', '--help'], io)).toBe(0);
    const help = out.join('\n');
    for (const flag of [
      '--mode <mode>',
      '--client <id:secret:allowedScope>',
      '--token-lifetime <s>',
      '--invalid-client-status <400|401>',
      '--runtime <name>',
      '--no-admin-client',
      '--no-push-client',
      '--no-sample-resource',
    ]) {
      expect(help).toContain(flag);
    }
  });
});

describe('confidential-client dev-server emulator flags', () => {
  it('registers a --client that gets tokens within its allowed scope', async () => {
    await withDevServer(
      ['--client', 'orders:pssst:orders.* push:send', '--client', 'bare:pw:'],
      async (url, out) => {
        const granted = await requestToken(url, 'orders', 'pssst', 'orders.read push:send');
        expect(granted.status).toBe(200);
        expect(await granted.json()).toMatchObject({ scope: 'orders.read push:send' });
        const refused = await requestToken(url, 'orders', 'pssst', 'accessRestricted');
        expect(refused.status).toBe(400);
        expect(await refused.json()).toMatchObject({ error: 'invalid_scope' });
        expect((await requestToken(url, 'orders', 'wrong')).status).toBe(400);
        expect((await requestToken(url, 'bare', 'pw')).status).toBe(200);
        expect((await requestToken(url, 'bare', 'pw', 'orders.read')).status).toBe(400);

        expect(out).toMatch(/^ {2}orders +allowed scope: orders\.\* push:send$/m);
        expect(out).toMatch(/^ {2}bare +allowed scope: \(none: RegisteredClient only\)$/m);
        expect(out).toMatch(/^ {2}test +allowed scope: \*$/m);
        expect(out).not.toContain('pssst');
      },
    );
  });

  it('replaces a predefined client with a --client of the same ID', async () => {
    await withDevServer(['--client', 'test:other:accessRestricted'], async (url, out) => {
      expect((await requestToken(url, 'test', 'test')).status).toBe(400);
      expect((await requestToken(url, 'test', 'other', 'accessRestricted')).status).toBe(200);
      expect(out).not.toContain('curl -u test:test');
    });
  });

  it('issues tokens with the --token-lifetime as expires_in, and prints it', async () => {
    await withDevServer(['--token-lifetime', '60'], async (url, out) => {
      const res = await requestToken(url, 'test', 'test');
      expect(await res.json()).toMatchObject({ expires_in: 60 });
      expect(out).toContain('Access tokens live 60 s');
    });
  });

  it('answers invalid_client with --invalid-client-status 401', async () => {
    await withDevServer(['--invalid-client-status', '401'], async (url) => {
      const res = await requestToken(url, 'test', 'wrong');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    });
  });

  it('serves another --runtime and leaves out what --no-* flags name', async () => {
    await withDevServer(
      ['--runtime', 'custom', '--no-admin-client', '--no-push-client', '--no-sample-resource'],
      async (url, out) => {
        expect((await requestToken(url, 'test', 'test', undefined, '/custom')).status).toBe(200);
        expect((await requestToken(url, 'test', 'test')).status).toBe(404);
        expect((await requestToken(url, 'admin', 'nimda', undefined, '/custom')).status).toBe(400);
        expect((await requestToken(url, 'push', 'hsup', undefined, '/custom')).status).toBe(400);
        expect((await fetch(`${url}/custom/api/adapters/sample/resource`)).status).toBe(404);
        expect(out).toContain(`${url}/custom/api/az/v1/token`);
        expect(out).not.toContain('sample resource');
        expect(out).not.toMatch(/^ {2}(admin|push) +allowed scope/m);
        expect(out).toMatch(/^ {2}test +allowed scope/m);
      },
    );
  });

  it.each([
    [['--client', 'backend'], /--client "backend" must be id:secret:allowedScope/],
    [['--client', 'backend:topsecret'], /--client "backend:…" must be id:secret:allowedScope/],
    [['--client', ':pssst:x'], /--client ":…": id must be a non-empty string/],
    [['--client', 'backend::x'], /--client "backend:…": secret must be a non-empty string/],
    [['--client', 'bäckend:pssst:x'], /--client "bäckend:…": id must be .*ASCII/],
    [['--client', 'backend:pssst:ß'], /--client "backend:…": allowedScope must be/],
    [['--client', 'a:pssst:', '--client', 'a:t:x'], /--client: client id "a" is repeated/],
    [
      ['--token-lifetime', '0'],
      /--token-lifetime must be an integer number of seconds ≥ 1, got "0"/,
    ],
    [['--token-lifetime', '1.5'], /--token-lifetime must be .*, got "1\.5"/],
    [['--token-lifetime', '1e3'], /--token-lifetime must be .*, got "1e3"/],
    [['--token-lifetime', ''], /--token-lifetime must be/],
    [['--invalid-client-status', '403'], /--invalid-client-status must be 400 or 401, got "403"/],
    [['--runtime', 'a/b'], /--runtime must be a path segment .*, got "a\/b"/],
    [['--runtime', ''], /--runtime must be/],
    [['--no-admin-client=yes'], /no-admin-client/],
  ])('exits 2 naming the flag for %j, without the secret or a stack', async (flags, message) => {
    const { io, err } = fakeIo();
    expect(await run(['dev-server', '--port', '0', ...flags], io)).toBe(2);
    const text = err.join('\n');
    expect(text).toMatch(message);
    expect(text).toContain('Usage: confidential-client dev-server');
    expect(text).not.toContain('pssst');
    expect(text).not.toContain('topsecret');
    expect(text).not.toMatch(/^\s+at /m);
  });
});

describe('confidential-client', () => {
  it('lists commands with --help', async () => {
    const { io, out } = fakeIo();
    expect(await run(['--help'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/dev-server\s+serve an emulated MobileFirst server/);
  });

  it('exits 2 without a command or with an unknown one', async () => {
    const { io, err } = fakeIo();
    expect(await run([], io)).toBe(2);
    expect(await run(['frobnicate'], io)).toBe(2);
    expect(err.join('\n')).toContain('unknown command "frobnicate"');
  });

  it('exits 1 when the port is taken', async () => {
    const first = fakeIo();
    const exit = run(['dev-server', '--port', '0'], first.io);
    await first.listening;
    const port = /:(\d+)$/.exec(/listening on (\S+)/.exec(first.out[0] ?? '')?.[1] ?? '')?.[1];
    const second = fakeIo();
    expect(await run(['dev-server', '--port', port ?? ''], second.io)).toBe(1);
    expect(second.err.join('\n')).toContain('EADDRINUSE');
    first.stop('SIGINT');
    await exit;
  });
});
