import type { Counter, Histogram, MeterProvider } from '@opentelemetry/api';
import { metrics } from '@opentelemetry/api';

/** The instrumentation scope of every meter and tracer: the package's name. */
export const INSTRUMENTATION_SCOPE = 'confidential-client';

/** Every instrument {@link openTelemetryHooks} records to. */
export interface Instruments {
  readonly requests: Counter;
  readonly duration: Histogram;
  readonly failures: Counter;
  readonly renewals: Counter;
  readonly cacheHits: Counter;
  readonly cacheMisses: Counter;
  readonly reauthentications: Counter;
  readonly stepUps: Counter;
}

/**
 * The buckets of the conventions' `http.client.request.duration`, in seconds: a token request is
 * an HTTP request, and dashboards that know one read the other.
 */
const DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/**
 * Creates the instruments, named under `confidential_client.` (the conventions have none for
 * OAuth), with units in the conventions' notation.
 *
 * @param provider - The meter provider; the global one when `undefined`.
 * @returns The instruments.
 * @see https://opentelemetry.io/docs/specs/semconv/general/naming/
 */
export function createInstruments(provider: MeterProvider | undefined): Instruments {
  const meter = (provider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE);
  const counter = (name: string, unit: string, description: string) =>
    meter.createCounter(`confidential_client.${name}`, { unit, description });
  return {
    requests: counter(
      'token.requests',
      '{request}',
      'HTTP requests sent to the token endpoint, retries included (stats().tokenRequests).',
    ),
    duration: meter.createHistogram('confidential_client.token.request.duration', {
      unit: 's',
      description: 'Duration of HTTP requests to the token endpoint, until the answer is read.',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    failures: counter(
      'token.failures',
      '{failure}',
      'Token acquisitions that failed for good, background renewals included (stats().failures).',
    ),
    renewals: counter(
      'token.renewals',
      '{renewal}',
      'Background renewals of a still-valid token started (stats().refreshes).',
    ),
    cacheHits: counter(
      'cache.hits',
      '{lookup}',
      'Token lookups answered from the cache (stats().cacheHits).',
    ),
    cacheMisses: counter(
      'cache.misses',
      '{lookup}',
      'Token lookups that waited for the token endpoint, or were refused at once during a cooldown (stats().cacheMisses).',
    ),
    reauthentications: counter(
      'reauthentications',
      '{replay}',
      'Requests replayed with a new token after a 401 (stats().reauthentications).',
    ),
    stepUps: counter(
      'step_ups',
      '{replay}',
      'Requests replayed with a wider scope after a 403 insufficient_scope (stats().stepUps).',
    ),
  };
}
