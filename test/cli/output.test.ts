import { describe, expect, it } from 'vitest';
import { OTHER_SECRETS, useCliServer } from './cli-harness.js';
import { runCli } from './in-process.js';

const dev = useCliServer();
const ESC = '\u001b[';

describe('colour', () => {
  it('paints the error prefix red and a warning yellow on a terminal', async () => {
    const refused = await runCli(['token'], {
      env: { ...dev.env, MFP_CLIENT_SECRET: OTHER_SECRETS[1] },
      tty: true,
    });
    expect(refused.stderr.startsWith(`${ESC}31mconfidential-client token:${ESC}0m `)).toBe(true);
    const warned = await runCli(['token', '--client-secret', OTHER_SECRETS[1]], {
      env: dev.env,
      tty: true,
    });
    expect(warned.stderr).toContain(`${ESC}33mwarning: --client-secret puts`);
  });

  it('paints a good answer green and a refusal red in introspect on a terminal', async () => {
    const run = await runCli(['introspect', 'unknown-token'], { env: dev.env, tty: true });
    expect(run.stdout).toContain(`would answer: ${ESC}31m401 Unauthorized${ESC}0m`);
  });

  it('never paints with NO_COLOR set, even on a terminal; the token alone is never painted', async () => {
    const refused = await runCli(['token'], {
      env: { ...dev.env, MFP_CLIENT_SECRET: OTHER_SECRETS[1], NO_COLOR: '1' },
      tty: true,
    });
    expect(refused.stderr).not.toContain(ESC);
    const token = await runCli(['token'], { env: dev.env, tty: true });
    expect(token.stdout).toMatch(/^[\w.-]+\n$/);
  });

  it('paints nothing when NO_COLOR is empty but the streams are not terminals', async () => {
    const run = await runCli(['introspect', 'unknown-token'], {
      env: { ...dev.env, NO_COLOR: '' },
    });
    expect(run.stdout).not.toContain(ESC);
  });
});

describe('errors', () => {
  it('prints one line without the package prefix twice, and no stack', async () => {
    const run = await runCli(['token'], {
      env: { ...dev.env, MFP_CLIENT_SECRET: OTHER_SECRETS[1] },
    });
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toContain('confidential-client: ');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('keeps a secret it knows off stderr even if a message held it', async () => {
    // -v prints the headers sent: one that holds the secret is scrubbed.
    const run = await runCli(
      [
        'fetch',
        `${dev.url}/mfp/api/adapters/sample/resource`,
        '-H',
        `X-Echo: ${OTHER_SECRETS[0]}`,
        '-v',
      ],
      {
        env: { ...dev.env, MFP_CLIENT_SECRET: OTHER_SECRETS[0] },
      },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('> x-echo: [redacted]');
  });
});
