/** `introspect`, spawned: part of bin.e2e.test.ts (in-process cases: ../introspect.test.ts). */
import { describe, expect, it } from 'vitest';
import { cli, closedPort, issueToken, NARROW_SECRET, useCliServer } from '../cli-harness.js';

const dev = useCliServer();

const token = (scope: string) => issueToken(dev.url, scope);

describe.concurrent('confidential-client introspect', () => {
  it('prints the introspection data and a 200 for a scope the token has (exit 0)', async () => {
    const run = await cli(
      ['introspect', await token('accessRestricted'), '--scope', 'accessRestricted'],
      { env: dev.env },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^active {6}true$/m);
    expect(run.stdout).toMatch(/^client {6}backend$/m);
    expect(run.stdout).toMatch(/^scope {7}accessRestricted$/m);
    expect(run.stdout).toContain('A resource requiring "accessRestricted" would answer: 200 OK');
  });

  it('reads the token from stdin with -, and answers 403 for a scope it lacks (exit 1), as JSON', async () => {
    const run = await cli(['introspect', '-', '--scope', 'orders.read', '--json'], {
      env: dev.env,
      stdin: `${await token('accessRestricted')}\n`,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      active: true,
      introspection: expect.objectContaining({
        active: true,
        client_id: 'backend',
        scope: 'accessRestricted',
      }),
      requiredScope: 'orders.read',
      answer: {
        status: 403,
        error: 'insufficient_scope',
        wwwAuthenticate: 'Bearer error="insufficient_scope", scope="orders.read"',
      },
    });
  });

  it('exits 3 when its own client may not introspect (no authorization.introspect)', async () => {
    const run = await cli(['introspect', 'x', '--client-id', 'narrow', '--client-secret-stdin'], {
      env: dev.env,
      stdin: NARROW_SECRET,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('invalid_scope');
  });

  it('exits 4 when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await cli(['introspect', 'x'], { env: { ...dev.env, MFP_SERVER_URL: url } });
    expect(run.code).toBe(4);
  });
});
