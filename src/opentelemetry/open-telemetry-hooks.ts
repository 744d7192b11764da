import {
  type Attributes,
  context,
  type Link,
  type MeterProvider,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import {
  ConfigurationError,
  type ErrorEvent,
  type Hooks,
  type TokenRequestEvent,
  type TokenResponseEvent,
} from 'confidential-client';
import { findUnknownKey, shortKey } from '../util/unknown-keys.js';
import { classifyFailure, type ServerAttributes, serverAttributes } from './attributes.js';
import { createInstruments, INSTRUMENTATION_SCOPE, type Instruments } from './instruments.js';

/** Options of {@link openTelemetryHooks}. */
export interface OpenTelemetryOptions {
  /**
   * Where the counters and the histogram go.
   * @default the global one (`metrics.getMeterProvider()`), read at the first event, so that an
   *   SDK started after the client is created still receives them
   */
  meterProvider?: MeterProvider | undefined;
  /**
   * Where the spans go.
   * @default the global one (`trace.getTracerProvider()`)
   */
  tracerProvider?: TracerProvider | undefined;
  /**
   * Attributes added to every measurement and span, e.g.
   * `{ 'confidential_client.client_id': 'backend' }` to tell several clients of one process apart.
   * @default {}
   */
  attributes?: Attributes | undefined;
}

const OPTION_KEYS: ReadonlySet<string> = new Set<keyof OpenTelemetryOptions>([
  'meterProvider',
  'tracerProvider',
  'attributes',
]);

/** A span under way and when its request started (`performance.now()`). */
interface Started {
  readonly span: Span;
  readonly startedAt: number;
}

/**
 * Hooks that turn a client's events into OpenTelemetry metrics and spans: pass them as the
 * client's `hooks` (or next to your own: `hooks: [openTelemetryHooks(), { onError }]`).
 *
 * - `confidential_client.token.requests` (counter) and `confidential_client.token.request.duration`
 *   (histogram, seconds): each HTTP request to the token endpoint, with `confidential_client.outcome`
 *   (`success`, `error_response`, `invalid_response`, `network_error`, `timeout`, `cancelled`),
 *   `error.type`, `http.response.status_code`, `server.address`, `server.port` and
 *   `confidential_client.token.renewal`;
 * - `confidential_client.token.failures`, `.token.renewals`, `.cache.hits`, `.cache.misses`,
 *   `.reauthentications`, `.step_ups`: counters that match `client.stats()`;
 * - one span per HTTP request to the token endpoint, kind `CLIENT`, named `POST` after the HTTP
 *   conventions, with `http.request.method`, `server.address`, `server.port`, `url.full` (no
 *   credentials, query values redacted), `http.response.status_code`, `http.request.resend_count`
 *   on retries, `error.type`, the requested scope (`confidential_client.token.scope`) and status
 *   `ERROR` on failure. A background renewal starts a trace of its own, linked to the span that
 *   was active.
 *
 * No token, secret or resource URL is ever an attribute. The scope is on spans only (metrics stay
 * low in cardinality).
 *
 * @param options - Providers (the global ones by default) and attributes for every signal.
 * @returns The hooks.
 * @throws {ConfigurationError} When an option is unknown or of the wrong type.
 * @example
 * ```ts
 * const client = new ConfidentialClient({ ...options, hooks: openTelemetryHooks() });
 * ```
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/
 */
export function openTelemetryHooks(options: OpenTelemetryOptions = {}): Hooks {
  const { meterProvider, tracerProvider, attributes } = checkOptions(options);
  const base: Attributes = { ...attributes };
  let instruments: Instruments | undefined;
  const metrics = (): Instruments => {
    instruments ??= createInstruments(meterProvider);
    return instruments;
  };
  let tracer: Tracer | undefined;
  const started = new WeakMap<TokenRequestEvent, Started>();
  let server: { readonly tokenUrl: string; readonly attributes: ServerAttributes } | undefined;
  const serverOf = (tokenUrl: string): ServerAttributes => {
    if (server?.tokenUrl !== tokenUrl)
      server = { tokenUrl, attributes: serverAttributes(tokenUrl) };
    return server.attributes;
  };

  return {
    onTokenRequest(event) {
      const { 'url.full': url, ...address } = serverOf(event.tokenUrl);
      const spanAttributes: Attributes = {
        ...base,
        'http.request.method': 'POST',
        ...address,
        'url.full': url,
        'confidential_client.token.renewal': event.background,
      };
      if (event.resend > 0) spanAttributes['http.request.resend_count'] = event.resend;
      if (event.scope.length > 0) {
        spanAttributes['confidential_client.token.scope'] = event.scope.join(' ');
      }
      tracer ??= (tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE);
      const active = context.active();
      // A renewal runs on behalf of no caller: its own trace, linked to the span that started it.
      const parent = trace.getSpanContext(active);
      const links: Link[] = event.background && parent !== undefined ? [{ context: parent }] : [];
      const span = tracer.startSpan(
        'POST',
        { kind: SpanKind.CLIENT, attributes: spanAttributes, root: event.background, links },
        active,
      );
      started.set(event, { span, startedAt: performance.now() });
    },

    onTokenResponse(event: TokenResponseEvent) {
      const request = event.request;
      const entry = started.get(request);
      started.delete(request);
      const measured: Attributes = {
        ...base,
        ...serverAddress(serverOf(request.tokenUrl)),
        'confidential_client.token.renewal': request.background,
      };
      if (event.status !== undefined) measured['http.response.status_code'] = event.status;
      if (event.error === undefined) {
        measured['confidential_client.outcome'] = 'success';
      } else {
        const failure = classifyFailure(event.error);
        measured['confidential_client.outcome'] = failure.outcome;
        measured['error.type'] = failure.errorType;
        if (failure.oauthError !== undefined) {
          measured['confidential_client.oauth.error'] = failure.oauthError;
        }
      }
      const { requests, duration } = metrics();
      requests.add(1, measured);
      if (entry === undefined) return;
      duration.record((performance.now() - entry.startedAt) / 1_000, measured);
      endSpan(entry.span, event, measured);
    },

    onError(event: ErrorEvent) {
      const failure = classifyFailure(event.error);
      metrics().failures.add(1, {
        ...base,
        'confidential_client.outcome': failure.outcome,
        'error.type': failure.errorType,
        'confidential_client.token.renewal': event.background,
      });
    },

    onCacheLookup(event) {
      const { cacheHits, cacheMisses } = metrics();
      (event.hit ? cacheHits : cacheMisses).add(1, base);
    },

    onRefresh() {
      metrics().renewals.add(1, base);
    },

    onReauthentication() {
      metrics().reauthentications.add(1, base);
    },

    onStepUp() {
      metrics().stepUps.add(1, base);
    },
  };
}

function serverAddress(server: ServerAttributes): Attributes {
  return { 'server.address': server['server.address'], 'server.port': server['server.port'] };
}

/** Sets the answer's attributes and the status (the HTTP conventions' rules), then ends. */
function endSpan(span: Span, event: TokenResponseEvent, measured: Attributes): void {
  if (event.status !== undefined) span.setAttribute('http.response.status_code', event.status);
  if (event.error !== undefined) {
    span.setAttribute('error.type', measured['error.type'] as string);
    const oauthError = measured['confidential_client.oauth.error'];
    if (oauthError !== undefined) span.setAttribute('confidential_client.oauth.error', oauthError);
    if (event.error instanceof Error) span.recordException(event.error);
    // The conventions leave out a description the status code already tells; an OAuth error
    // code, or the message of a failure without an answer, is what it does not tell.
    const message =
      typeof oauthError === 'string'
        ? oauthError
        : event.status === undefined && event.error instanceof Error
          ? event.error.message
          : undefined;
    span.setStatus(
      message === undefined
        ? { code: SpanStatusCode.ERROR }
        : { code: SpanStatusCode.ERROR, message },
    );
  }
  span.end();
}

function checkOptions(options: unknown): OpenTelemetryOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options', 'of openTelemetryHooks() must be an object.');
  }
  const unknown = findUnknownKey(options, OPTION_KEYS);
  if (unknown !== undefined) {
    const hint =
      unknown.suggestion === undefined ? '' : ` (did you mean \`${unknown.suggestion}\`?)`;
    throw new ConfigurationError(
      shortKey(unknown.key),
      `is not an option of openTelemetryHooks()${hint}; check its spelling.`,
    );
  }
  const { meterProvider, tracerProvider, attributes } = options as OpenTelemetryOptions;
  if (meterProvider !== undefined && typeof meterProvider.getMeter !== 'function') {
    throw new ConfigurationError('meterProvider', 'must be a MeterProvider (with getMeter).');
  }
  if (tracerProvider !== undefined && typeof tracerProvider.getTracer !== 'function') {
    throw new ConfigurationError('tracerProvider', 'must be a TracerProvider (with getTracer).');
  }
  if (attributes !== undefined && (typeof attributes !== 'object' || attributes === null)) {
    throw new ConfigurationError('attributes', 'must be an object of attributes.');
  }
  return { meterProvider, tracerProvider, attributes };
}
