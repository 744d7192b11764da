import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, OTHER_SECRETS, SECRET, useCliServer } from './cli-harness.js';
import { runCli } from './in-process.js';

const dev = useCliServer();
const work = mkdtempSync(join(tmpdir(), 'cli-credentials-'));

describe('where the server and credentials come from', () => {
  it.each([
    [
      { MFP_SERVER_URL: 'http://127.0.0.1:9', MFP_CLIENT_SECRET: SECRET },
      'no client ID: pass --client-id or set MFP_CLIENT_ID',
    ],
    [
      { MFP_SERVER_URL: 'http://127.0.0.1:9', MFP_CLIENT_ID: 'backend' },
      'no client secret: set MFP_CLIENT_SECRET, pipe it to --client-secret-stdin, or name an --env-file that sets it',
    ],
    [
      { MFP_CLIENT_ID: 'backend', MFP_CLIENT_SECRET: SECRET },
      'no server: pass --server-url (or set MFP_SERVER_URL), or --token-url (MFP_TOKEN_URL)',
    ],
    [
      {
        MFP_SERVER_URL: 'http://127.0.0.1:9',
        MFP_TOKEN_URL: 'http://127.0.0.1:9/t',
        MFP_CLIENT_ID: 'b',
        MFP_CLIENT_SECRET: SECRET,
      },
      'MFP_SERVER_URL and MFP_TOKEN_URL are both set',
    ],
    [
      { MFP_SERVER_URL: 'http://mfp.example.com', MFP_CLIENT_ID: 'b', MFP_CLIENT_SECRET: SECRET },
      '--server-url (MFP_SERVER_URL) uses http: on mfp.example.com, which would send the client secret in clear; use https:, or pass --allow-insecure-http',
    ],
    [
      { MFP_SERVER_URL: 'mfp.example.com', MFP_CLIENT_ID: 'b', MFP_CLIENT_SECRET: SECRET },
      '--server-url (MFP_SERVER_URL) has no scheme',
    ],
  ])('exits 2 for %j, saying what to set', async (env, message) => {
    const run = await runCli(['token'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it.each([
    [
      ['--server-url', 'http://a', '--token-url', 'http://b'],
      '--server-url and --token-url exclude each other',
    ],
    [
      ['--token-url', 'http://127.0.0.1:9/t', '--runtime', 'x'],
      '--runtime goes with --server-url, not with --token-url',
    ],
    [
      ['--client-secret', 'x', '--client-secret-stdin'],
      '--client-secret and --client-secret-stdin exclude each other',
    ],
    [
      ['--env-file', join(work, 'missing.env')],
      `--env-file "${join(work, 'missing.env')}" cannot be read (ENOENT)`,
    ],
  ])('exits 2 for %j', async (flags, message) => {
    const run = await runCli(['token', ...flags], { env: dev.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('takes --token-url, ignoring MFP_SERVER_URL and MFP_RUNTIME', async () => {
    const run = await runCli(['token', '--token-url', `${dev.url}/mfp/api/az/v1/token`], {
      env: { ...dev.env, MFP_SERVER_URL: 'http://127.0.0.1:9', MFP_RUNTIME: 'other' },
    });
    expect(run.code).toBe(0);
  });

  it('takes MFP_RUNTIME from the environment, and --runtime over it', async () => {
    expect((await runCli(['token'], { env: { ...dev.env, MFP_RUNTIME: 'other' } })).code).toBe(1);
    expect(
      (await runCli(['token', '--runtime', 'mfp'], { env: { ...dev.env, MFP_RUNTIME: 'other' } }))
        .code,
    ).toBe(0);
  });

  it('takes flags over the environment: --client-id and --server-url', async () => {
    const run = await runCli(['token', '--server-url', dev.url, '--client-id', 'backend'], {
      env: {
        MFP_SERVER_URL: 'http://127.0.0.1:9',
        MFP_CLIENT_ID: 'nobody',
        MFP_CLIENT_SECRET: SECRET,
      },
    });
    expect(run.code).toBe(0);
  });

  it('reads an --env-file with comments and quotes; an empty variable counts as unset', async () => {
    const file = join(work, 'quoted.env');
    writeFileSync(
      file,
      `# comment\nMFP_SERVER_URL='${dev.url}'\nMFP_CLIENT_ID="backend"\nMFP_CLIENT_SECRET=${SECRET} # trailing\n`,
    );
    const run = await runCli(['token', '--env-file', file], { env: { MFP_CLIENT_ID: '' } });
    expect(run.code).toBe(0);
  });

  it('refuses --env-file clearly on a Node without util.parseEnv (< 20.12)', async () => {
    const util = createRequire(import.meta.url)('node:util') as { parseEnv?: unknown };
    const parseEnv = util.parseEnv;
    util.parseEnv = undefined;
    syncBuiltinESMExports();
    try {
      const run = await runCli(['token', '--env-file', join(work, 'quoted.env')], { env: dev.env });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--env-file needs Node 20.12 or later (util.parseEnv)');
    } finally {
      util.parseEnv = parseEnv;
      syncBuiltinESMExports();
    }
  });

  it('strips the line break of a secret from standard input', async () => {
    const run = await runCli(['token', '--client-secret-stdin'], {
      env: { ...dev.env, MFP_CLIENT_SECRET: '' },
      stdin: `${SECRET}\r\n`,
    });
    expect(run.code).toBe(0);
  });
});

describe('administrator credentials', () => {
  it.each([
    [
      { MFP_SERVER_URL: 'http://127.0.0.1:9', MFP_ADMIN_PASSWORD: ADMIN_PASSWORD },
      'no administrator: pass --admin-user or set MFP_ADMIN_USER',
    ],
    [
      { MFP_SERVER_URL: 'http://127.0.0.1:9', MFP_ADMIN_USER: 'admin' },
      'no admin password: set MFP_ADMIN_PASSWORD, pipe it to --admin-password-stdin',
    ],
    [
      { MFP_ADMIN_USER: 'admin', MFP_ADMIN_PASSWORD: ADMIN_PASSWORD },
      'no server: pass --server-url or set MFP_SERVER_URL',
    ],
  ])('exits 2 for %j', async (env, message) => {
    const run = await runCli(['clients', 'list'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('reads the password from --admin-password-stdin, and the user from --admin-user', async () => {
    const run = await runCli(
      ['clients', 'get', 'backend', '--admin-user', 'admin', '--admin-password-stdin'],
      {
        env: { MFP_SERVER_URL: dev.url, MFP_ADMIN_PASSWORD: OTHER_SECRETS[1] },
        stdin: ADMIN_PASSWORD,
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^backend +backend +\*$/m);
  });

  it('warns when the admin password or a client secret is an argument', async () => {
    const run = await runCli(
      [
        'clients',
        'add',
        '--id',
        'warned',
        '--scope',
        'a',
        '--secret',
        OTHER_SECRETS[0],
        '--admin-password',
        ADMIN_PASSWORD,
      ],
      { env: { ...dev.env, MFP_ADMIN_PASSWORD: '' } },
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning: --secret puts the secret in the process list');
    expect(run.stderr).toContain(
      'warning: --admin-password puts the admin password in the process list',
    );
  });
});
