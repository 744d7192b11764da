/**
 * The in-process half of secrets.e2e.test.ts: more ways of giving the secrets and more modes,
 * each run checked by `runCli` as every spawned run is by `cli`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  NARROW_SECRET,
  OTHER_SECRETS,
  SECRET,
  useCliServer,
} from './cli-harness.js';
import { useEchoingTokenEndpoint } from './echo-server.js';
import { runCli } from './in-process.js';

const dev = useCliServer();
const echoing = useEchoingTokenEndpoint();
const work = mkdtempSync(join(tmpdir(), 'cli-secrets-'));
const WRONG = OTHER_SECRETS[1];
const bare = () => ({ MFP_SERVER_URL: dev.url, MFP_CLIENT_ID: 'backend', MFP_ADMIN_USER: 'admin' });
const sample = () => `${dev.url}/mfp/api/adapters/sample/resource`;

describe.concurrent('the secrets never reach any output (in-process)', () => {
  it.each([
    ['token --json', ['token', '--json'], 0],
    ['token --json, wrong', ['token', '--json', '--client-secret', WRONG], 3],
    ['fetch -v -i', ['fetch', '-v', '-i', 'SAMPLE'], 0],
    ['fetch -v --fail, wrong', ['fetch', '-v', '--fail', '--client-secret', WRONG, 'SAMPLE'], 3],
    ['push bulk --json -v', ['push', 'bulk', '--json', '-v', '--app', 'a', '--file', 'BULK'], 0],
    [
      'push send -v, wrong',
      ['push', 'send', '-v', '--app', 'a', '--alert', 'x', '--tag', 't', '--client-secret', WRONG],
      3,
    ],
    ['introspect -v', ['introspect', '-v', 'x'], 1],
    ['clients list --json', ['clients', 'list', '--json'], 0],
    ['clients list, wrong password', ['clients', 'list', '--admin-password', WRONG], 3],
    [
      'clients add, the secret as an argument',
      [
        'clients',
        'add',
        '--id',
        'narrow',
        '--scope',
        'accessRestricted',
        '--secret',
        NARROW_SECRET,
      ],
      0,
    ],
  ])('%s', async (_what, args, code) => {
    const bulk = join(work, `${_what.replace(/\W+/g, '-')}.json`);
    writeFileSync(bulk, JSON.stringify([{ message: { alert: 'x' }, target: { tagNames: ['t'] } }]));
    const run = await runCli(
      args.map((arg) => (arg === 'SAMPLE' ? sample() : arg === 'BULK' ? bulk : arg)),
      { env: { ...bare(), MFP_CLIENT_SECRET: SECRET, MFP_ADMIN_PASSWORD: ADMIN_PASSWORD } },
    );
    expect(run.code).toBe(code);
  });

  it('secrets from stdin and an env file, verbose, failing', async () => {
    const file = join(work, 'wrong.env');
    writeFileSync(file, `MFP_CLIENT_SECRET=${WRONG}\nMFP_ADMIN_PASSWORD=${WRONG}\n`);
    expect(
      (await runCli(['fetch', '-v', '--env-file', file, sample()], { env: bare() })).code,
    ).toBe(3);
    expect(
      (await runCli(['clients', 'list', '--admin-password-stdin'], { env: bare(), stdin: WRONG }))
        .code,
    ).toBe(3);
    expect(
      (await runCli(['token', '--client-secret-stdin', '--json'], { env: bare(), stdin: WRONG }))
        .code,
    ).toBe(3);
  });

  it.each([[[]], [['--json']], [['-v']]])(
    'a token endpoint that echoes the credentials, %j',
    async (mode) => {
      const run = await runCli(
        ['token', ...mode, '--token-url', echoing.url, '--client-id', 'backend'],
        {
          env: { MFP_CLIENT_SECRET: SECRET },
        },
      );
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('[redacted]');
    },
  );
});
