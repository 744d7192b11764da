import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCliServer, useCliServer } from './cli-harness.js';
import { useEchoServer } from './echo-server.js';
import { runCli } from './in-process.js';

const dev = useCliServer();
const echo = useEchoServer();
const sample = () => `${dev.url}/mfp/api/adapters/sample/resource`;
const work = mkdtempSync(join(tmpdir(), 'cli-fetch-'));

describe.concurrent('confidential-client fetch (in-process)', () => {
  it('discovers the scope from the 403, replays, and prints only the body', async () => {
    const run = await runCli(['fetch', sample()], { env: dev.env });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      clientId: 'backend',
      scope: 'RegisteredClient accessRestricted',
    });
    expect(run.stderr).toBe('');
  });
  it('gets a new token and replays once after a 401, and says so with -v', async () => {
    const run = await runCli(['fetch', '-v', `${echo.url}/once-401/a`], { env: dev.env });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/401 from \S+: replaying once with a new token/);
    expect(run.stderr).toContain('1 replay after 401');
  });
  it('sends form data with -d, joined with &, and a token to the origin it names', async () => {
    const run = await runCli(
      ['fetch', '-i', '-d', 'a=1', '-d', 'b=two words', `${echo.url}/form`],
      {
        env: dev.env,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('x-method: POST');
    expect(run.stdout).toContain('x-content-type: application/x-www-form-urlencoded');
    expect(run.stdout).toContain('x-bearer: true');
    expect(run.stdout.endsWith('\r\n\r\na=1&b=two words')).toBe(true);
  });
  it('sends --json from stdin with its Content-Type and Accept', async () => {
    const run = await runCli(['fetch', '-i', '--json', '@-', `${echo.url}/json`], {
      env: dev.env,
      stdin: '{"n":1}',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('x-content-type: application/json');
    expect(run.stdout).toContain('x-accept: application/json');
    expect(run.stdout.endsWith('{"n":1}')).toBe(true);
  });
  it('writes the body to a file with -o', async () => {
    const file = join(work, 'out.json');
    const run = await runCli(['fetch', '-o', file, sample()], { env: dev.env });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ clientId: 'backend' });
  });
  it('prints a 404 and exits 0 without --fail, as curl does', async () => {
    const run = await runCli(['fetch', `${echo.url}/missing`], { env: dev.env });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('no such thing');
  });

  it("appends a /path to the server URL, or puts it on the token URL's origin", async () => {
    const path = '/mfp/api/adapters/sample/resource';
    const onServer = await runCli(['fetch', path], {
      env: { ...dev.env, MFP_SERVER_URL: `${dev.url}/` },
    });
    expect(onServer.code).toBe(0);
    expect(JSON.parse(onServer.stdout)).toMatchObject({ path });
    const onTokenUrl = await runCli(
      ['fetch', path, '--token-url', `${dev.url}/mfp/api/az/v1/token`],
      {
        env: dev.env,
      },
    );
    expect(onTokenUrl.code).toBe(0);
    const bad = await runCli(['fetch', path], { env: { ...dev.env, MFP_SERVER_URL: 'not a url' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is a path on the server, but the server URL is not a URL');
  });

  it('gives up after -m seconds, token and replay included, and exits 4', async () => {
    const served = await startCliServer();
    try {
      served.server.emulator.setLatency(2_000, 'resource');
      const run = await runCli(['fetch', '-m', '0.3', '/mfp/api/adapters/sample/resource'], {
        env: served.env,
      });
      expect(run.code).toBe(4);
      expect(run.stderr).toContain('timed out after 300 ms');
    } finally {
      await served.close();
    }
  });

  it('sends -d @file without its line breaks, as curl does', async () => {
    const file = join(work, 'form.txt');
    writeFileSync(file, 'a=1\r\n&b=2\n');
    const run = await runCli(['fetch', '-d', `@${file}`, `${echo.url}/form-file`], {
      env: dev.env,
    });
    expect(run.stdout).toBe('a=1&b=2');
  });

  it("sends the caller's own Authorization header instead of a token, and -v says so", async () => {
    const run = await runCli(
      ['fetch', '-v', '-i', '-H', 'Authorization: Basic eDp5', `${echo.url}/own`],
      { env: dev.env },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('x-bearer: false');
    expect(run.stderr).toContain('> authorization: [redacted]');
    expect(run.stderr).toContain('your Authorization header is sent: no token is attached');
  });
});
