import { describe, expect, it } from 'vitest';
import { NARROW_SECRET, OTHER_SECRETS, useCliServer } from './cli-harness.js';
import { runCli } from './in-process.js';

const dev = useCliServer();

describe.concurrent('confidential-client token (in-process)', () => {
  it('sends no scope by default: the server grants RegisteredClient', async () => {
    const run = await runCli(['token', '--json'], { env: dev.env });
    expect(JSON.parse(run.stdout)).toMatchObject({ scope: 'RegisteredClient' });
  });
  it('says on stderr with -v which token request it makes; stdout stays the token', async () => {
    const run = await runCli(['token', '-v', '--scope', 'accessRestricted'], { env: dev.env });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `* token request to ${dev.url}/mfp/api/az/v1/token, scope "accessRestricted"`,
    );
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
  });
  it('exits 3 when the scope is not allowed to the client', async () => {
    const run = await runCli(
      ['token', '--client-id', 'narrow', '--client-secret-stdin', '--scope', 'orders.read'],
      {
        env: dev.env,
        stdin: NARROW_SECRET,
      },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('invalid_scope');
  });
  it('exits 3 with the error as JSON on stderr with --json', async () => {
    const run = await runCli(['token', '--json'], {
      env: { ...dev.env, MFP_CLIENT_SECRET: OTHER_SECRETS[1] },
    });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(JSON.parse(run.stderr)).toEqual({
      error: {
        name: 'TokenRequestError',
        code: 'ERR_CC_TOKEN_REQUEST',
        message: expect.stringContaining('invalid_client'),
        exitCode: 3,
        status: 400,
        error: 'invalid_client',
      },
    });
  });
  it('exits 1 when the runtime does not exist (404 is not a refusal of the credentials)', async () => {
    const run = await runCli(['token', '--runtime', 'nope'], { env: dev.env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('404');
  });
});
