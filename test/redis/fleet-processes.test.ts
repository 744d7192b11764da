/**
 * A fleet of 8 real processes (test/fixtures/fleet-worker.ts), each a ConfidentialClient on a
 * RedisTokenStore, against dev servers over real HTTP and a real redis-server: the fleet asks the
 * token endpoint once per token, whatever happens to a process or to Redis.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../src/dev-server/index.js';
import type { RedisTokenStoreStats } from '../../src/redis/index.js';
import { describeWithRedis, RedisServer, redisServerAvailable } from '../helpers/redis-server.js';

const WORKER = fileURLToPath(new URL('../fixtures/fleet-worker.ts', import.meta.url));
const SIZE = 8;
const LOCK_TTL = 1_000;

interface Outcome {
  requests: number;
  failures: string[];
}
interface WorkerStats {
  tokenRequests: number;
  store: RedisTokenStoreStats;
  redisAvailable: boolean;
  subscribed: boolean;
}

/** One worker process and its pending answers. */
class Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  #next = 0;
  readonly #pending = new Map<number, (answer: unknown) => void>();

  constructor(redisUrl: string) {
    this.child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      // A loaded CI machine can hold a Redis reply past the default 250 ms, which the store
      // (rightly) takes for a Redis down: these tests are about sharing, not about slowness.
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        LOCK_TTL: String(LOCK_TTL),
        OPERATION_TIMEOUT: '2000',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
      this.child.on('message', (message: { id?: number; ready?: boolean }) => {
        if (message.ready) resolve();
        if (message.id !== undefined) this.#pending.get(message.id)?.(message);
      });
    });
    this.ready.catch(() => undefined);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  ask<T>(command: Record<string, unknown>): Promise<T> {
    const id = ++this.#next;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve as (answer: unknown) => void);
      this.child.send({ id, ...command });
    });
  }

  stats(): Promise<WorkerStats> {
    return this.ask({ cmd: 'stats' });
  }

  async exit(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ cmd: 'exit' });
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    if (this.alive) this.child.kill('SIGKILL');
  }
}

const redis = new RedisServer();
/** Tokens of an hour: the cold start, revocation, takeover and outage scenarios. */
let hourly: DevServer;
/** Tokens of 2 seconds: the renewal scenario. */
let brief: DevServer;
let fleet: Worker[] = [];

async function startFleet(): Promise<void> {
  fleet = Array.from({ length: SIZE }, () => new Worker(redis.url));
  await Promise.all(fleet.map((worker) => worker.ready));
}

/** Each live worker's answer to `command`. */
function all<T>(command: Record<string, unknown>, workers = fleet): Promise<T[]> {
  return Promise.all(workers.filter((w) => w.alive).map((w) => w.ask<T>(command)));
}

/** The failures of every outcome, flattened. */
const failures = (outcomes: Outcome[]) => outcomes.flatMap((o) => o.failures);

