/**
 * The program itself, spawned: `--version`, `--help`, where the credentials come from. Part of
 * bin.e2e.test.ts (in-process cases: ../program.test.ts and ../credentials.test.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binKind, cli, OTHER_SECRETS, SECRET, useCliServer } from '../cli-harness.js';

const dev = useCliServer();
const work = mkdtempSync(join(tmpdir(), 'cli-program-'));
const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe.concurrent(`confidential-client (${binKind})`, () => {
  it('prints the version of package.json with --version', async () => {
    const run = await cli(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('lists every command with --help', async () => {
    const run = await cli(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['token', 'fetch', 'push', 'introspect', 'clients', 'dev-server']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    }
  });

  it('reads the credentials from --env-file; the environment wins over the file', async () => {
    const file = join(work, 'mfp.env');
    writeFileSync(
      file,
      `# the CLI's test\nMFP_SERVER_URL=${dev.url}\nMFP_CLIENT_ID=backend\nMFP_CLIENT_SECRET="${SECRET}"\n`,
    );
    expect((await cli(['token', '--env-file', file])).code).toBe(0);
    const overridden = await cli(['token', '--env-file', file], {
      env: { MFP_CLIENT_SECRET: OTHER_SECRETS[1] },
    });
    expect(overridden.code).toBe(3);
  });

  it('takes the secret from --client-secret-stdin over the environment; flags win', async () => {
    const run = await cli(['token', '--server-url', dev.url, '--client-secret-stdin'], {
      env: {
        MFP_SERVER_URL: 'http://127.0.0.1:9',
        MFP_CLIENT_ID: 'backend',
        MFP_CLIENT_SECRET: OTHER_SECRETS[1],
      },
      stdin: `${SECRET}\n`,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('prints no colour when stdout and stderr are not terminals', async () => {
    const run = await cli(['token', '--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('\u001b[');
  });
});
