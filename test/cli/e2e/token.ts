/** `token`, spawned: part of bin.e2e.test.ts (in-process cases: ../token.test.ts). */
import { describe, expect, it } from 'vitest';
import { cli, closedPort, OTHER_SECRETS, startCliServer, useCliServer } from '../cli-harness.js';

const dev = useCliServer();

describe.concurrent('confidential-client token', () => {
  it('prints the access token alone, ready for an Authorization header', async () => {
    const run = await cli(['token', '--scope', 'accessRestricted'], { env: dev.env });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const res = await fetch(`${dev.url}/mfp/api/adapters/sample/resource`, {
      headers: { authorization: `Bearer ${run.stdout.trim()}` },
    });
    expect(res.status).toBe(200);
  });

  it('prints the token response without the secret with --json', async () => {
    const run = await cli(['token', '--json', '--scope', 'accessRestricted'], { env: dev.env });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual([
      'access_token',
      'token_type',
      'expires_in',
      'scope',
      'expires_at',
    ]);
    expect(doc).toMatchObject({ token_type: 'Bearer', scope: 'accessRestricted' });
    expect(doc.expires_in).toBeGreaterThan(3500);
    expect(doc.expires_in).toBeLessThanOrEqual(3599);
    expect(Date.parse(String(doc.expires_at)) - Date.now()).toBeGreaterThan(3_500_000);
  });

  it('exits 3 when the token endpoint refuses the secret', async () => {
    const run = await cli(['token'], { env: { ...dev.env, MFP_CLIENT_SECRET: OTHER_SECRETS[1] } });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^confidential-client token: .*400 invalid_client/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 4 when nothing listens at the server URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await cli(['token'], { env: { ...dev.env, MFP_SERVER_URL: url } });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/could not reach the token endpoint .*ECONNREFUSED/);
  });

  it('exits 1 when the token endpoint keeps answering 503', async () => {
    const served = await startCliServer();
    try {
      served.server.emulator.failNextTokenRequests(10, { kind: 'server-error', status: 503 });
      const run = await cli(['token'], { env: served.env });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('503');
    } finally {
      await served.close();
    }
  });
});