async function until(condition: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Protects a path of `server` with `scope`; returns the command target of it. */
function target(server: DevServer, scope: string) {
  const path = `/mfp/api/adapters/${scope}/resource`;
  server.emulator.protect(path, { scope });
  return { server: server.url, path, scope };
}

describeWithRedis('a fleet of 8 processes sharing tokens through Redis', () => {
  beforeAll(async () => {
    if (!redisServerAvailable) return;
    await redis.start();
    hourly = await startDevServer();
    brief = await startDevServer({ emulatorOptions: { tokenLifetime: 2 } });
    await startFleet();
  }, 60_000);

  afterEach(async () => {
    // A scenario that killed a worker leaves a fleet of 8 to the next one.
    const dead = fleet.filter((worker) => !worker.alive);
    if (dead.length > 0) {
      fleet = fleet.filter((worker) => worker.alive);
      const fresh = dead.map(() => new Worker(redis.url));
      await Promise.all(fresh.map((worker) => worker.ready));
      fleet.push(...fresh);
    }
    hourly?.emulator.clearFaults();
  });

  afterAll(async () => {
    await Promise.all(fleet.map((worker) => worker.exit()));
    await Promise.all([hourly?.close(), brief?.close()]);
    await redis.stop();
  });

  it('8 processes × 200 concurrent cold calls: 1 token request for the fleet', async () => {
    const cold = target(hourly, 'cold');
    const outcomes = await all<Outcome>({ cmd: 'burst', n: 200, ...cold });
    expect(failures(outcomes)).toEqual([]);
    expect(outcomes.reduce((n, o) => n + o.requests, 0)).toBe(1_600);
    const stats = await all<WorkerStats>({ cmd: 'stats' });
    expect(
      hourly.emulator.tokenRequestCount({ scope: 'cold' }),
      JSON.stringify(stats.map((s) => s.store)),
    ).toBe(1);
    expect(stats.filter((s) => s.store.lockAcquisitions > 0)).toHaveLength(1);
    expect(stats.reduce((n, s) => n + s.store.fallbacks, 0)).toBe(0);
  }, 60_000);

  it('2-second tokens for 10 s: one renewal per refresh window for the fleet, no caller fails', async () => {
    const renewal = target(brief, 'renewal');
    const outcomes = await all<Outcome>({ cmd: 'run', ms: 10_000, concurrency: 8, ...renewal });
    expect(failures(outcomes)).toEqual([]);
    const issued = brief.emulator
      .issuedTokens()
      .filter((t) => t.scope.includes('renewal'))
      .map((t) => t.claims.iat)
      .sort((a, b) => a - b);
    // A token is fresh for 1 s of its 2 (refreshBefore), so the fleet renews about once a second:
    // about 11 requests in 10 s, where 8 processes on their own would make about 88. (On a
    // machine so loaded that a token expires in flight, a 401 may add a re-token or two.)
    expect(issued.length).toBeGreaterThanOrEqual(6);
    expect(issued.length).toBeLessThanOrEqual(14);
  }, 60_000);

  it('all tokens revoked mid-run: 1 token request for the fleet, no caller fails', async () => {
    const revoke = target(hourly, 'revoke');
    await all<Outcome>({ cmd: 'burst', n: 1, ...revoke });
    expect(hourly.emulator.tokenRequestCount({ scope: 'revoke' })).toBe(1);
    const running = all<Outcome>({ cmd: 'run', ms: 2_000, concurrency: 8, ...revoke });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(hourly.emulator.revokeAllTokens()).toBeGreaterThanOrEqual(1);
    const outcomes = await running;
    expect(failures(outcomes)).toEqual([]);
    expect(hourly.emulator.tokenRequestCount({ scope: 'revoke' })).toBe(2);
  }, 60_000);

  it('Redis stopped mid-run: no caller fails; started again: sharing resumes', async () => {
    const outage = target(hourly, 'outage');
    const running = all<Outcome>({ cmd: 'run', ms: 3_000, concurrency: 8, ...outage });
    await new Promise((resolve) => setTimeout(resolve, 700));
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    // New tokens are needed while Redis is down: each process fetches its own.
    hourly.emulator.revokeAllTokens();
    const outcomes = await running;
    expect(failures(outcomes)).toEqual([]);
    const down = await all<WorkerStats>({ cmd: 'stats' });
    expect(down.every((s) => s.store.outages >= 1)).toBe(true);

    await redis.start();
    await until(async () => (await all<WorkerStats>({ cmd: 'stats' })).every((s) => s.subscribed));
    const resumed = target(hourly, 'resumed');
    // The first command after the restart finds Redis back (one probe per second at most).
    await until(async () => {
      await all<Outcome>({ cmd: 'burst', n: 1, ...target(hourly, 'probe') });
      return (await all<WorkerStats>({ cmd: 'stats' })).every((s) => s.redisAvailable);
    });
    const after = await all<Outcome>({ cmd: 'burst', n: 50, ...resumed });
    expect(failures(after)).toEqual([]);
    expect(hourly.emulator.tokenRequestCount({ scope: 'resumed' })).toBe(1);
  }, 60_000);

  it('the lock holder killed mid-fetch: another takes over within the lock TTL, no caller fails', async () => {
    const takeover = target(hourly, 'takeover');
    const before = await Promise.all(fleet.map((worker) => worker.stats()));
    hourly.emulator.setLatency(5_000, 'token');
    const bursts = fleet.map((worker) => ({
      worker,
      outcome: worker.ask<Outcome>({ cmd: 'burst', n: 20, ...takeover }),
    }));
    let holder: Worker | undefined;
    await until(async () => {
      const stats = await Promise.all(fleet.map((worker) => worker.stats()));
      holder = fleet.find(
        (_, i) =>
          (stats[i]?.store.lockAcquisitions ?? 0) > (before[i]?.store.lockAcquisitions ?? 0),
      );
      return holder !== undefined;
    });
    const killed = holder as Worker;
    killed.child.kill('SIGKILL');
    hourly.emulator.setLatency(0, 'token');
    const outcomes = await Promise.all(
      bursts.filter((b) => b.worker !== killed).map((b) => b.outcome),
    );
    expect(failures(outcomes)).toEqual([]);
    const survivors = fleet.filter((worker) => worker !== killed);
    const stats = await all<WorkerStats>({ cmd: 'stats' }, survivors);
    const grew = (name: keyof RedisTokenStoreStats) =>
      survivors.reduce((n, worker, i) => {
        const at = fleet.indexOf(worker);
        return n + (stats[i]?.store[name] ?? 0) - (before[at]?.store[name] ?? 0);
      }, 0);
    // Recovered by a takeover once the dead holder's lock expired, not by waits timing out.
    expect(grew('lockTakeovers')).toBe(1);
    expect(grew('fallbacks')).toBe(0);
    // The request of the process that took over. The dead holder's died with its connection
    // during the injected latency, and the emulator counts only requests it answered.
    expect(hourly.emulator.tokenRequestCount({ scope: 'takeover' })).toBe(1);
  }, 60_000);
});
