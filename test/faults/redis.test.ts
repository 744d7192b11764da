/**
 * The fault matrix of the Redis token store, against a real redis-server: Redis down, frozen,
 * restarted, holding garbage, and a lock whose holder died. Same columns as fault-matrix.test.ts,
 * plus the store's own log and counters; real timers, long Redis timeouts but where one is waited for.
 */
import { expect, it } from 'vitest';
import type { RedisTokenStore } from '../../src/redis/index.js';
import { fingerprint } from '../../src/redis/token-codec.js';
import { describeWithRedis, namesOf, useRedisServer } from '../helpers/redis-server.js';
import { newClient, useTokenServer } from '../helpers/token-server.js';
import { type Expected, outcomeOf, Recorder, settle } from './fault-run.js';

const srv = useTokenServer();
const redis = useRedisServer();

/**
 * Stores under the token key a value framed as the store writes it in clear, around any record
 * (even one no store would write): a good token's fields with `fields` laid over them.
 */
const storeRecord = (rec: Recorder, fields: Record<string, unknown>) => {
  const record = {
    accessToken: rec.token(),
    tokenType: 'Bearer',
    scope: [],
    expiresAt: Date.now() + 3_600_000,
    issuedAt: Date.now(),
    ...fields,
  };
  const value = `cc1.${fingerprint(String(record.accessToken))}.p.${JSON.stringify(record)}`;
  return redis.admin((admin) => admin.set(namesOf().token, value));
};

interface RedisFault extends Expected {
  name: string;
  /** Done before the client asks, with the store the client uses. */
  before?: (rec: Recorder) => Promise<unknown>;
  /**
   * The store counters expected after the run (a subset). An unreadable value is met twice: by
   * the lookup, and by the re-check under the lock before the token request.
   */
  store?: Partial<ReturnType<RedisTokenStore['stats']>>;
  /** A line the store or client must have logged. */
  logged?: string;
  /** The store's operationTimeout (ms): long, but for a row that waits for it. */
  operationTimeout?: number;
}

const FAULTS: RedisFault[] = [
  {
    name: 'Redis down (killed): the client fetches its own token',
    before: () => redis.server.stop(),
    outcome: 'token',
    tokenRequests: 1,
    store: { outages: 1 },
    logged: 'unavailable',
  },
  {
    name: 'Redis frozen (answers nothing): operationTimeout, then its own token',
    before: async () => redis.server.pause(),
    operationTimeout: 200,
    outcome: 'token',
    tokenRequests: 1,
    store: { outages: 1 },
  },
  {
    name: 'Redis holding garbage under the token key: a miss, a warning, a new token',
    before: () => redis.admin((admin) => admin.set(namesOf().token, 'not a token \u0000 at all')),
    outcome: 'token',
    tokenRequests: 1,
    store: { unreadableValues: 2 },
  },
  {
    name: 'Redis holding a well-framed value with a malformed record',
    before: (rec) => storeRecord(rec, { expiresAt: 'tomorrow' }),
    outcome: 'token',
    tokenRequests: 1,
    store: { unreadableValues: 2 },
  },
  {
    name: 'Redis holding a token no header can carry (a newline in it)',
    before: (rec) => storeRecord(rec, { accessToken: rec.token(`${rec.token()}\r\nX-Evil: 1`) }),
    outcome: 'token',
    tokenRequests: 1,
    store: { unreadableValues: 2 },
  },
  {
    name: 'Redis holding a date beyond what a Date holds',
    before: (rec) => storeRecord(rec, { expiresAt: 1e300 }),
    outcome: 'token',
    tokenRequests: 1,
    store: { unreadableValues: 2 },
  },
  {
    name: 'a lock whose holder was killed: taken over after lockTtl',
    before: () => redis.admin((admin) => admin.set(namesOf().lock, 'dead-holder', { PX: 300 })),
    outcome: 'token',
    tokenRequests: 1,
    store: { lockTakeovers: 1, fallbacks: 0 },
  },
  {
    name: 'Redis restarted empty after another process stored a token: a new one',
    before: async (rec) => {
      const other = newClient({ store: await redis.store(), logger: rec.logger });
      await other.getToken();
      await other.close();
      await redis.server.stop();
      await redis.server.start();
    },
    outcome: 'token',
    tokenRequests: 2,
  },
];

describeWithRedis('fault matrix of the Redis token store', () => {
  it.each(FAULTS.map((f) => [f.name, f] as const))('%s', async (_name, fault) => {
    const rec = new Recorder();
    srv.respond(() => rec.issue());
    const store = await redis.store({
      logger: rec.logger,
      operationTimeout: fault.operationTimeout ?? 2_000,
      lockTtl: 300,
      waitTimeout: 2_000,
    });
    await fault.before?.(rec);
    const client = newClient({ store, logger: rec.logger, hooks: rec.hooks });
    try {
      const settled = await settle(client.getToken());
      expect({ outcome: outcomeOf(settled), tokenRequests: srv.count }).toEqual({
        outcome: fault.outcome,
        tokenRequests: fault.tokenRequests,
      });
      expect(store.stats()).toMatchObject(fault.store ?? {});
      if (fault.logged) expect(rec.output.join('\n')).toContain(fault.logged);
      rec.record(store, store.stats());
      expect(rec.leaks(client, settled)).toEqual([]);
    } finally {
      redis.server.resume();
      await client.close();
    }
  });
});
