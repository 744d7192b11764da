/**
 * `npm run bench`: the hot path of `client.fetch` against a loopback server, measured side by
 * side with raw `fetch` in one run. BENCHMARKS.md explains how to read the output.
 *
 * 1. Throughput at concurrency 64 of `client.fetch` on a cached token vs `fetch` with a fixed
 *    `Authorization` header, in alternating rounds of 4,000 requests after a warm-up; target:
 *    median ratio ≥ 0.97. First an A/A control (`fetch` against `fetch`, the same way) shows the
 *    noise floor of the run. No GC is forced between rounds (only between sections): a forced
 *    GC makes V8 drop optimized code, and each round would measure recompilation. CPU time is
 *    reported for the main thread apart from the process's other threads.
 * 2. Token requests for 10,000 concurrent cold `client.fetch` calls on a new client; target: 1.
 * 3. Also: `client.ky` vs `ky` with a fixed header (information), and the 401 → new token →
 *    replay path (latency as information; 64 concurrent 401s must cause one token request).
 * 4. The Redis token store: `client.fetch` on a cached token with a RedisTokenStore vs with the
 *    memory store (target: median ratio ≥ 0.97), and a fleet of 8 processes (examples/fleet.ts)
 *    on one Redis: token requests on a cold start (target: 1) and with 2-second tokens for 6 s
 *    (target: one per refresh window).
 * Also, without the network: the client's own cost over a stub fetch (1b), a time limit with a
 * shared signal (1c), a DPoP proof per request (1d), `openTelemetryHooks()` (1e).
 *
 * Options: `--requests N` per round (4000), `--rounds N` measured pairs (12; the A/A control and
 * ky get half), `--concurrency N` (64), `--cold N` (10000), `--server process|in-process`
 * (process), `--no-ky`, `--no-retoken`, `--no-otel`, `--no-redis`, `--strict` (exit 1 when the
 * throughput target is missed too, not only on a wrong count).
 * @module
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import ky from 'ky';
import { ConfidentialClient, type ConfidentialClientOptions } from '../src/index.js';
import { measureDpopOverhead } from './dpop.js';
import { collectGarbage, median, type RoundResult, runLoad } from './load.js';
import { measureOverhead, measureSignalOverhead } from './overhead.js';
import { redisServerAvailable, runFleet, startRedis } from './redis.js';
import { type BenchServer, type ServerStats, startServer } from './server.js';
import { startServerProcess } from './server-process.js';
import { measureTelemetryOverhead } from './telemetry.js';

/** The whole run must end within four minutes, whatever happens. */
const DEADLINE_MS = 240_000;
/**
 * No new measured pair starts after these times from the start: the A/A control, then
 * `client.fetch` vs `fetch`, then ky (section 1); the rest is for 2, 3 and 4.
 */
