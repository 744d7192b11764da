import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';

function fakeIo() {
  const out: string[] = [];
  const err: string[] = [];
  let stop: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stop = resolve;
  });
  let started: () => void = () => {};
  const listening = new Promise<void>((resolve) => {
    started = resolve;
  });
  const io: CliIo = {
    out: (line) => {
      out.push(line);
      if (line.startsWith('Press Ctrl+C')) started();
    },
    err: (line) => err.push(line),
    untilShutdown: () => stopped,
  };
  return { io, out, err, stop, listening };
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

  it.each(['127.0.0.1', 'localhost', '::1'])('does not warn on loopback host %s', async (host) => {
    const { io, err, stop, listening } = fakeIo();
    const exit = run(['dev-server', '--port', '0', '--host', host], io);
    await listening;
    expect(err.join('\n')).not.toContain('WARNING');
    stop('SIGINT');
    expect(await exit).toBe(0);
  });

  it('prints its help with --help and exits 0', async () => {
    const { io, out } = fakeIo();
    expect(await run(['dev-server', '--help'], io)).toBe(0);
    expect(out.join('\n')).toContain('--mode <mode>');
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
