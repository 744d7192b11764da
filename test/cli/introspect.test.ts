import { describe, expect, it } from 'vitest';
import { issueToken, startCliServer, useCliServer } from './cli-harness.js';
import { runCli } from './in-process.js';

const dev = useCliServer();

describe.concurrent('confidential-client introspect (in-process)', () => {
  it('answers 401 invalid_token for a token the server does not know (exit 1)', async () => {
    const run = await runCli(['introspect', 'not-a-token'], { env: dev.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^active {6}false$/m);
    expect(run.stdout).toContain('would answer: 401 Unauthorized');
    expect(run.stdout).toContain('WWW-Authenticate: Bearer error="invalid_token"');
  });
  it('exits 1 when introspection cannot decide (500)', async () => {
    const served = await startCliServer();
    try {
      const issued = await issueToken(served.url, 'accessRestricted');
      served.server.emulator.failNextIntrospections(1, { kind: 'server-error', status: 500 });
      const run = await runCli(['introspect', issued], { env: served.env });
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('unexpected status 500');
    } finally {
      await served.close();
    }
  });

  it('answers 409 with MFP-Conflict when introspection answers 409 (exit 1)', async () => {
    const served = await startCliServer();
    try {
      const issued = await issueToken(served.url, 'accessRestricted');
      served.server.emulator.failNextIntrospections(1, { kind: 'conflict' });
      const run = await runCli(['introspect', issued], { env: served.env });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('would answer: 409 Conflict');
      expect(run.stdout).toContain('MFP-Conflict: true');
    } finally {
      await served.close();
    }
  });

  it('prints the scope it was asked for when the token has it, with --json', async () => {
    const issued = await issueToken(dev.url, 'accessRestricted orders.read');
    const run = await runCli(['introspect', issued, '--scope', 'orders.read', '--json'], {
      env: dev.env,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      active: true,
      requiredScope: 'orders.read',
      answer: { status: 200 },
    });
  });
});
