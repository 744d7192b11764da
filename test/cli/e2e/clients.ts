/**
 * `clients list|get|add|remove`, spawned: part of bin.e2e.test.ts (in-process cases:
 * ../clients.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { cli, closedPort, OTHER_SECRETS, useCliServer } from '../cli-harness.js';

const dev = useCliServer();
const NEW_SECRET = OTHER_SECRETS[0];

describe.concurrent('confidential-client clients', () => {
  it('lists the clients without their secrets', async () => {
    const run = await cli(['clients', 'list'], { env: dev.env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ID +DISPLAY NAME +ALLOWED SCOPE$/m);
    expect(run.stdout).toMatch(/^backend +backend +\*$/m);
    expect(run.stdout).toMatch(/^narrow +narrow +accessRestricted$/m);
    expect(run.stdout).not.toContain('SECRET');
  });

  it('gets one client; exits 1 for an ID that does not exist', async () => {
    const found = await cli(['clients', 'get', 'narrow', '--json'], { env: dev.env });
    expect(JSON.parse(found.stdout)).toEqual({
      id: 'narrow',
      displayName: 'narrow',
      allowedScope: 'accessRestricted',
    });
    const missing = await cli(['clients', 'get', 'nobody'], { env: dev.env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no client has the ID "nobody"');
  });

  it('exits 3 when the admin API refuses the password', async () => {
    const run = await cli(['clients', 'list'], {
      env: { ...dev.env, MFP_ADMIN_PASSWORD: OTHER_SECRETS[1] },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('401');
  });

  it('exits 4 when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await cli(['clients', 'list'], { env: { ...dev.env, MFP_SERVER_URL: url } });
    expect(run.code).toBe(4);
  });

  // Writes one after the other: concurrent ones would conflict (AdminConflictError) by design.
  describe.sequential('writing', () => {
    it('adds a client with a secret from stdin, which then gets tokens; updates it keeping the secret', async () => {
      const added = await cli(
        ['clients', 'add', '--id', 'orders-api', '--secret-stdin', '--scope', 'orders.*'],
        {
          env: dev.env,
          stdin: `${NEW_SECRET}\n`,
        },
      );
      expect(added.code).toBe(0);
      expect(added.stdout).toBe('created orders-api (allowed scope: orders.*)\n');
      const updated = await cli(
        [
          'clients',
          'add',
          '--id',
          'orders-api',
          '--scope',
          'orders.* push.*',
          '--display-name',
          'Orders',
          '--json',
        ],
        {
          env: dev.env,
        },
      );
      expect(JSON.parse(updated.stdout)).toEqual({
        action: 'updated',
        client: { id: 'orders-api', displayName: 'Orders', allowedScope: 'orders.* push.*' },
      });
      const token = await cli(
        ['token', '--client-id', 'orders-api', '--client-secret-stdin', '--scope', 'orders.read'],
        {
          env: dev.env,
          stdin: NEW_SECRET,
        },
      );
      expect(token.code).toBe(0);
    });
  });
});
