import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { startDevServer } from '../../src/dev-server/index.js';
import { cli } from '../cli/cli-harness.js';
import { fakeIo } from '../cli/fake-io.js';
import { makeCa, makeServerCert } from '../helpers/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'cc-dev-server-https-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `dev-server --port 0 …flags` until `body` is done; gives it the URL and the output. */
async function withDevServer(
  flags: string[],
  body: (url: string, out: string) => Promise<void>,
): Promise<void> {
  const { io, out, err, stop, listening } = fakeIo();
  const exit = run(['dev-server', '--port', '0', ...flags], io);
  await Promise.race([listening, exit.then(() => expect.fail(err.join('\n')))]);
  const text = out.join('\n');
  const url = /listening on (\S+)/.exec(text)?.[1] ?? (JSON.parse(text) as { url: string }).url;
  try {
    await body(url, text);
  } finally {
    stop('SIGINT');
    expect(await exit).toBe(0);
  }
}

async function tokenStatus(url: string, ca: string): Promise<number> {
  const dispatcher = new Agent({ connect: { ca } });
  try {
    const response = await fetch(`${url}/mfp/api/az/v1/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa('test:test')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
      dispatcher,
    } as RequestInit);
    return response.status;
  } finally {
    await dispatcher.close();
  }
}

describe('confidential-client dev-server --https', () => {
  it('serves HTTPS with a CA made at start, written by --ca-out for clients to trust', async () => {
    const caOut = join(dir, 'ca.pem');
    await withDevServer(['--https', '--ca-out', caOut], async (url, out) => {
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(out).toContain(`written to ${caOut}: trust it with NODE_EXTRA_CA_CERTS=${caOut}`);
      expect(out).toContain(`curl --cacert ${caOut} -u test:test`);
      expect(await tokenStatus(url, readFileSync(caOut, 'utf8'))).toBe(200);
    });
  });

  it('says how to get the CA without --ca-out, and puts it in the --json document', async () => {
    await withDevServer(['--https'], async (_url, out) => {
      expect(out).toContain('pass --ca-out <file>');
    });
    await withDevServer(['--https', '--json'], async (url, out) => {
      const { ca } = JSON.parse(out) as { ca: string };
      expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
      expect(await tokenStatus(url, ca)).toBe(200);
    });
  });

  it('serves a certificate and key from --cert and --key', async () => {
    const ca = await makeCa();
    const leaf = await makeServerCert(ca);
    writeFileSync(join(dir, 'cert.pem'), leaf.cert);
    writeFileSync(join(dir, 'key.pem'), leaf.key);
    const flags = ['--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem')];
    await withDevServer(flags, async (url, out) => {
      expect(url).toMatch(/^https:/);
      expect(out).not.toContain('CA made at start');
      expect(await tokenStatus(url, ca.cert)).toBe(200);
    });
  });

  it.each([
    [['--cert', 'cert.pem'], /--cert and --key go together/],
    [['--ca-out', 'ca.pem'], /--ca-out needs --https/],
    [['--https', '--cert', 'c.pem', '--key', 'k.pem'], /pass either/],
    [
      ['--cert', '/nonexistent/c.pem', '--key', '/nonexistent/k.pem'],
      /--cert: cannot read .*ENOENT/,
    ],
  ])('exits 2 for %j', async (flags, message) => {
    const { io, err } = fakeIo();
    expect(await run(['dev-server', '--port', '0', ...flags], io)).toBe(2);
    expect(err.join('\n')).toMatch(message);
  });

  it('exits 1 when --ca-out cannot be written, and stops the server', async () => {
    const { io, err } = fakeIo();
    const caOut = join(dir, 'missing-dir', 'ca.pem');
    expect(await run(['dev-server', '--port', '0', '--https', '--ca-out', caOut], io)).toBe(1);
    expect(err.join('\n')).toContain(`--ca-out: cannot write ${caOut} (ENOENT)`);
  });
});

describe('confidential-client token against an HTTPS server with a private CA', () => {
  it('fails with exit 4 saying to pass the CA, and works with NODE_EXTRA_CA_CERTS', async () => {
    await using server = await startDevServer({ https: true });
    const caFile = join(dir, 'token-ca.pem');
    writeFileSync(caFile, server.ca as string);
    const env = { MFP_SERVER_URL: server.url, MFP_CLIENT_ID: 'test', MFP_CLIENT_SECRET: 'test' };

    const untrusted = await cli(['token'], { env });
    expect(untrusted.code).toBe(4);
    expect(untrusted.stderr).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(untrusted.stderr).toContain('NODE_EXTRA_CA_CERTS');

    const trusted = await cli(['token'], { env: { ...env, NODE_EXTRA_CA_CERTS: caFile } });
    expect(trusted.stderr).toBe('');
    expect(trusted.code).toBe(0);
    expect(trusted.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/); // the JWT alone
    expect(server.emulator.counters().tokenRequests).toBe(1);
  });
});
