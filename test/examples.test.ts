import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useDevServer } from './helpers/http-servers.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const examples = readdirSync(new URL('../examples', import.meta.url)).filter(
  (f) => f.endsWith('.ts') && f !== 'env.ts',
);
const e2e = useDevServer();

/** Every file in examples/ runs against the dev server and exits 0. */
describe('examples', () => {
  it.each(examples)(
    '%s',
    async (file) => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', `examples/${file}`], {
        cwd: root,
        env: {
          ...process.env,
          MFP_SERVER_URL: e2e.dev.url,
          MFP_CLIENT_ID: 'test',
          MFP_CLIENT_SECRET: 'test',
          REQUESTS: '300',
        },
        timeout: 60_000,
      });
      expect(stdout.length).toBeGreaterThan(0);
    },
    60_000,
  );

  it('npm start runs the quickstart against its own embedded dev server', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/quickstart.ts'], {
      cwd: root,
      timeout: 60_000,
    });
    expect(stdout).toContain('MobileFirst dev server: http://127.0.0.1:');
    expect(stdout).toMatch(/2\. GET sample resource → 200/);
    expect(stdout).toMatch(/3\. push message → 202, messageId \S+/);
    expect(stdout).toMatch(
      /4\. introspection → first token: 403 Bearer error="insufficient_scope", scope="accessRestricted"; token from step 2: allowed \(client test\)/,
    );
  }, 60_000);
});