const AA_BUDGET_MS = 25_000;
const AB_BUDGET_MS = 65_000;
const PAIRS_BUDGET_MS = 85_000;
/** Time for the measured pairs of section 4 (Redis store vs memory store). */
const REDIS_PAIRS_BUDGET_MS = 25_000;
const RATIO_TARGET = 0.97;

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '12' },
    concurrency: { type: 'string', default: '64' },
    cold: { type: 'string', default: '10000' },
    server: { type: 'string', default: 'process' },
    'no-ky': { type: 'boolean', default: false },
    'no-retoken': { type: 'boolean', default: false },
    'no-otel': { type: 'boolean', default: false },
    'no-redis': { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
  },
});
const REQUESTS = positive(args.requests, 'requests');
const ROUNDS = positive(args.rounds, 'rounds');
const CONCURRENCY = positive(args.concurrency, 'concurrency');
const COLD = positive(args.cold, 'cold');
if (args.server !== 'process' && args.server !== 'in-process') {
  throw new Error('bench: --server must be "process" or "in-process"');
}

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${DEADLINE_MS / 1000} s; giving up.`);
  process.exit(2);
}, DEADLINE_MS);
watchdog.unref();

const startedAt = performance.now();
const server: BenchServer =
  args.server === 'process' ? await startServerProcess() : await startServer();
const { origin } = server;
const resourceUrl = `${origin}/resource`;
const clients: ConfidentialClient[] = [];

interface Verdict {
  readonly metric: string;
  readonly value: string;
  readonly target: string;
  /** `undefined`: information only. */
  readonly pass: boolean | undefined;
  /** A miss is a correctness failure: exit 1 even without `--strict`. */
  readonly correctness: boolean;
}
const verdicts: Verdict[] = [];

try {
  console.info(
    `confidential-client bench · node ${process.version} · ${availableParallelism()} cpus · ` +
      `server: ${args.server === 'process' ? 'child process' : 'in-process'} (${origin}) · ` +
      `${REQUESTS} requests/round · concurrency ${CONCURRENCY}\n`,
  );
  await throughput();
  await overhead();
  await signalOverhead();
  await dpopOverhead();
  if (!args['no-otel']) await telemetryOverhead();
  await coldStart();
  if (!args['no-retoken']) await retoken();
  if (!args['no-redis']) await redisStore();
} finally {
  for (const client of clients) await client.close();
  await server.close();
  clearTimeout(watchdog);
}
report();

// ---------------------------------------------------------------------------------------------

function newClient(
  options: Pick<ConfidentialClientOptions, 'fetch' | 'store'> = {},
): ConfidentialClient {
  // tokenUrl on the resource's origin: the default `origins` (the token URL's origin) covers it.
  const client = new ConfidentialClient({
    tokenUrl: `${origin}/token`,
    clientId: 'bench-client',
    clientSecret: 'bench-secret',
    ...options,
  });
  clients.push(client);
  return client;
}

async function control(path: string, method = 'POST'): Promise<Response> {
  const response = await fetch(`${origin}${path}`, { method });
  if (!response.ok) throw new Error(`bench: ${method} ${path} answered ${response.status}`);
  return response;
}

async function serverStats(): Promise<ServerStats> {
  return (await (await control('/__stats', 'GET')).json()) as ServerStats;
}

async function expectOk(response: Response): Promise<void> {
  // Both sides read the whole body: an unread body keeps its connection busy.
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`bench: /resource answered ${response.status}`);
}

interface Side {
  readonly name: string;
  readonly once: () => Promise<void>;
}

/** Rounds of two sides, paired in time. */
interface Comparison {
  readonly a: RoundResult[];
  readonly b: RoundResult[];
  /** Per pair: b's throughput / a's. */
  readonly ratios: number[];
  /** Per pair: a's CPU time per request / b's (the CPU-bound throughput ratio), all threads. */
  readonly cpuRatios: number[];
  /** The same, main thread only (`NaN` where it cannot be read). */
  readonly mainCpuRatios: number[];
  /** TCP connections the server accepted during each measured round. */
  readonly connections: number[];
}

/**
 * Alternating rounds of two sides (A B, B A, A B …) after one warm-up round each; a server-counter
 * reset before every round, and a check that the server answered every request of the round with
 * 200. Adjacent rounds form a pair, so slow drift (other processes, CPU frequency) cancels out in
 * the pair's ratio, and the alternating order cancels any bias of going first or second.
 *
 * One full GC before the comparison, none between its rounds: a forced full GC lets V8 discard
 * optimized code, so the rounds after it measure recompilation (more of it for the side with
 * more code on its path) rather than the steady state. Rounds are long (4,000 requests) so that
 * the GCs V8 runs by itself fall on both sides alike.
 */
async function compare(
  a: Side,
  b: Side,
  rounds: number,
  budgetEnd = startedAt + PAIRS_BUDGET_MS,
): Promise<Comparison> {
  const result: Comparison = {
    a: [],
    b: [],
    ratios: [],
    cpuRatios: [],
    mainCpuRatios: [],
    connections: [],
  };
  collectGarbage();
  const round = async (side: Side): Promise<RoundResult> => {
    await control('/__reset');
    const measured = await runLoad(side.once, REQUESTS, CONCURRENCY);
    const stats = await serverStats();
    if (stats.resourceOk !== REQUESTS) {
      throw new Error(`bench: ${side.name}: the server saw ${stats.resourceOk}/${REQUESTS} OK`);
    }
    result.connections.push(stats.connections);
    return measured;
  };
  console.info(
    `   #  order                    ${`${a.name} r/s`.padStart(13)}  ${`${b.name} r/s`.padStart(13)}` +
      `   ratio   CPU µs/req main thread (+ other threads) ${a.name} / ${b.name}`,
  );
  // Warm-up: JIT, connection pool, token cache.
  await round(a);
  await round(b);
  result.connections.length = 0;
  for (let i = 0; i < rounds; i++) {
    if (performance.now() > budgetEnd) {
      console.info(`  (stopped after ${i} pairs to stay within the time budget)`);
      break;
    }
    const aFirst = i % 2 === 0;
    let ra = aFirst ? await round(a) : undefined;
    const rb = await round(b);
    ra ??= await round(a);
    result.a.push(ra);
    result.b.push(rb);
    result.ratios.push(rb.perSecond / ra.perSecond);
    result.cpuRatios.push(ra.cpuMicros / rb.cpuMicros);
    result.mainCpuRatios.push(ra.mainCpuMicros / rb.mainCpuMicros);
    const order = aFirst ? `${a.name} → ${b.name}` : `${b.name} → ${a.name}`;
    console.info(
      `  ${String(i + 1).padStart(2)}  ${order.padEnd(25)}${fmt(ra.perSecond, 0).padStart(13)}  ` +
        `${fmt(rb.perSecond, 0).padStart(13)}  ${fmt(rb.perSecond / ra.perSecond, 3).padStart(6)}` +
        `   ${cpu(ra)} / ${cpu(rb)}`,
    );
  }
  return result;
}

