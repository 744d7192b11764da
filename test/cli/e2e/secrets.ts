/**
 * Part of bin.e2e.test.ts. No output of the bin holds the client secret or the admin password, in any mode. `cli()` and
 * `runCli()` check stdout and stderr of every run of the suite; this file and secrets.test.ts add
 * the runs most likely to leak: every command with the secrets given each way (argument, stdin,
 * environment, env file), verbose and JSON, succeeding and failing, and a token endpoint that
 * echoes the credentials back.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, cli, OTHER_SECRETS, SECRET, useCliServer } from '../cli-harness.js';
import { useEchoingTokenEndpoint } from '../echo-server.js';

const dev = useCliServer();
const echoing = useEchoingTokenEndpoint();
const WRONG = OTHER_SECRETS[1];
const bare = () => ({ MFP_SERVER_URL: dev.url, MFP_CLIENT_ID: 'backend', MFP_ADMIN_USER: 'admin' });

describe.concurrent('the secrets never reach any output of the bin', () => {
  it.each([
    ['token -v, the secret as an argument', ['token', '-v', '--client-secret', SECRET], 0],
    ['fetch -v -i, a wrong secret', ['fetch', '-v', '-i', '--client-secret', WRONG, 'SAMPLE'], 3],
    [
      'push --json -v, the secret as an argument',
      [
        'push',
        'send',
        '--json',
        '-v',
        '--app',
        'a',
        '--alert',
        'x',
        '--tag',
        't',
        '--client-secret',
        SECRET,
      ],
      0,
    ],
    [
      'introspect --json -v, a wrong secret',
      ['introspect', '--json', '-v', 'x', '--client-secret', WRONG],
      3,
    ],
    [
      'clients add --json, a new secret and a wrong password as arguments',
      [
        'clients',
        'add',
        '--json',
        '--id',
        'leak',
        '--scope',
        'a',
        '--secret',
        OTHER_SECRETS[0],
        '--admin-password',
        WRONG,
      ],
      3,
    ],
  ])('%s', async (_what, args, code) => {
    const sample = `${dev.url}/mfp/api/adapters/sample/resource`;
    const run = await cli(
      args.map((arg) => (arg === 'SAMPLE' ? sample : arg)),
      { env: bare() },
    );
    expect(run.code).toBe(code);
  });

  it('clients list --show-secrets --json never shows the admin password', async () => {
    const run = await cli(['clients', 'get', 'backend', '--json', '--admin-password-stdin'], {
      env: bare(),
      stdin: ADMIN_PASSWORD,
    });
    expect(run.code).toBe(0);
  });

  it('a token endpoint that echoes the credentials in its error and its challenge, with -v', async () => {
    const run = await cli(['token', '-v', '--token-url', echoing.url, '--client-id', 'backend'], {
      env: { MFP_CLIENT_SECRET: SECRET },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('[redacted]');
  });
});
