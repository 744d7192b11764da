/**
 * What `openTelemetryHooks()` costs a `client.fetch(url)` on a cached token (one cache hit
 * counted per call), without the network: the same stub `fetch` as `overhead.ts`, on three
 * clients: no hooks, the hooks with no SDK registered (the API's no-op meter), and the hooks on
 * an SDK `MeterProvider` and `BasicTracerProvider` (aggregating in memory, as in production
 * between two exports).
 * @module
 */
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { ConfidentialClient, type Hooks } from '../src/index.js';
import { openTelemetryHooks } from '../src/opentelemetry/index.js';

/** Median µs per `client.fetch` of each side. */
export interface TelemetryOverhead {
  readonly offMicros: number;
  readonly noopMicros: number;
  readonly sdkMicros: number;
}

/** A reader that is never collected: the SDK aggregates, nothing exports. */
class IdleReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * @param calls - Calls per round.
 * @param rounds - Rounds per side, in rotating order.
 * @returns Median µs per call of each side.
 */
export async function measureTelemetryOverhead(
  calls = 100_000,
  rounds = 9,
): Promise<TelemetryOverhead> {
  const response = new Response(null, { status: 200 });
  const stub = (async (input: RequestInfo | URL) =>
    String(input).endsWith('/token')
      ? Response.json({ access_token: 'overhead-token', token_type: 'Bearer', expires_in: 3600 })
      : response) as typeof fetch;
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  const tracerProvider = new BasicTracerProvider();
  const client = (hooks: Hooks | undefined) =>
    new ConfidentialClient({
      tokenUrl: 'https://overhead.invalid/token',
      clientId: 'overhead',
      clientSecret: 'overhead-secret',
      fetch: stub,
      ...(hooks === undefined ? {} : { hooks }),
    });
  const sides = [
    client(undefined),
    client(openTelemetryHooks()),
    client(openTelemetryHooks({ meterProvider, tracerProvider })),
  ];
  for (const side of sides) await side.getToken();
  const url = 'https://overhead.invalid/resource';
  const time = async (side: ConfidentialClient): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await side.fetch(url);
    return ((performance.now() - t0) * 1000) / calls;
  };
  for (const side of sides) await time(side); // warm-up: JIT
  const times: number[][] = sides.map(() => []);
  // The order rotates each round, so that drift on a shared machine falls on every side alike.
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < sides.length; k++) {
      const n = (i + k) % sides.length;
      times[n]?.push(await time(sides[n] as ConfidentialClient));
    }
  }
  for (const side of sides) await side.close();
  await meterProvider.shutdown();
  const median = (values: number[] | undefined = []) =>
    [...values].sort((a, b) => a - b)[values.length >> 1] ?? Number.NaN;
  return { offMicros: median(times[0]), noopMicros: median(times[1]), sdkMicros: median(times[2]) };
}
