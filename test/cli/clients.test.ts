import { describe, expect, it } from 'vitest';
import { startDevServer } from '../../src/dev-server/index.js';
import { ADMIN_PASSWORD, OTHER_SECRETS, startCliServer, useCliServer } from './cli-harness.js';
import { runCli } from './in-process.js';

const dev = useCliServer();
const NEW_SECRET = OTHER_SECRETS[0];

describe('confidential-client clients (in-process)', () => {
  it('lists them as JSON, without a secret field', async () => {
    const run = await runCli(['clients', 'list', '--json'], { env: dev.env });
    const list = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(list).toContainEqual({
      id: 'narrow',
      displayName: 'narrow',
      allowedScope: 'accessRestricted',
    });
    expect(list.every((entry) => !('secret' in entry))).toBe(true);
  });
  it('prints the secrets only with --show-secrets', async () => {
    // A server of its own, whose secrets are not the suite's (those no output may hold).
    const server = await startDevServer({
      emulatorOptions: {
        mode: 'production',
        clients: [{ id: 'shown', secret: 'shown-secret-1', allowedScope: 'a' }],
        adminClient: { id: 'admin', secret: 'shown-secret-2' },
        pushClient: { id: 'push', secret: 'shown-secret-3' },
        administrator: { username: 'admin', password: ADMIN_PASSWORD },
      },
    });
    try {
      const env = { ...dev.env, MFP_SERVER_URL: server.url };
      const run = await runCli(['clients', 'list', '--show-secrets'], { env });
      expect(run.stdout).toMatch(/^ID +DISPLAY NAME +ALLOWED SCOPE +SECRET$/m);
      expect(run.stdout).toMatch(/^shown +shown +a +shown-secret-1$/m);
      const json = await runCli(['clients', 'get', 'shown', '--show-secrets', '--json'], { env });
      expect(JSON.parse(json.stdout)).toMatchObject({ id: 'shown', secret: 'shown-secret-1' });
    } finally {
      await server.close();
    }
  });
  it('removes a client; exits 1 when there is none; protects the push client unless --force', async () => {
    await runCli(['clients', 'add', '--id', 'short-lived', '--secret-stdin', '--scope', ''], {
      env: dev.env,
      stdin: NEW_SECRET,
    });
    expect((await runCli(['clients', 'remove', 'short-lived'], { env: dev.env })).stdout).toBe(
      'removed short-lived\n',
    );
    expect((await runCli(['clients', 'remove', 'short-lived'], { env: dev.env })).code).toBe(1);
    const refused = await runCli(['clients', 'remove', 'push'], { env: dev.env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --force');
  });

  it('removes a protected client with --force', async () => {
    const served = await startCliServer();
    try {
      const run = await runCli(['clients', 'remove', 'push', '--force', '--json'], {
        env: served.env,
      });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ removed: true });
      expect(served.server.emulator.clients().some((c) => c.id === 'push')).toBe(false);
    } finally {
      await served.close();
    }
  });
});
