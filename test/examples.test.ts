import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDevServer } from './helpers/http-servers.js';
import { describeWithRedis, RedisServer } from './helpers/redis-server.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const examples = readdirSync(new URL('../examples', import.meta.url)).filter(
  // fleet.ts needs a Redis: it has a test of its own below.
  (f) => f.endsWith('.ts') && f !== 'env.ts' && f !== 'fleet.ts',
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

describeWithRedis('examples/fleet.ts', () => {
  const redis = new RedisServer();
  beforeAll(() => redis.start(), 20_000);
  afterAll(() => redis.stop());

  it('8 worker processes share one token through Redis: 1 token request for the fleet', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/fleet.ts'], {
      cwd: root,
      env: { ...process.env, REDIS_URL: redis.url, WORKERS: '8', REQUESTS: '100' },
      timeout: 60_000,
    });
    expect(stdout).toMatch(/8 workers: 800 requests in [\d.]+ s \(\d+ req\/s\), 0 failed/);
    expect(stdout).toMatch(/token requests for the whole fleet: 1 \(/);
  }, 60_000);

  it('says how to get a Redis when there is none', async () => {
    const failed = await run(process.execPath, ['--import', 'tsx', 'examples/fleet.ts'], {
      cwd: root,
      env: { ...process.env, REDIS_URL: 'redis://127.0.0.1:1' },
      timeout: 60_000,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/No Redis at redis:\/\/127\.0\.0\.1:1/),
    });
  }, 60_000);
});