/** CPU µs per request of a round: main thread (+ the other threads). */
function cpu(r: RoundResult): string {
  return `${fmt(r.mainCpuMicros, 0)} (+${fmt(r.otherCpuMicros, 0)})`;
}

/** Prints the medians of both sides, the median ratio and its spread; returns that ratio. */
function summarize(run: Comparison, a: string, b: string): number {
  const ratio = median(run.ratios);
  const side = (name: string, results: RoundResult[]) =>
    `${name} ${fmt(median(results.map((r) => r.perSecond)), 0)} r/s ` +
    `(${fmt(median(results.map((r) => r.mainCpuMicros)), 1)} µs main-thread CPU/req + ` +
    `${fmt(median(results.map((r) => r.otherCpuMicros)), 1)} on other threads; event loop ` +
    `${fmt(100 * median(results.map((r) => r.eventLoopUtilization)), 0)} % busy)`;
  console.info(
    `  median: ${side(a, run.a)}, ${side(b, run.b)}\n` +
      `  ratio ${b}/${a}: median ${fmt(ratio, 3)} [min ${fmt(Math.min(...run.ratios), 3)}, ` +
      `max ${fmt(Math.max(...run.ratios), 3)}]; main-thread CPU ratio ` +
      `${fmt(median(run.mainCpuRatios), 3)} (all threads ${fmt(median(run.cpuRatios), 3)}); ` +
      `new connections per round ${Math.min(...run.connections)}–${Math.max(...run.connections)}`,
  );
  return ratio;
}

