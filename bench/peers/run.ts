/**
 * `npm run bench:peers`: this package next to what a user would pick instead, in one run, on a
 * loopback resource server and a token endpoint that answers in 20 ms (bench/peers/server.ts, in a
 * child process). BENCHMARKS.md explains each scenario and how to read the table.
 *
 * Options: `--quick` (shorter rounds and runs, for development), `--only a,b` (scenarios:
 * steady, cold, renewal, revocation, scope, fleet, micro, import), `--peers a,b`.
 * @module
 */
import { execFile, fork } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { RedisServer, redisServerAvailable } from '../../test/helpers/redis-process.js';
import { mainThreadCpuMicros, median } from '../load.js';
import {
  type CallRecord,
  control,
  percentile,
  recordLoad,
  serverStats,
  startPeerServer,
  traceResourceRequests,
} from './harness.js';
import { createPeer, PEER_NAMES, type Peer, type PeerName } from './peers.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    peers: { type: 'string' },
  },
});
const quick = args.quick;
const scenarios = new Set(
  (args.only ?? 'steady,cold,renewal,revocation,scope,fleet,micro,import').split(','),
);
const DEADLINE_MS = quick ? 240_000 : 600_000;
const watchdog = setTimeout(() => {
  console.error(`bench:peers: still running after ${DEADLINE_MS / 1000} s; giving up.`);
  process.exit(2);
}, DEADLINE_MS);
watchdog.unref();

const P = {
  steadyRequests64: quick ? 1_000 : 4_000,
  steadyRequests1: quick ? 300 : 1_500,
  steadyCycles: quick ? 1 : 5,
  storm: quick ? 2_000 : 10_000,
  renewalMs: quick ? 6_000 : 20_000,
  revocationMs: quick ? 3_000 : 6_000,
  scopeCalls: 100,
  fleetCold: quick ? 50 : 200,
  fleetSteadyMs: quick ? 3_000 : 6_000,
  importRuns: quick ? 3 : 9,
};

const server = await startPeerServer();
const { origin } = server;
const redis = redisServerAvailable ? new RedisServer() : undefined;
await redis?.start();
const peerNames = PEER_NAMES.filter(
  (name) =>
    (args.peers === undefined || args.peers.split(',').includes(name)) &&
    (name !== 'ours redis' || redis !== undefined),
);
const context = { origin, ...(redis === undefined ? {} : { redisUrl: redis.url }) };
const startedAt = performance.now();
const table: string[][] = [];
const notes: string[] = [];
const row = (...cells: string[]) => table.push(cells);

console.info(
  `confidential-client bench:peers${quick ? ' --quick' : ''} · node ${process.version} · ` +
    `${availableParallelism()} cpus (${cpus()[0]?.model ?? '?'}) · load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}` +
    ` · server ${origin} (child process), token endpoint latency 20 ms` +
    (redis === undefined ? ' · no redis-server: "ours redis" skipped' : ''),
);

try {
  traceResourceRequests();
  if (scenarios.has('steady')) {
    await steady(64, P.steadyRequests64);
    await steady(1, P.steadyRequests1);
  }
  if (scenarios.has('cold')) await cold();
  if (scenarios.has('renewal')) await renewal();
  if (scenarios.has('revocation')) await revocation();
  if (scenarios.has('scope')) await insufficientScope();
  if (scenarios.has('fleet')) await fleet();
  if (scenarios.has('micro')) await micro();
  if (scenarios.has('import')) await importTimes();
} finally {
  await redis?.stop();
  await server.close();
  clearTimeout(watchdog);
}
printTable();

// ---------------------------------------------------------------------------------------------

async function withPeer<T>(name: PeerName, body: (peer: Peer) => Promise<T>): Promise<T> {
  const peer = await createPeer(name, context);
  try {
    return await body(peer);
  } finally {
    await peer.close();
  }
}

function ok(records: readonly CallRecord[]): number {
  return records.filter((r) => r.status === 200).length;
}

/** An error in one line: its message and its cause's code, if any. */
function describe(error: unknown): string {
  const e = error as {
    message?: string;
    code?: string;
    cause?: { code?: string; message?: string };
  };
  const code = e.code ?? e.cause?.code ?? '';
  return `${String(e.message ?? error)
    .split('\n')[0]
    ?.slice(0, 100)}${code === '' ? '' : ` (${code})`}`;
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '–';
}

