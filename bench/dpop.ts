/**
 * What DPoP costs per `client.fetch`, without the network: a client with `dpop` (a proof signed
 * per request) against the same client without it, each on a cached token and a stub `fetch`. The
 * difference is the proof: claims, `jti`, one signature (ES256 or EdDSA), and the promise hops.
 * @module
 */
import { ConfidentialClient, type DpopOptions } from '../src/index.js';

/** Microseconds per call of each side, median of a few alternating rounds. */
export interface DpopOverhead {
  readonly bearerMicros: number;
  /** Per algorithm: µs per call with a proof. */
  readonly dpopMicros: Readonly<Record<string, number>>;
}

/**
 * @param calls - Calls per round.
 * @param rounds - Alternating rounds per side.
 * @returns Median µs per call, without DPoP and with it per algorithm.
 */
export async function measureDpopOverhead(calls = 4_000, rounds = 3): Promise<DpopOverhead> {
  const ok = new Response(null, { status: 200 });
  const client = (dpop: DpopOptions | undefined) =>
    new ConfidentialClient({
      tokenUrl: 'https://dpop-overhead.invalid/token',
      clientId: 'overhead',
      clientSecret: 'overhead-secret',
      ...(dpop === undefined ? {} : { dpop }),
      fetch: (async (input: RequestInfo | URL) =>
        String(input).endsWith('/token')
          ? Response.json({
              access_token: 'overhead-token',
              token_type: dpop === undefined ? 'Bearer' : 'DPoP',
              expires_in: 3600,
            })
          : ok) as typeof fetch,
    });
  const url = 'https://dpop-overhead.invalid/resource';
  const sides = {
    bearer: client(undefined),
    ES256: client({ alg: 'ES256' }),
    EdDSA: client({ alg: 'EdDSA' }),
  };
  const time = async (c: ConfidentialClient): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await c.fetch(url);
    return ((performance.now() - t0) * 1000) / calls;
  };
  const times: Record<string, number[]> = {};
  for (const [name, c] of Object.entries(sides)) {
    await c.getToken();
    await time(c); // warm-up: JIT, key generation
    times[name] = [];
  }
  for (let i = 0; i < rounds; i++) {
    for (const [name, c] of Object.entries(sides)) times[name]?.push(await time(c));
  }
  for (const c of Object.values(sides)) await c.close();
  const median = (values: number[] = []) =>
    [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
  return {
    bearerMicros: median(times.bearer),
    dpopMicros: { ES256: median(times.ES256), EdDSA: median(times.EdDSA) },
  };
}