async function throughput(): Promise<void> {
  const client = newClient();
  // The raw side sends the very token the client holds: the same header bytes on the wire.
  const token = await client.getToken();
  const fixed = { authorization: token.authorization };

  // Both sides use the global fetch, hence undici's global dispatcher and its keep-alive pool:
  // the client's default `fetch` calls globalThis.fetch at request time.
  const raw: Side = {
    name: 'fetch',
    once: async () => expectOk(await fetch(resourceUrl, { headers: fixed })),
  };
  const authorized: Side = {
    name: 'client.fetch',
    once: async () => expectOk(await client.fetch(resourceUrl)),
  };
  // A/A control: the same raw fetch on both sides. Its spread is the run's noise floor: an A/B
  // difference smaller than it says nothing.
  const rawAgain: Side = {
    name: 'fetch′',
    once: async () => expectOk(await fetch(resourceUrl, { headers: fixed })),
  };
  console.info(`1a. A/A control: fetch vs fetch, ${CONCURRENCY} in flight`);
  const controlRun = await compare(
    raw,
    rawAgain,
    Math.max(1, Math.ceil(ROUNDS / 2)),
    startedAt + AA_BUDGET_MS,
  );
  const noise = summarize(controlRun, 'fetch', 'fetch′');
  console.info('');
  verdicts.push({
    metric: `A/A control fetch′ / fetch req/s, median of ${controlRun.ratios.length} pairs`,
    value: `${fmt(noise, 3)} [${fmt(Math.min(...controlRun.ratios), 3)}, ${fmt(Math.max(...controlRun.ratios), 3)}]`,
    target: 'info (noise floor)',
    pass: undefined,
    correctness: false,
  });

  console.info(`1. fetch vs client.fetch, cached token, ${CONCURRENCY} in flight`);
  const fetchRun = await compare(raw, authorized, ROUNDS, startedAt + AB_BUDGET_MS);
  const ratio = summarize(fetchRun, 'fetch', 'client.fetch');
  console.info(`  token requests over all rounds: ${client.stats().tokenRequests}\n`);
  verdicts.push({
    metric: `client.fetch / fetch main-thread CPU per request, median of ${fetchRun.ratios.length} pairs`,
    value: fmt(1 / median(fetchRun.mainCpuRatios), 3),
    target: 'info',
    pass: undefined,
    correctness: false,
  });
  verdicts.push({
    metric: `client.fetch / fetch req/s, median of ${fetchRun.ratios.length} pairs`,
    value: `${fmt(ratio, 3)} [${fmt(Math.min(...fetchRun.ratios), 3)}, ${fmt(Math.max(...fetchRun.ratios), 3)}]`,
    target: `≥ ${RATIO_TARGET}`,
    pass: ratio >= RATIO_TARGET,
    correctness: false,
  });

  if (args['no-ky']) return;
  const rawKy = ky.create({ headers: fixed });
  const authorizedKy = client.ky;
  console.info(`3a. ky vs client.ky, cached token, ${CONCURRENCY} in flight`);
  const kyRun = await compare(
    { name: 'ky', once: async () => void (await rawKy.get(resourceUrl).arrayBuffer()) },
    {
      name: 'client.ky',
      once: async () => void (await authorizedKy.get(resourceUrl).arrayBuffer()),
    },
    Math.max(1, Math.ceil(ROUNDS / 2)),
  );
  const kyRatio = summarize(kyRun, 'ky', 'client.ky');
  console.info('');
  verdicts.push({
    metric: `client.ky / ky req/s, median of ${kyRun.ratios.length} pairs`,
    value: fmt(kyRatio, 3),
    target: 'info',
    pass: undefined,
    correctness: false,
  });
}

/**
 * 10,000 `client.fetch` calls started at once on a client with an empty cache: all of them must
 * wait on one token request. The client's `fetch` keeps 64 requests in flight at most, so that
 * the 10,000 resource requests that follow do not open 10,000 sockets (file descriptors); it
 * does not change when or how often the client asks for a token.
 */