/**
 * Throughput on a cached token: every contender, one round each per cycle in a rotating order
 * (so that slow drift of the machine spreads over all), no GC forced between rounds; each ratio
 * is against the raw `fetch` round of the same cycle, then the median over cycles.
 */
async function steady(concurrency: number, requests: number): Promise<void> {
  const peers: Peer[] = [];
  for (const name of peerNames) peers.push(await createPeer(name, context));
  const perSecond = new Map<string, number[]>();
  const ratios = new Map<string, number[]>();
  const mainCpu = new Map<string, number[]>();
  try {
    const round = async (peer: Peer) => {
      let bad = 0;
      const cpu0 = mainThreadCpuMicros();
      const t0 = performance.now();
      let started = 0;
      const worker = async () => {
        while (started < requests) {
          started++;
          if ((await peer.call('/resource')) !== 200) bad++;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const ms = performance.now() - t0;
      if (bad > 0) throw new Error(`bench: ${peer.name}: ${bad} calls failed in a steady round`);
      return { perSecond: (requests / ms) * 1000, cpu: (mainThreadCpuMicros() - cpu0) / requests };
    };
    for (const peer of peers) await round(peer); // warm-up: tokens, connections, JIT
    for (let cycle = 0; cycle < P.steadyCycles; cycle++) {
      const order = peers.map((_, i) => peers[(i + cycle) % peers.length] as Peer);
      const results = new Map<string, { perSecond: number; cpu: number }>();
      for (const peer of order) results.set(peer.name, await round(peer));
      const base = results.get('fetch');
      for (const [name, r] of results) {
        perSecond.set(name, [...(perSecond.get(name) ?? []), r.perSecond]);
        mainCpu.set(name, [...(mainCpu.get(name) ?? []), r.cpu]);
        if (base !== undefined)
          ratios.set(name, [...(ratios.get(name) ?? []), r.perSecond / base.perSecond]);
      }
    }
  } finally {
    for (const peer of peers) await peer.close();
  }
  const line = (name: string) =>
    `${fmt(median(ratios.get(name) ?? []), 3)} (${fmt(median(perSecond.get(name) ?? []))} r/s, ` +
    `${fmt(median(mainCpu.get(name) ?? []))} µs main-thread CPU/req)`;
  console.info(
    `\nsteady, cached token, concurrency ${concurrency}: ${P.steadyCycles} cycle(s) × ${requests} requests per contender`,
  );
  for (const name of peerNames) console.info(`  ${name.padEnd(14)} ${line(name)}`);
  row(
    `steady c=${concurrency}: req/s ÷ raw fetch (median of ${P.steadyCycles})`,
    ...peerNames.map((name) => fmt(median(ratios.get(name) ?? []), 3)),
  );
  const baseCpu = median(mainCpu.get('fetch') ?? []);
  row(
    `steady c=${concurrency}: main-thread CPU µs/req (÷ raw fetch)`,
    ...peerNames.map((name) => {
      const value = median(mainCpu.get(name) ?? []);
      return `${fmt(value)} (${fmt(value / baseCpu, 2)})`;
    }),
  );
}

/** `P.storm` calls started in one synchronous loop on a new contender: token requests. */
async function cold(): Promise<void> {
  const counts: string[] = [];
  console.info(`\ncold storm: ${P.storm} calls at once on an empty cache`);
  for (const name of peerNames) {
    if (name === 'fetch') {
      counts.push('–');
      continue;
    }
    // The sockets of the contender before (thousands, for one without single-flight) stay open
    // until their idle timeout (4 s in undici, 5 s in Node's http agent): let them go first, or
    // this one runs out of file descriptors (EMFILE) for no fault of its own.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await withPeer(name, async (peer) => {
      await control(origin, '/__reset');
      const t0 = performance.now();
      const errors = new Map<string, number>();
      const statuses = await Promise.all(
        Array.from({ length: P.storm }, () =>
          peer.call('/resource').catch((error: unknown) => {
            const text = describe(error);
            errors.set(text, (errors.get(text) ?? 0) + 1);
            return 0;
          }),
        ),
      );
      const ms = performance.now() - t0;
      const stats = await serverStats(origin);
      const good = statuses.filter((s) => s === 200).length;
      console.info(
        `  ${name.padEnd(14)} ${stats.tokenRequests} token requests, ${good}/${P.storm} OK, ${fmt(ms)} ms`,
      );
      for (const [text, n] of errors) console.info(`    ${n} × ${text}`);
      counts.push(`${stats.tokenRequests}${good === P.storm ? '' : ` (${P.storm - good} failed)`}`);
    });
  }
  row(`cold storm of ${P.storm}: token requests`, ...counts);
}

