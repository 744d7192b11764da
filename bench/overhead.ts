/**
 * The client's own cost per call, without the network: `client.fetch(url)` on a cached token
 * against calling the same stub `fetch` with a fixed header. The stub answers at once, so what is
 * left is this package's code (and the promise hops it adds).
 * @module
 */
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