async function coldStart(): Promise<void> {
  const client = newClient({ fetch: limited(CONCURRENCY) });
  collectGarbage();
  await control('/__reset');
  const t0 = performance.now();
  const responses = await Promise.all(
    Array.from({ length: COLD }, () => client.fetch(resourceUrl)),
  );
  const ms = performance.now() - t0;
  const ok = responses.filter((r) => r.status === 200).length;
  const stats = await serverStats();
  const clientStats = client.stats();
  console.info(
    `2. ${COLD} concurrent cold client.fetch calls: ${stats.tokenRequests} token request(s) at ` +
      `the server (client stats: ${clientStats.tokenRequests} token requests, ` +
      `${clientStats.cacheMisses} cache misses), ${ok}/${COLD} answered 200, all done in ` +
      `${fmt(ms, 0)} ms\n`,
  );
  verdicts.push({
    metric: `token requests, ${COLD} cold concurrent calls`,
    value: String(stats.tokenRequests),
    target: '= 1',
    pass: stats.tokenRequests === 1 && ok === COLD,
    correctness: true,
  });
}

/** A `fetch` with at most `max` requests in flight; a slot frees once its body is read. */
function limited(max: number): typeof fetch {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (input, init) => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      const response = await fetch(input, init);
      const body = await response.arrayBuffer();
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } finally {
      // Hand the slot straight to the next waiter, or give it back.
      const next = waiting.shift();
      if (next !== undefined) next();
      else active--;
    }
  };
}

/**
 * The 401 path: the server revokes every token, so the next `client.fetch` gets a 401, drops its
 * token, gets a new one and replays. Latency of that call vs a call on a cached token (one at a
 * time), then token requests for 64 concurrent calls that all hit the 401.
 */
async function retoken(): Promise<void> {
  const SAMPLES = 100;
  const client = newClient();
  await expectOk(await client.fetch(resourceUrl));
  const cached: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await expectOk(await client.fetch(resourceUrl));
    cached.push(performance.now() - t0);
  }
  await control('/__reset');
  const replayed: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await control('/__revoke');
    const t0 = performance.now();
    await expectOk(await client.fetch(resourceUrl));
    replayed.push(performance.now() - t0);
  }
  const sequential = await serverStats();

  await control('/__revoke');
  await control('/__reset');
  const responses = await Promise.all(
    Array.from({ length: CONCURRENCY }, () => client.fetch(resourceUrl)),
  );
  for (const response of responses) await expectOk(response);
  const concurrent = await serverStats();
  console.info(
    `3b. 401 → new token → replay: p50 ${fmt(median(replayed), 2)} ms vs ` +
      `${fmt(median(cached), 2)} ms on a cached token, one call at a time ` +
      `(${sequential.tokenRequests} token requests, ${sequential.resourceUnauthorized} 401s for ` +
      `${SAMPLES} revocations); ${CONCURRENCY} concurrent calls hitting the 401 → ` +
      `${concurrent.tokenRequests} token request(s), ${concurrent.resourceUnauthorized} 401s\n`,
  );
  verdicts.push({
    metric: '401 → re-token → replay latency, p50',
    value: `${fmt(median(replayed), 2)} ms`,
    target: `info (cached: ${fmt(median(cached), 2)} ms)`,
    pass: undefined,
    correctness: false,
  });
  verdicts.push({
    metric: `token requests, ${CONCURRENCY} concurrent 401s`,
    value: String(concurrent.tokenRequests),
    target: '= 1',
    pass: concurrent.tokenRequests === 1 && sequential.tokenRequests === SAMPLES,
    correctness: true,
  });
}