/**
 * 2-second tokens, 64 calls in flight for `P.renewalMs`, after one warm-up call. A call "waited
 * on a token round trip" when its resource request left ≥ 10 ms after the call began (a token
 * request takes ≥ 20 ms; a cached token costs microseconds) with a token request at the server in
 * between. A call is "in a renewal window" when it overlapped a token request at the server. The
 * server refuses expired tokens (401).
 */
async function renewal(): Promise<void> {
  const cells = {
    tokens: [] as string[],
    failures: [] as string[],
    waited: [] as string[],
    p99: [] as string[],
  };
  console.info(`\n2-second tokens for ${P.renewalMs / 1000} s at concurrency 64`);
  await control(origin, '/__config?expiresIn=2');
  try {
    for (const name of peerNames) {
      if (name === 'fetch') {
        for (const list of Object.values(cells)) list.push('–');
        continue;
      }
      await withPeer(name, async (peer) => {
        await peer.call('/resource');
        await control(origin, '/__reset');
        const end = performance.now() + P.renewalMs;
        const records = await recordLoad(
          () => peer.call('/resource'),
          64,
          () => performance.now() >= end,
        );
        const stats = await serverStats(origin);
        const failures = records.length - ok(records);
        const overlaps = (r: CallRecord, end = r.end) =>
          stats.tokenIntervals.some(([from, to]) => r.start <= to && end >= from);
        // Waited: ≥ 10 ms between the call and its resource request, with a token request at the
        // server in between (on a loaded machine a preempted process can lose 10 ms anyway).
        const waited = records.filter(
          (r) => r.sent !== undefined && r.sent - r.start >= 10 && overlaps(r, r.sent),
        ).length;
        const latency = (r: CallRecord) => r.end - r.start;
        const inWindow = records.filter((r) => overlaps(r)).map(latency);
        const steadyLatencies = records.filter((r) => !overlaps(r)).map(latency);
        console.info(
          `  ${name.padEnd(14)} ${records.length} calls, ${stats.tokenRequests} token requests, ` +
            `${failures} failed, ${waited} waited on a token round trip; p99 ${fmt(percentile(inWindow, 99), 1)} ms ` +
            `in renewal windows (${inWindow.length} calls) vs ${fmt(percentile(steadyLatencies, 99), 1)} ms steady`,
        );
        if (peer.storeStats !== undefined) {
          const counted = Object.entries(peer.storeStats() as Record<string, unknown>)
            .filter(([, value]) => typeof value === 'number' && value > 0)
            .map(([key, value]) => `${key} ${value}`);
          console.info(`    store: ${counted.join(', ')}`);
        }
        cells.tokens.push(String(stats.tokenRequests));
        cells.failures.push(String(failures));
        cells.waited.push(`${waited} (${fmt((100 * waited) / records.length, 1)} %)`);
        cells.p99.push(
          `${fmt(percentile(inWindow, 99), 1)} / ${fmt(percentile(steadyLatencies, 99), 1)}`,
        );
      });
    }
  } finally {
    await control(origin, '/__config?expiresIn=3600');
  }
  const label = `2-s tokens, ${P.renewalMs / 1000} s, c=64`;
  row(`${label}: token requests`, ...cells.tokens);
  row(`${label}: caller-visible failures`, ...cells.failures);
  row(`${label}: calls that waited on a token round trip`, ...cells.waited);
  row(`${label}: p99 ms in renewal windows / steady`, ...cells.p99);
}

