import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Attributes,
  type Context,
  type ContextManager,
  context,
  metrics,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  DataPointType,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { isConfigurationError, type TokenRequestEvent } from 'confidential-client';
import {
  INSTRUMENTATION_SCOPE,
  type OpenTelemetryOptions,
  openTelemetryHooks,
} from 'confidential-client/opentelemetry';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { MFP, SAMPLE, useEmulator } from './helpers/emulator.js';
import { flush, tokenResponse } from './helpers/token-server.js';

const mfp = useEmulator();
const TOKEN_URL = `${MFP}/mfp/api/az/v1/token`;

/** A reader that hands over what it collects, on demand. */
class TestReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function telemetry() {
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  /** Every metric collected so far, by name. */
  const collect = async (): Promise<Map<string, MetricData>> => {
    const { resourceMetrics } = await reader.collect();
    const byName = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics) {
      expect(scope.scope.name).toBe(INSTRUMENTATION_SCOPE);
      for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
    }
    return byName;
  };
  /** The sum of a counter over its data points whose attributes include `where`. */
  const total = async (name: string, where: Attributes = {}): Promise<number> => {
    const metric = (await collect()).get(name);
    if (metric === undefined) return 0;
    let sum = 0;
    for (const point of metric.dataPoints) {
      if (Object.entries(where).every(([k, v]) => point.attributes[k] === v)) {
        sum += point.value as number;
      }
    }
    return sum;
  };
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  const hooks = (options: OpenTelemetryOptions = {}) =>
    openTelemetryHooks({ meterProvider, tracerProvider, ...options });
  return { meterProvider, tracerProvider, collect, total, spans, hooks };
}

/** The active context for synchronous code: enough to start a span under another. */
class StackContextManager implements ContextManager {
  #active: Context = ROOT_CONTEXT;
  active(): Context {
    return this.#active;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const previous = this.#active;
    this.#active = ctx;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.#active = previous;
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    return this;
  }
}

/** The active context across awaits, as the Node SDK's context manager keeps it. */
class AsyncContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.#storage.disable();
    return this;
  }
}

afterEach(() => {
  metrics.disable();
  trace.disable();
  context.disable();
});