/** A DPoP proof per request, without the network (information). */
async function dpopOverhead(): Promise<void> {
  const m = await measureDpopOverhead();
  const extra = (alg: string) => (m.dpopMicros[alg] ?? Number.NaN) - m.bearerMicros;
  console.info(
    `1d. DPoP: client.fetch on a cached token with a proof per request, stub fetch (no network): ` +
      `${fmt(m.bearerMicros, 1)} µs without DPoP; ES256 ${fmt(m.dpopMicros.ES256 ?? Number.NaN, 1)} µs ` +
      `(+${fmt(extra('ES256'), 1)}), EdDSA ${fmt(m.dpopMicros.EdDSA ?? Number.NaN, 1)} µs ` +
      `(+${fmt(extra('EdDSA'), 1)}) per call\n`,
  );
  verdicts.push({
    metric: 'DPoP proof per request (ES256 / EdDSA), extra per call',
    value: `${fmt(extra('ES256'), 1)} / ${fmt(extra('EdDSA'), 1)} µs`,
    target: 'info',
    pass: undefined,
    correctness: false,
  });
}

/**
 * Section 4: the Redis token store. Its first level answers `peek` without I/O, so a cached token
 * costs what it costs with the memory store; then a fleet of 8 processes on one Redis.
 */
async function redisStore(): Promise<void> {
  if (!redisServerAvailable) {
    console.info('4. Redis token store: SKIPPED (no redis-server; apt-get install redis-server)\n');
    verdicts.push({
      metric: 'Redis store',
      value: 'skipped: no redis-server',
      target: 'info',
      pass: undefined,
      correctness: false,
    });
    return;
  }
  const redis = await startRedis();
  try {
    const memory = newClient();
    const shared = newClient({ store: await redis.store() });
    await memory.getToken();
    await shared.getToken();
    console.info(
      `4a. client.fetch, memory store vs RedisTokenStore, cached token, ${CONCURRENCY} in flight`,
    );
    const run = await compare(
      { name: 'memory', once: async () => expectOk(await memory.fetch(resourceUrl)) },
      { name: 'redis', once: async () => expectOk(await shared.fetch(resourceUrl)) },
      ROUNDS,
      performance.now() + REDIS_PAIRS_BUDGET_MS,
    );
    const ratio = summarize(run, 'memory', 'redis');
    console.info(`  token requests over all rounds: ${shared.stats().tokenRequests}\n`);
    verdicts.push({
      metric: `client.fetch Redis store / memory store req/s, median of ${run.ratios.length} pairs`,
      value: fmt(ratio, 3),
      target: `≥ ${RATIO_TARGET}`,
      pass: ratio >= RATIO_TARGET,
      correctness: false,
    });

    const cold = await runFleet({ redisUrl: redis.url, workers: 8, requests: 200 });
    const renewal = await runFleet({
      redisUrl: redis.url,
      workers: 8,
      tokenLifetime: 2,
      durationMs: 6_000,
    });
    // A 2-second token is fresh for 1 s (refreshBefore): about one renewal a second.
    const windows = Math.round(renewal.seconds);
    console.info(
      `4b. fleet of 8 processes (examples/fleet.ts) on one Redis: cold start, 8 × 200 calls → ` +
        `${cold.serverTokenRequests} token request(s) at the server, ${cold.failures} failed; ` +
        `2-second tokens for ${fmt(renewal.seconds, 1)} s (${renewal.requests} calls, ` +
        `${renewal.requestsPerSecond} req/s) → ${renewal.serverTokenRequests} token requests ` +
        `(~${windows} refresh windows; 8 processes on their own would make ~${8 * (windows + 1)}), ` +
        `${renewal.failures} failed\n`,
    );
    verdicts.push({
      metric: 'token requests, fleet of 8 × 200 cold calls',
      value: String(cold.serverTokenRequests),
      target: '= 1',
      pass: cold.serverTokenRequests === 1 && cold.failures === 0,
      correctness: true,
    });
    verdicts.push({
      metric: `token requests, fleet of 8, 2-s tokens for ${fmt(renewal.seconds, 1)} s`,
      value: String(renewal.serverTokenRequests),
      target: `≤ ${windows + 2} (one per window)`,
      pass: renewal.serverTokenRequests <= windows + 2 && renewal.failures === 0,
      correctness: true,
    });
  } finally {
    await redis.close();
  }
}

