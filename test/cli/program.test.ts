import { describe, expect, it } from 'vitest';
import { SECRET, useCliServer } from './cli-harness.js';
import { runCli } from './in-process.js';

const dev = useCliServer();

describe.concurrent('confidential-client (in-process)', () => {
  it('exits 2 for an unknown command, suggesting the nearest', async () => {
    const run = await runCli(['tokn']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "tokn" (did you mean "token"?)');
  });
  it('warns when the secret is an argument, which other users can see in the process list', async () => {
    const run = await runCli(['token', '--client-secret', SECRET], {
      env: { ...dev.env, MFP_CLIENT_SECRET: '' },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^warning: --client-secret puts the client secret in the process list/,
    );
  });
});
