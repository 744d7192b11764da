/**
 * The client's own cost per call, without the network: `client.fetch(url)` on a cached token
 * against calling the same stub `fetch` with a fixed header. The stub answers at once, so what is
 * left is this package's code (and the promise hops it adds).
 * @module
 */
import { getEventListeners } from 'node:events';
import { ConfidentialClient } from '../src/index.js';

/** Microseconds per call of each side, median of a few alternating rounds. */
export interface Overhead {
  readonly rawMicros: number;
  readonly clientMicros: number;
}

/**
 * @param calls - Calls per round (bounded loop).
 * @param rounds - Alternating rounds per side.
 * @returns Median µs per call of the stub alone and through `client.fetch`.
 */
export async function measureOverhead(calls = 100_000, rounds = 5): Promise<Overhead> {
  const response = new Response(null, { status: 200 });
  const stub = (async () => response) as unknown as typeof fetch;
  const client = new ConfidentialClient({
    tokenUrl: 'https://overhead.invalid/token',
    clientId: 'overhead',
    clientSecret: 'overhead-secret',
    fetch: (async (input: RequestInfo | URL) =>
      String(input).endsWith('/token')
        ? Response.json({ access_token: 'overhead-token', token_type: 'Bearer', expires_in: 3600 })
        : response) as typeof fetch,
  });
  const url = 'https://overhead.invalid/resource';
  const token = await client.getToken();
  const headers = { authorization: token.authorization };
  const time = async (once: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await once();
    return ((performance.now() - t0) * 1000) / calls;
  };
  const raw = () => stub(url, { headers });
  const authorized = () => client.fetch(url);
  await time(raw);
  await time(authorized); // warm-up: JIT
  const rawTimes: number[] = [];
  const clientTimes: number[] = [];
  for (let i = 0; i < rounds; i++) {
    rawTimes.push(await time(raw));
    clientTimes.push(await time(authorized));
  }
  await client.close();
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
  return { rawMicros: median(rawTimes), clientMicros: median(clientTimes) };
}

/** What a per-request time limit with a caller's signal costs, and whether it holds memory. */
export interface SignalOverhead {
  /** µs per `client.fetch(url)` without a time limit or signal. */
  readonly plainMicros: number;
  /** µs per `client.fetch(url, { signal })` on a client with `requestTimeout`. */
  readonly timedMicros: number;
  /**
   * µs per call of what the client did before (and what a user would write by hand):
   * `AbortSignal.any([signal, AbortSignal.timeout(ms)])` around the stub fetch, minus the stub.
   */
  readonly anyTimeoutMicros: number;
  /** Heap growth after all timed calls with one long-lived signal and a full GC, in bytes. */
  readonly heapGrowth: number;
  /** `abort` listeners on the long-lived signal after the calls (0 when nothing is kept). */
  readonly listeners: number;
}

/**
 * `client.fetch` with `requestTimeout` and one long-lived caller signal (a load harness's shutdown
 * signal) against the same calls without either, each answered by a stub `fetch` with a body.
 *
 * @param calls - Calls per round.
 * @param rounds - Alternating rounds per side.
 * @param collectGarbage - A full GC.
 */
export async function measureSignalOverhead(
  collectGarbage: () => void,
  calls = 20_000,
  rounds = 5,
): Promise<SignalOverhead> {
  const stub = (async () => new Response('ok')) as unknown as typeof fetch;
  const make = (requestTimeout?: number) =>
    new ConfidentialClient({
      tokenUrl: 'https://overhead.invalid/token',
      clientId: 'overhead',
      clientSecret: 'overhead-secret',
      ...(requestTimeout === undefined ? {} : { requestTimeout }),
      fetch: (async (input: RequestInfo | URL) =>
        String(input).endsWith('/token')
          ? Response.json({
              access_token: 'overhead-token',
              token_type: 'Bearer',
              expires_in: 3600,
            })
          : new Response('ok')) as typeof fetch,
    });
  const plain = make();
  const timed = make(10_000);
  const url = 'https://overhead.invalid/resource';
  const token = await plain.getToken();
  await timed.getToken();
  const headers = { authorization: token.authorization };
  const shutdown = new AbortController();
  const { signal } = shutdown;
  const time = async (once: () => Promise<Response>): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await (await once()).arrayBuffer();
    return ((performance.now() - t0) * 1000) / calls;
  };
  const sides = {
    plain: () => plain.fetch(url),
    timed: () => timed.fetch(url, { signal }),
    stub: () => stub(url, { headers }),
    any: () =>
      stub(url, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]) }),
  };
  // A full GC, then time for the finalizers it queued, twice over.
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  await time(sides.plain);
  await time(sides.timed); // warm-up: JIT
  await settle();
  const heapBefore = process.memoryUsage().heapUsed;
  const times: Record<keyof typeof sides, number[]> = { plain: [], timed: [], stub: [], any: [] };
  for (let i = 0; i < rounds; i++) {
    times.plain.push(await time(sides.plain));
    times.timed.push(await time(sides.timed));
  }
  await settle();
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  const listeners = getEventListeners(signal, 'abort').length;
  await time(sides.stub);
  await time(sides.any);
  for (let i = 0; i < rounds; i++) {
    times.stub.push(await time(sides.stub));
    times.any.push(await time(sides.any));
  }
  await plain.close();
  await timed.close();
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
  return {
    plainMicros: median(times.plain),
    timedMicros: median(times.timed),
    anyTimeoutMicros: median(times.any) - median(times.stub),
    heapGrowth,
    listeners,
  };
}