/** The package's own cost per call, without the network (information). */
async function signalOverhead(): Promise<void> {
  const m = await measureSignalOverhead(collectGarbage);
  const extra = m.timedMicros - m.plainMicros;
  console.info(
    `1c. requestTimeout + one long-lived caller signal, stub fetch (no network): ` +
      `${fmt(extra, 2)} µs more per call (${fmt(m.plainMicros, 2)} → ${fmt(m.timedMicros, 2)} µs); ` +
      `AbortSignal.any + AbortSignal.timeout would add ${fmt(m.anyTimeoutMicros, 2)} µs. ` +
      `After 100,000 timed calls: heap ${fmt(m.heapGrowth / 1024, 0)} KiB, ` +
      `${m.listeners} listener(s) left on the signal\n`,
  );
  verdicts.push({
    metric: 'requestTimeout + shared signal, extra per call',
    value: `${fmt(extra, 2)} µs (any+timeout: ${fmt(m.anyTimeoutMicros, 2)} µs)`,
    target: 'info',
    pass: undefined,
    correctness: false,
  });
  verdicts.push({
    metric: 'listeners left on a shared signal after 100,000 timed calls',
    value: String(m.listeners),
    target: '0',
    pass: m.listeners === 0,
    correctness: true,
  });
}

async function overhead(): Promise<void> {
  const { rawMicros, clientMicros } = await measureOverhead();
  const extra = clientMicros - rawMicros;
  console.info(
    `\n1b. client.fetch overhead over a stub fetch (no network): ${fmt(extra, 2)} µs per call ` +
      `(stub alone ${fmt(rawMicros, 2)} µs, through client.fetch ${fmt(clientMicros, 2)} µs)\n`,
  );
  verdicts.push({
    metric: 'client.fetch overhead, stub fetch, per call',
    value: `${fmt(extra, 2)} µs`,
    target: 'info',
    pass: undefined,
    correctness: false,
  });
}

async function telemetryOverhead(): Promise<void> {
  const { offMicros, noopMicros, sdkMicros } = await measureTelemetryOverhead();
  console.info(
    `\n1e. openTelemetryHooks() on client.fetch over a stub fetch (no network): ` +
      `${fmt(offMicros, 2)} µs without hooks, ${fmt(noopMicros, 2)} µs with no SDK registered, ` +
      `${fmt(sdkMicros, 2)} µs with the metrics and trace SDKs (+${fmt(sdkMicros - offMicros, 2)} µs)\n`,
  );
  verdicts.push({
    metric: 'openTelemetryHooks with the SDKs, extra per client.fetch (stub fetch)',
    value: `${fmt(sdkMicros - offMicros, 2)} µs`,
    target: 'info',
    pass: undefined,
    correctness: false,
  });
}

function report(): void {
  const rows = [
    ['metric', 'value', 'target', 'verdict'],
    ...verdicts.map((v) => [
      v.metric,
      v.value,
      v.target,
      v.pass === undefined ? '' : v.pass ? 'PASS' : 'FAIL',
    ]),
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const r of rows) {
    console.info(`  ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ')}`.trimEnd());
  }
  const failed = verdicts.filter((v) => v.pass === false);
  const seconds = fmt((performance.now() - startedAt) / 1000, 1);
  console.info(
    failed.length === 0
      ? `\nPASS: every target met (${seconds} s)`
      : `\nFAIL: ${failed.map((v) => v.metric).join('; ')} (${seconds} s)`,
  );
  if (failed.some((v) => v.correctness || args.strict)) process.exitCode = 1;
}

function fmt(value: number, digits: number): string {
  return value.toFixed(digits);
}

function positive(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench: --${name} must be a whole number ≥ 1`);
  return n;
}