describe('OpenTelemetry metrics', () => {
  it('each instrument counts what stats() counts: token requests, cache, renewals, 401s, 403s', async () => {
    const otel = telemetry();
    // Every token is stale at once: each hit also starts one background renewal.
    const client = mfp.client({
      hooks: otel.hooks(),
      refresh: { refreshBefore: (lifetime) => lifetime },
    });
    expect((await client.fetch(SAMPLE)).status).toBe(200); // miss, 403, step-up
    expect((await client.fetch(SAMPLE)).status).toBe(200); // hit (+ renewal)
    await flush();
    mfp.emulator.revokeAllTokens();
    expect((await client.fetch(SAMPLE)).status).toBe(200); // hit, 401, re-authentication
    await flush();

    const stats = client.stats();
    expect(stats).toMatchObject({ stepUps: 1, reauthentications: 1, failures: 0 });
    expect(stats.refreshes).toBeGreaterThan(0);
    expect(await otel.total('confidential_client.token.requests')).toBe(stats.tokenRequests);
    expect(
      await otel.total('confidential_client.token.requests', {
        'confidential_client.outcome': 'success',
        'http.response.status_code': 200,
        'server.address': 'localhost',
        'server.port': 9080,
      }),
    ).toBe(stats.tokenRequests);
    expect(
      await otel.total('confidential_client.token.requests', {
        'confidential_client.token.renewal': true,
      }),
    ).toBe(stats.refreshes);
    expect(await otel.total('confidential_client.cache.hits')).toBe(stats.cacheHits);
    expect(await otel.total('confidential_client.cache.misses')).toBe(stats.cacheMisses);
    expect(await otel.total('confidential_client.token.renewals')).toBe(stats.refreshes);
    expect(await otel.total('confidential_client.reauthentications')).toBe(1);
    expect(await otel.total('confidential_client.step_ups')).toBe(1);
    expect(await otel.total('confidential_client.token.failures')).toBe(0);

    const duration = (await otel.collect()).get('confidential_client.token.request.duration');
    expect(duration?.descriptor).toMatchObject({ unit: 's' });
    expect(duration?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const count = (duration?.dataPoints ?? []).reduce(
      (n, point) => n + (point.value as { count: number }).count,
      0,
    );
    expect(count).toBe(stats.tokenRequests);
    // No scope, resource or token among the metrics' attributes: low cardinality, no secrets.
    for (const metric of (await otel.collect()).values()) {
      for (const point of metric.dataPoints) {
        expect(JSON.stringify(point.attributes)).not.toMatch(/scope|sample|resource|Bearer/i);
      }
    }
  });

  it('token requests by outcome, with error.type and the OAuth error; failures for good', async () => {
    const otel = telemetry();
    const client = mfp.client({ hooks: otel.hooks(), retry: { retries: 3, minTimeout: 0 } });
    mfp.emulator.failNextTokenRequests(1, { kind: 'server-error', status: 503 });
    mfp.emulator.failNextTokenRequests(1, { kind: 'drop' });
    await client.getToken();
    // A body that is not a token is final, not retried.
    const malformed = mfp.client({ hooks: otel.hooks() });
    mfp.emulator.failNextTokenRequests(1, { kind: 'malformed' });
    await expect(malformed.getToken()).rejects.toThrow();
    const bad = mfp.client({ hooks: otel.hooks(), clientSecret: 'wrong' });
    await expect(bad.getToken()).rejects.toThrow();

    const requests = (where: Attributes) => otel.total('confidential_client.token.requests', where);
    expect(
      await requests({
        'confidential_client.outcome': 'error_response',
        'error.type': '503',
        'http.response.status_code': 503,
      }),
    ).toBe(1);
    expect(
      await requests({
        'confidential_client.outcome': 'network_error',
        'error.type': 'NetworkError',
      }),
    ).toBe(1);
    expect(
      await requests({
        'confidential_client.outcome': 'invalid_response',
        'error.type': 'TokenResponseError',
      }),
    ).toBe(1);
    expect(await requests({ 'confidential_client.outcome': 'success' })).toBe(1);
    expect(
      await requests({
        'confidential_client.outcome': 'error_response',
        'confidential_client.oauth.error': 'invalid_client',
      }),
    ).toBe(1);
    expect(
      await otel.total('confidential_client.token.failures', {
        'confidential_client.outcome': 'error_response',
        'confidential_client.token.renewal': false,
      }),
    ).toBe(1);
    expect(
      await otel.total('confidential_client.token.failures', {
        'confidential_client.outcome': 'invalid_response',
      }),
    ).toBe(1);
    // A transport failure has no status; an answered one does.
    const metric = (await otel.collect()).get('confidential_client.token.requests');
    const dropped = metric?.dataPoints.find(
      (p) => p.attributes['confidential_client.outcome'] === 'network_error',
    );
    expect(dropped?.attributes).not.toHaveProperty('http.response.status_code');
  });

  it('adds the attributes option to every measurement and span', async () => {
    const otel = telemetry();
    const attributes = { 'confidential_client.client_id': 'test' };
    const client = mfp.client({ hooks: otel.hooks({ attributes }) });
    await client.getToken();
    await client.getToken();
    expect(await otel.total('confidential_client.cache.hits', attributes)).toBe(1);
    expect(await otel.total('confidential_client.token.requests', attributes)).toBe(1);
    expect(otel.spans()[0]?.attributes).toMatchObject(attributes);
  });

  it('uses the global providers by default, read at the first event (an SDK started later counts)', async () => {
    const hooks = openTelemetryHooks();
    const client = mfp.client({ hooks });
    const otel = telemetry();
    metrics.setGlobalMeterProvider(otel.meterProvider);
    trace.setGlobalTracerProvider(otel.tracerProvider);
    await client.getToken();
    expect(await otel.total('confidential_client.token.requests')).toBe(1);
    expect(otel.spans()).toHaveLength(1);
  });
});

describe('OpenTelemetry spans', () => {
  it('one CLIENT span per token request, named and described after the HTTP conventions', async () => {
    const otel = telemetry();
    const client = mfp.client({
      hooks: otel.hooks(),
      scope: 'accessRestricted',
      retry: { retries: 1, minTimeout: 0 },
    });
    mfp.emulator.failNextTokenRequests(1, { kind: 'server-error', status: 503 });
    await client.getToken();
    const [failed, ok] = otel.spans();
    expect(otel.spans()).toHaveLength(2);
    expect(ok?.name).toBe('POST');
    expect(ok?.kind).toBe(SpanKind.CLIENT);
    expect(ok?.instrumentationScope.name).toBe(INSTRUMENTATION_SCOPE);
    expect(ok?.attributes).toEqual({
      'http.request.method': 'POST',
      'server.address': 'localhost',
      'server.port': 9080,
      'url.full': TOKEN_URL,
      'http.request.resend_count': 1,
      'http.response.status_code': 200,
      'confidential_client.token.scope': 'accessRestricted',
      'confidential_client.token.renewal': false,
    });
    expect(ok?.status.code).toBe(SpanStatusCode.UNSET);

    expect(failed?.attributes).toMatchObject({
      'http.response.status_code': 503,
      'error.type': '503',
    });
    expect(failed?.attributes).not.toHaveProperty('http.request.resend_count');
    expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(failed?.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('a request sent again with a DPoP nonce is a span of its own, counted as a resend', async () => {
    const otel = telemetry();
    let n = 0;
    mfp.server.use(
      http.post(TOKEN_URL, () =>
        ++n === 1
          ? HttpResponse.json(
              { error: 'use_dpop_nonce' },
              { status: 400, headers: { 'dpop-nonce': 'n-1' } },
            )
          : tokenResponse({ tokenType: 'DPoP' }),
      ),
    );
    const client = mfp.client({ hooks: otel.hooks(), dpop: true, retry: false });
    await client.getToken();
    const [nonce, sent] = otel.spans();
    expect(otel.spans()).toHaveLength(2);
    expect(nonce?.attributes).toMatchObject({
      'http.response.status_code': 400,
      'confidential_client.oauth.error': 'use_dpop_nonce',
    });
    expect(nonce?.attributes).not.toHaveProperty('http.request.resend_count');
    expect(sent?.attributes).toMatchObject({
      'http.request.resend_count': 1,
      'http.response.status_code': 200,
    });
    expect(await otel.total('confidential_client.token.requests')).toBe(2);
  });

  it('a refused request: status ERROR with the OAuth error, never the secret', async () => {
    const otel = telemetry();
    const client = mfp.client({ hooks: otel.hooks(), clientSecret: 'wrong-s3cret' });
    await expect(client.getToken()).rejects.toThrow();
    const [span] = otel.spans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'invalid_client' });
    expect(span?.attributes).toMatchObject({ 'confidential_client.oauth.error': 'invalid_client' });
    expect(JSON.stringify([span?.attributes, span?.events])).not.toContain('wrong-s3cret');
  });

  it('a request without an answer: status ERROR with the message, and no status code', async () => {
    const otel = telemetry();
    const client = mfp.client({ hooks: otel.hooks(), retry: false });
    mfp.emulator.failNextTokenRequests(1, { kind: 'drop' });
    await expect(client.getToken()).rejects.toThrow();
    const [span] = otel.spans();
    expect(span?.attributes).toMatchObject({ 'error.type': 'NetworkError' });
    expect(span?.attributes).not.toHaveProperty('http.response.status_code');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.status.message).toMatch(/^confidential-client: /);
  });

  it('a token request waited for is a child of the caller’s active span (AsyncLocalStorage)', async () => {
    const otel = telemetry();
    context.setGlobalContextManager(new AsyncContextManager());
    const client = mfp.client({ hooks: otel.hooks() });
    const handler = otel.tracerProvider.getTracer('test').startSpan('GET /orders');
    await context.with(trace.setSpan(ROOT_CONTEXT, handler), () => client.getToken());
    handler.end();
    const request = otel.spans().find((s) => s.name === 'POST');
    expect(request?.spanContext().traceId).toBe(handler.spanContext().traceId);
    expect(request?.parentSpanContext?.spanId).toBe(handler.spanContext().spanId);
  });

  it('a background renewal is a trace of its own, linked to the span that was active', async () => {
    const otel = telemetry();
    const hooks = otel.hooks();
    const tracer = otel.tracerProvider.getTracer('test');
    context.setGlobalContextManager(new StackContextManager());
    const caller = tracer.startSpan('caller');
    const event: TokenRequestEvent = {
      tokenUrl: TOKEN_URL,
      scope: [],
      attempt: 1,
      resend: 0,
      background: true,
    };
    context.with(trace.setSpan(context.active(), caller), () => hooks.onTokenRequest?.(event));
    hooks.onTokenResponse?.({ request: event, status: 200, error: undefined });
    caller.end();
    const renewal = otel.spans().find((s) => s.name === 'POST');
    expect(renewal?.parentSpanContext).toBeUndefined();
    expect(renewal?.links.map((l) => l.context.spanId)).toEqual([caller.spanContext().spanId]);
    expect(renewal?.attributes['confidential_client.token.renewal']).toBe(true);
  });

  it('url.full carries no credentials: user information and query values are redacted', () => {
    const otel = telemetry();
    const hooks = otel.hooks();
    const event: TokenRequestEvent = {
      tokenUrl: 'https://user:pass@idp.example.com:8443/oauth2/token?code=k3y&tenant=t#frag',
      scope: [],
      attempt: 1,
      resend: 0,
      background: false,
    };
    hooks.onTokenRequest?.(event);
    hooks.onTokenResponse?.({ request: event, status: 200, error: undefined });
    expect(otel.spans()[0]?.attributes).toMatchObject({
      'server.address': 'idp.example.com',
      'server.port': 8443,
      'url.full':
        'https://REDACTED:REDACTED@idp.example.com:8443/oauth2/token?code=REDACTED&tenant=REDACTED',
    });
  });
});

describe('openTelemetryHooks options', () => {
  it.each([
    [{ meterProvidr: {} }, 'meterProvidr', /did you mean `meterProvider`/],
    [{ tracerProvider: {} }, 'tracerProvider', /TracerProvider/],
    [{ meterProvider: 1 }, 'meterProvider', /MeterProvider/],
    [{ attributes: 'x' }, 'attributes', /object/],
  ])('refuses %j, naming %s', (options, option, message) => {
    let error: unknown;
    try {
      openTelemetryHooks(options as OpenTelemetryOptions);
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error) && error.option).toBe(option);
    expect((error as Error).message).toMatch(message);
  });
});
