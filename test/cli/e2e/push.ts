/** `push send|bulk`, spawned: part of bin.e2e.test.ts (in-process cases: ../push.test.ts). */
import { describe, expect, it } from 'vitest';
import { cli, closedPort, NARROW_SECRET, startCliServer, useCliServer } from '../cli-harness.js';

const dev = useCliServer();

/** The messages the emulator recorded for an application. */
const recorded = (appId: string) =>
  dev.server.emulator.pushMessages().filter((m) => m.appId === appId);

describe.concurrent('confidential-client push', () => {
  it('sends an alert to users and prints the message ID', async () => {
    const run = await cli(
      [
        'push',
        'send',
        '--app',
        'com.acme.one',
        '--alert',
        'Shipped',
        '--user',
        'alice',
        '--user',
        'bob',
      ],
      {
        env: dev.env,
      },
    );
    expect(run.code).toBe(0);
    const [message] = recorded('com.acme.one');
    expect(run.stdout).toBe(`${message?.messageId}\n`);
    expect(message?.body).toMatchObject({
      message: { alert: 'Shipped' },
      target: { userIds: ['alice', 'bob'] },
    });
  });

  it('sends a bulk file from stdin and prints one ID a line', async () => {
    const messages = ['a', 'b', 'c'].map((user) => ({
      message: { alert: `Hi ${user}` },
      target: { userIds: [user] },
    }));
    const run = await cli(['push', 'bulk', '--app', 'com.acme.three', '--file', '-'], {
      env: dev.env,
      stdin: JSON.stringify(messages),
    });
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(
      recorded('com.acme.three').map((m) => m.messageId),
    );
    expect(run.stdout.trim().split('\n')).toHaveLength(3);
  });

  it('sends nothing without a target unless --broadcast says so (exit 2)', async () => {
    const run = await cli(['push', 'send', '--app', 'com.acme.four', '--alert', 'All'], {
      env: dev.env,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--broadcast');
    expect(recorded('com.acme.four')).toEqual([]);
  });

  it('exits 3 when the client may not send push messages for the application', async () => {
    const run = await cli(
      [
        'push',
        'send',
        '--app',
        'com.acme.six',
        '--alert',
        'x',
        '--tag',
        't',
        '--client-id',
        'narrow',
        '--client-secret-stdin',
      ],
      {
        env: dev.env,
        stdin: NARROW_SECRET,
      },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('invalid_scope');
  });

  it('exits 4 when the server cannot be reached', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await cli(['push', 'send', '--app', 'a', '--alert', 'x', '--tag', 't'], {
      env: { ...dev.env, MFP_SERVER_URL: url },
    });
    expect(run.code).toBe(4);
  });

  it('exits 1 on a 500, saying the message may have been delivered', async () => {
    const served = await startCliServer();
    try {
      served.server.emulator.failNextPushRequests(1, { kind: 'server-error', status: 500 });
      const run = await cli(
        ['push', 'send', '--app', 'com.acme.app', '--alert', 'x', '--tag', 't'],
        { env: served.env },
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/500.*may have/);
      expect(run.stdout).toBe('');
    } finally {
      await served.close();
    }
  });
});
