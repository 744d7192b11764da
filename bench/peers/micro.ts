/**
 * Measurements of the client alone, without a network (a stub `fetch`), run by
 * `bench/peers/run.ts` in a fresh process started with `--expose-gc` and a large young
 * generation (so that no scavenge runs during the allocation count): prints one JSON line.
 *
 * - `getToken()` cache hits per second (awaited one after another) and bytes allocated per hit
 *   (heap growth over 100,000 hits with no GC in between; the number of GCs is reported, and the
 *   figure is only meaningful when it is 0);
 * - the heap after 10,000 and after 1,000,000 `client.fetch` calls (64 in flight, one answer
 *   object reused), each after a full GC.
 * @module
 */
import { GCProfiler } from 'node:v8';
import { ConfidentialClient } from '../../src/index.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('bench: run with --expose-gc');
const quick = process.argv.includes('--quick');

const tokenBody = JSON.stringify({
  access_token: 'micro-token',
  token_type: 'Bearer',
  expires_in: 3600,
});
const ok = new Response(null, { status: 200 });
const stub: typeof fetch = async (input) =>
  String(input instanceof Request ? input.url : input).endsWith('/token')
    ? new Response(tokenBody, { headers: { 'content-type': 'application/json' } })
    : ok;
const client = new ConfidentialClient({
  tokenUrl: 'http://127.0.0.1:1/token',
  clientId: 'micro',
  clientSecret: 'micro-secret',
  fetch: stub,
});
await client.getToken();

const tick = () => new Promise((resolve) => setImmediate(resolve));

// Warm-up: the hot path optimized before anything is counted.
for (let i = 0; i < 200_000; i++) await client.getToken();
const HITS = 100_000;
gc();
await tick();
const profiler = new GCProfiler();
profiler.start();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < HITS; i++) await client.getToken();
const allocated = process.memoryUsage().heapUsed - before;
const gcsDuringCount = profiler.stop()?.statistics.length ?? Number.NaN;

const TIMED = quick ? 500_000 : 2_000_000;
const t0 = performance.now();
for (let i = 0; i < TIMED; i++) await client.getToken();
const hitsPerSecond = (TIMED / (performance.now() - t0)) * 1000;

const url = 'http://127.0.0.1:1/resource';
const heapAfter = async (calls: number): Promise<number> => {
  let started = 0;
  const worker = async () => {
    while (started < calls) {
      started++;
      await client.fetch(url);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  gc();
  await tick();
  gc();
  return process.memoryUsage().heapUsed;
};
const FETCHES = quick ? 200_000 : 1_000_000;
gc();
const heapStart = process.memoryUsage().heapUsed;
const heap10k = await heapAfter(10_000);
const heapMany = await heapAfter(FETCHES - 10_000);
await client.close();
console.log(
  JSON.stringify({
    hitsPerSecond,
    bytesPerHit: allocated / HITS,
    gcsDuringCount,
    heapStart,
    heap10k,
    heapMany,
    fetches: FETCHES,
  }),
);