/** 64 calls in flight; every token revoked halfway: 401s the caller saw, token requests. */
async function revocation(): Promise<void> {
  const cells = { unauthorized: [] as string[], tokens: [] as string[] };
  console.info(
    `\nrevocation mid-run: ${P.revocationMs / 1000} s at concurrency 64, tokens revoked at half time`,
  );
  for (const name of peerNames) {
    if (name === 'fetch') {
      cells.unauthorized.push('–');
      cells.tokens.push('–');
      continue;
    }
    await withPeer(name, async (peer) => {
      await peer.call('/resource');
      await control(origin, '/__reset');
      const end = performance.now() + P.revocationMs;
      const revoke = setTimeout(() => void control(origin, '/__revoke'), P.revocationMs / 2);
      const records = await recordLoad(
        () => peer.call('/resource'),
        64,
        () => performance.now() >= end,
      );
      clearTimeout(revoke);
      const stats = await serverStats(origin);
      const unauthorized = records.filter((r) => r.status === 401).length;
      console.info(
        `  ${name.padEnd(14)} ${records.length} calls, ${unauthorized} answered 401 to the caller, ` +
          `${stats.tokenRequests} token requests, ${records.length - ok(records) - unauthorized} other failures`,
      );
      cells.unauthorized.push(String(unauthorized));
      cells.tokens.push(String(stats.tokenRequests));
    });
  }
  row('revocation mid-run: 401s the caller saw', ...cells.unauthorized);
  row('revocation mid-run: token requests', ...cells.tokens);
}

/** A resource that answers 403 insufficient_scope (scope="extra") to tokens without it. */
async function insufficientScope(): Promise<void> {
  const cells: string[] = [];
  console.info(
    `\n403 insufficient_scope: ${P.scopeCalls} calls, one at a time, to a resource that needs scope "extra"`,
  );
  for (const name of peerNames) {
    if (name === 'fetch') {
      cells.push('–');
      continue;
    }
    await withPeer(name, async (peer) => {
      await control(origin, '/__reset');
      const statuses: number[] = [];
      for (let i = 0; i < P.scopeCalls; i++)
        statuses.push(await peer.call('/scoped').catch(() => 0));
      const stats = await serverStats(origin);
      const good = statuses.filter((s) => s === 200).length;
      const forbidden = statuses.filter((s) => s === 403).length;
      console.info(
        `  ${name.padEnd(14)} ${good} × 200, ${forbidden} × 403, ${stats.tokenRequests} token requests`,
      );
      cells.push(
        forbidden === 0 ? `${good} × 200 (${stats.tokenRequests} tokens)` : `${forbidden} × 403`,
      );
    });
  }
  row(`403 insufficient_scope, ${P.scopeCalls} calls: what the caller got`, ...cells);
}

