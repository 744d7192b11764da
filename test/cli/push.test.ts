import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliServer } from './cli-harness.js';
import { runCli } from './in-process.js';

const dev = useCliServer();
const work = mkdtempSync(join(tmpdir(), 'cli-push-'));

/** The messages the emulator recorded for an application. */
const recorded = (appId: string) =>
  dev.server.emulator.pushMessages().filter((m) => m.appId === appId);

describe.concurrent('confidential-client push (in-process)', () => {
  it('sends a notification file, its target replaced by the target flags, and prints JSON', async () => {
    const file = join(work, 'message.json');
    writeFileSync(
      file,
      JSON.stringify({
        message: { alert: 'Sale' },
        settings: { gcm: { priority: 'high' } },
        target: { tagNames: ['x'] },
      }),
    );
    const run = await runCli(
      [
        'push',
        'send',
        '--app',
        'com.acme.two',
        '--file',
        file,
        '--platform',
        'A',
        '--platform',
        'G',
        '--json',
      ],
      {
        env: dev.env,
      },
    );
    expect(run.code).toBe(0);
    const [message] = recorded('com.acme.two');
    expect(JSON.parse(run.stdout)).toEqual({ messageId: message?.messageId });
    expect(message?.body).toMatchObject({
      settings: { gcm: { priority: 'high' } },
      target: { platforms: ['A', 'G'] },
    });
  });
  it('exits 2 naming the field of a notification the API would refuse, before sending', async () => {
    const run = await runCli(['push', 'bulk', '--app', 'com.acme.five', '--file', '-'], {
      env: dev.env,
      stdin: JSON.stringify([
        { message: { alert: 'ok' }, target: { userIds: ['u'] } },
        { message: { alrt: 'x' }, target: { userIds: ['u'] } },
      ]),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('notifications[1].message');
    expect(recorded('com.acme.five')).toEqual([]);
  });

  it('sends to every device of the application with --broadcast', async () => {
    const run = await runCli(
      ['push', 'send', '--app', 'com.acme.seven', '--alert', 'All', '--broadcast'],
      { env: dev.env },
    );
    expect(run.code).toBe(0);
    const [message] = recorded('com.acme.seven');
    expect(message?.body).not.toHaveProperty('target');
  });
});
