import { HttpResponse, http } from 'msw';
import { expect, it } from 'vitest';
import type { Logger } from '../../src/index.js';
import { describeWithRedis, until, useRedisServer } from '../helpers/redis-server.js';
import { newClient, SERVER, useTokenServer } from '../helpers/token-server.js';

const srv = useTokenServer();
const redis = useRedisServer();

/** A logger that keeps its lines. */
function recorder() {
  const lines: { level: string; message: string }[] = [];
  const at =
    (level: string) =>
    (message: string): void => {
      lines.push({ level, message });
    };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return { logger, lines };
}

/** Calls the resource `n` times, `concurrency` at a time; returns the failures. */
async function load(
  client: ReturnType<typeof newClient>,
  n: number,
  concurrency = 20,
): Promise<unknown[]> {
  const failures: unknown[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) {
        try {
          const response = await client.fetch(`${SERVER}/resource`);
          if (response.status !== 200) failures.push(response.status);
        } catch (error) {
          failures.push(error);
        }
      }
    }),
  );
  return failures;
}

describeWithRedis('RedisTokenStore: Redis down or slow', () => {
  it('Redis stopped mid-run: no caller fails, one warning, counted; restarted: sharing resumes', async () => {
    srv.server.use(http.get(`${SERVER}/resource`, () => HttpResponse.json({ ok: true })));
    const log = recorder();
    const a = await redis.store({ logger: log.logger });
    const b = await redis.store();
    const clientA = newClient({ store: a });
    const clientB = newClient({ store: b });
    expect(await load(clientA, 100)).toEqual([]);
    expect((await clientB.getToken()).accessToken).toBe((await clientA.getToken()).accessToken);
    expect(srv.count).toBe(1);

    await redis.server.stop();
    // The token held in process keeps serving; a token renewal is fetched by this process alone.
    expect(await load(clientA, 200)).toEqual([]);
    await clientA.getToken({ forceRefresh: true });
    await clientA.getToken({ scope: 'other' });
    expect(await load(clientA, 200)).toEqual([]);
    expect(a.redisAvailable).toBe(false);
    const warnings = log.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/Redis is unavailable/);
    expect(a.stats().outages).toBe(1);
    expect(a.stats().fallbacks).toBeGreaterThanOrEqual(2);

    await redis.server.start();
    // node-redis reconnects; the store shares again once a command gets through.
    await until(() => a.subscribed && b.subscribed, 10_000);
    await until(() => {
      void a.get('probe');
      return a.redisAvailable;
    }, 10_000);
    expect(log.lines.filter((l) => l.level === 'info').map((l) => l.message)).toContainEqual(
      expect.stringMatching(/available again/),
    );
    const before = srv.count;
    const shared = await clientA.getToken({ scope: 'after-restart' });
    expect((await clientB.getToken({ scope: 'after-restart' })).accessToken).toBe(
      shared.accessToken,
    );
    expect(srv.count).toBe(before + 1);
    await Promise.all([clientA.close(), clientB.close()]);
  });

  it('Redis frozen (no answers): every command is bounded by operationTimeout, no caller fails', async () => {
    srv.server.use(http.get(`${SERVER}/resource`, () => HttpResponse.json({ ok: true })));
    const store = await redis.store({ operationTimeout: 100 });
    const client = newClient({ store });
    await client.getToken();
    redis.server.pause();
    // A token the first level cannot vouch for (forced refresh): fetched without Redis. A hung
    // Redis would hold these calls until the test's own timeout.
    const renewed = await client.getToken({ forceRefresh: true });
    expect(renewed.accessToken).toBeTruthy();
    expect(await load(client, 100)).toEqual([]);
    const cold = await client.getToken({ scope: 'cold' });
    expect(cold.accessToken).toBeTruthy();
    expect(store.stats().redisErrors).toBeGreaterThanOrEqual(1);
    expect(store.stats().outages).toBe(1);
    redis.server.resume();
    await client.close();
  });

  it('a client not connected yet: the store works on its first level and the token endpoint', async () => {
    const { createClient } = await import('redis');
    const { RedisTokenStore } = await import('../../src/redis/index.js');
    const offline = createClient({ url: redis.server.url });
    const store = new RedisTokenStore({ client: offline });
    const client = newClient({ store });
    const token = await client.getToken();
    expect((await client.getToken()).accessToken).toBe(token.accessToken);
    expect(srv.count).toBe(1);
    expect(store.redisAvailable).toBe(false);
    await client.close();
    await store.close();
    offline.destroy();
  });
});