/** 8 processes, each with its own contender (ours redis: one Redis for all): token requests. */
async function fleet(): Promise<void> {
  const cells: string[] = [];
  const worker = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));
  console.info(
    `\nfleet of 8 processes: ${P.fleetCold} calls at once each, then 8 in flight each for ` +
      `${P.fleetSteadyMs / 1000} s, 2-second tokens`,
  );
  await control(origin, '/__config?expiresIn=2');
  try {
    for (const name of peerNames) {
      if (name === 'fetch') {
        cells.push('–');
        continue;
      }
      const children = Array.from({ length: 8 }, () =>
        fork(worker, {
          env: {
            ...process.env,
            PEER: name,
            ORIGIN: origin,
            REDIS_URL: redis?.url ?? '',
            REDIS_NAMESPACE: `fleet-${name.replace(' ', '-')}`,
            COLD: String(P.fleetCold),
            STEADY_MS: String(P.fleetSteadyMs),
          },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      );
      const message = (child: (typeof children)[number]) =>
        new Promise<unknown>((resolve, reject) => {
          child.once('message', resolve);
          // The answer may be delivered just after the exit: give it a moment before failing.
          child.once('exit', (code) =>
            setTimeout(() => reject(new Error(`bench: fleet worker exited (${code})`)), 2_000),
          );
        });
      try {
        await Promise.all(children.map(message));
        await control(origin, '/__reset');
        const results = children.map(message) as Promise<{
          calls: number;
          failures: number;
          why: Record<string, number>;
        }>[];
        for (const child of children) child.send('go');
        const done = await Promise.all(results);
        const stats = await serverStats(origin);
        const calls = done.reduce((sum, r) => sum + r.calls, 0);
        const failures = done.reduce((sum, r) => sum + r.failures, 0);
        const why = new Map<string, number>();
        for (const r of done) {
          for (const [k, n] of Object.entries(r.why)) why.set(k, (why.get(k) ?? 0) + n);
        }
        console.info(
          `  ${name.padEnd(14)} ${calls} calls, ${stats.tokenRequests} token requests, ${failures} failed` +
            (why.size === 0 ? '' : ` (${[...why].map(([k, n]) => `${n} × ${k}`).join(', ')})`),
        );
        cells.push(`${stats.tokenRequests}${failures === 0 ? '' : ` (${failures} failed)`}`);
      } catch (error) {
        for (const child of children) child.kill();
        console.info(`  ${name.padEnd(14)} ${describe(error)}`);
        cells.push('error');
      }
    }
  } finally {
    await control(origin, '/__config?expiresIn=3600');
  }
  row(`fleet of 8 processes, 2-s tokens, ${P.fleetSteadyMs / 1000} s: token requests`, ...cells);
}

/** getToken() hits, allocations per hit and the heap over many calls, in a fresh process. */
async function micro(): Promise<void> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      ...process.execArgv,
      '--expose-gc',
      '--min-semi-space-size=64',
      '--max-semi-space-size=128',
      fileURLToPath(new URL('./micro.ts', import.meta.url)),
      ...(quick ? ['--quick'] : []),
    ],
    { timeout: 120_000 },
  );
  const m = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
    hitsPerSecond: number;
    bytesPerHit: number;
    gcsDuringCount: number;
    heapStart: number;
    heap10k: number;
    heapMany: number;
    fetches: number;
  };
  const mib = (bytes: number) => `${fmt(bytes / 1_048_576, 2)} MiB`;
  const line =
    `getToken() cache hits: ${fmt(m.hitsPerSecond / 1e6, 2)} M/s, ${fmt(m.bytesPerHit)} bytes allocated per hit ` +
    `(${m.gcsDuringCount} GC during the count); heap after 10,000 client.fetch calls ${mib(m.heap10k)}, ` +
    `after ${m.fetches.toLocaleString('en')} ${mib(m.heapMany)} (stub fetch; ${mib(m.heapStart)} before)`;
  console.info(`\n${line}`);
  notes.push(line);
}

/** Cold `import()` of each entry point (built package) vs `import('ky')`: fresh processes. */
async function importTimes(): Promise<void> {
  const specifiers = [
    'ky',
    'confidential-client',
    'confidential-client/mobilefirst',
    'confidential-client/redis',
    'confidential-client/opentelemetry',
    'confidential-client/dev-server',
    'confidential-client/testing',
  ];
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const parts: string[] = [];
  try {
    for (const specifier of specifiers) {
      const times: number[] = [];
      for (let i = 0; i < P.importRuns; i++) {
        const { stdout } = await promisify(execFile)(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`,
          ],
          { cwd: root, timeout: 30_000 },
        );
        times.push(Number(stdout.trim()));
      }
      parts.push(`${specifier} ${fmt(median(times), 1)} ms`);
    }
  } catch (error) {
    parts.push(`(stopped: ${(error as Error).message.split('\n')[0]}; run npm run build first)`);
  }
  const line = `cold import() of the built package, median of ${P.importRuns} fresh processes: ${parts.join(', ')}`;
  console.info(`\n${line}`);
  notes.push(line);
}

function printTable(): void {
  if (table.length > 0) {
    const header = ['scenario', ...peerNames];
    const widths = header.map((_, c) =>
      Math.max(...[header, ...table].map((r) => (r[c] ?? '').length)),
    );
    const line = (cells: string[]) =>
      `| ${cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
    console.info(`\n${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}`);
    for (const r of table) console.info(line(r));
  }
  for (const note of notes) console.info(`\n${note}`);
  console.info(
    `\ndone in ${fmt((performance.now() - startedAt) / 1000, 1)} s · load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}
