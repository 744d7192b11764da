/** `fetch`, spawned: part of bin.e2e.test.ts (in-process cases: ../fetch.test.ts). */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, closedPort, NARROW_SECRET, useCliServer } from '../cli-harness.js';
import { useEchoServer } from '../echo-server.js';

const dev = useCliServer();
beforeAll(() => {
  dev.server.emulator.protect('/mfp/api/adapters/orders', { scope: 'orders.read' });
});
const sample = () => `${dev.url}/mfp/api/adapters/sample/resource`;

const echo = useEchoServer();
const work = mkdtempSync(join(tmpdir(), 'cli-fetch-'));

describe.concurrent('confidential-client fetch', () => {
  it('says with -v what it sends and receives, the step-up and its token requests', async () => {
    const run = await cli(['fetch', '-v', sample()], { env: dev.env });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`> GET ${sample()}`);
    expect(run.stderr).toMatch(/\* token request to \S+, scope none/);
    expect(run.stderr).toMatch(
      /403 insufficient_scope from \S+: replaying with scope "RegisteredClient accessRestricted"/,
    );
    expect(run.stderr).toContain('< HTTP/1.1 200 OK');
    expect(run.stderr).toContain('* 2 token requests, 1 replay after 403 insufficient_scope');
    expect(JSON.parse(run.stdout)).toMatchObject({ clientId: 'backend' });
  });

  it('prints the status line and headers with -i', async () => {
    const run = await cli(['fetch', '-i', sample()], { env: dev.env });
    expect(run.code).toBe(0);
    const [head = '', body = ''] = run.stdout.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain('content-type: application/json');
    expect(JSON.parse(body)).toMatchObject({ clientId: 'backend' });
  });

  it('sends -X, -H and --data-binary @file, and writes the body binary-safe to stdout', async () => {
    const bytes = randomBytes(70_000);
    const file = join(work, 'body.bin');
    writeFileSync(file, bytes);
    const run = await cli(
      [
        'fetch',
        '-X',
        'PUT',
        '-H',
        'Content-Type: application/octet-stream',
        '--data-binary',
        `@${file}`,
        `${echo.url}/echo`,
      ],
      { env: dev.env },
    );
    expect(run.code).toBe(0);
    expect(run.bytes.equals(bytes)).toBe(true);
  });

  it('exits 1 on a 404 with --fail, printing no body', async () => {
    const run = await cli(['fetch', '--fail', `${echo.url}/missing`], { env: dev.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${echo.url}/missing answered 404 Not Found`);
  });

  it('exits 3 when the resource needs a scope the client may not have', async () => {
    const run = await cli(
      [
        'fetch',
        '--client-id',
        'narrow',
        '--client-secret-stdin',
        `${dev.url}/mfp/api/adapters/orders/list`,
      ],
      {
        env: dev.env,
        stdin: NARROW_SECRET,
      },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/orders\/list requires scope "RegisteredClient orders\.read"/);
  });

  it('exits 4 when the resource cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/x`;
    const run = await cli(['fetch', url], { env: dev.env });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/could not reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });

  it('exits 2 for a URL that is not one', async () => {
    const run = await cli(['fetch', 'mfp.example.com/x'], { env: dev.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'is neither an absolute URL (https://mfp.example.com/path) nor a path on the server (/path)',
    );
  });
});
