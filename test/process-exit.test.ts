import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

/** Runs `body` in a child Node process (through tsx), as ESM or CommonJS. */
async function child(kind: 'esm' | 'cjs', body: string) {
  const load =
    kind === 'esm'
      ? "import { ConfidentialClient } from './src/index.ts';"
      : "const { ConfidentialClient } = require('./src/index.ts');";
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        `--input-type=${kind === 'esm' ? 'module' : 'commonjs'}`,
        '-e',
        `${load}\n${body}`,
      ],
      { cwd: root, timeout: 20_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let unavailable: Server;
let unavailableUrl: string;
let closedUrl: string;

beforeAll(async () => {
  // 503 + Retry-After: 1 to every request, from this process: it cannot keep the child alive.
  unavailable = createServer((req, res) => {
    req.resume();
    res.writeHead(503, { 'retry-after': '1', connection: 'close' }).end();
  });
  await new Promise<void>((resolve) => unavailable.listen(0, '127.0.0.1', resolve));
  unavailableUrl = `http://127.0.0.1:${(unavailable.address() as AddressInfo).port}/token`;
  // A port nobody listens on: connections are refused.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/token`;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(() => new Promise((resolve) => unavailable.close(resolve)));

describe('a script that awaits a token', () => {
  const cases = [
    ['esm', 'down', () => closedUrl, 'NetworkError'],
    ['cjs', 'down', () => closedUrl, 'NetworkError'],
    ['esm', 'answering 503 + Retry-After', () => unavailableUrl, 'TokenRequestError'],
    ['cjs', 'answering 503 + Retry-After', () => unavailableUrl, 'TokenRequestError'],
  ] as const;

  it.each(cases)(
    '%s, token endpoint %s: waits, prints the typed error and exits non-zero',
    async (kind, _what, url, name) => {
      const options = `{ tokenUrl: ${JSON.stringify(url())}, clientId: 'a', clientSecret: 'b', retry: { retries: 2, minTimeout: 50 } }`;
      const script =
        kind === 'esm'
          ? `const client = new ConfidentialClient(${options});
             try { await client.getToken(); console.log('got a token?'); }
             catch (error) { console.error('caught', error.name); process.exitCode = 1; }`
          : `const client = new ConfidentialClient(${options});
             client.fetch(new URL('/resource', client.tokenUrl)).then(
               () => console.log('got a response?'),
               (error) => { console.error('caught', error.name); process.exitCode = 1; });`;
      const result = await child(kind, script);
      expect(result.stderr).toContain(`caught ${name}`);
      expect(result.code).toBe(1);
    },
    30_000,
  );

  it('a process that forgets close() still exits by itself: refresh timers are unref’d', async () => {
    const script = `
      import { createServer } from 'node:http';
      const server = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
          res.end(JSON.stringify({ access_token: 'x', token_type: 'Bearer', expires_in: 3600 }));
        });
      });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const client = new ConfidentialClient({
        tokenUrl: 'http://127.0.0.1:' + server.address().port + '/token',
        clientId: 'a', clientSecret: 'b', refresh: { autoRefresh: true },
      });
      await client.getToken();
      server.close();
      console.log('done, not closing the client');
    `;
    const started = Date.now();
    const result = await child('esm', script);
    expect(result.stdout).toContain('done, not closing the client');
    expect(result.code).toBe(0);
    // An autoRefresh timer that held the process would keep it alive for ~55 minutes.
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
