import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  ClientStats,
  ConfidentialClientOptions,
  Hooks,
  TokenRequestEvent,
  TokenResponseEvent,
} from '../src/index.js';
import { isConfigurationError, isNetworkError, isTokenRequestError } from '../src/index.js';
import { SAMPLE, useEmulator } from './helpers/emulator.js';
import { flush } from './helpers/token-server.js';

const mfp = useEmulator();

/** Hooks that record every event by name. */
function recorder() {
  const events: Record<string, unknown[]> = {};
  const on =
    (name: string) =>
    (event: unknown): void => {
      events[name] ??= [];
      events[name].push(event);
    };
  const hooks: Required<Hooks> = {
    onTokenRequest: on('onTokenRequest'),
    onTokenResponse: on('onTokenResponse'),
    onCacheLookup: on('onCacheLookup'),
    onRefresh: on('onRefresh'),
    onReauthentication: on('onReauthentication'),
    onStepUp: on('onStepUp'),
    onToken: on('onToken'),
    onRetry: on('onRetry'),
    onError: on('onError'),
  };
  const count = (name: keyof Hooks) => events[name]?.length ?? 0;
  return { events, hooks, count };
}

describe('hooks', () => {
  it('each hook mirrors its counter of stats(): cache, refresh, 401 re-authentication, 403 step-up', async () => {
    const { hooks, events, count } = recorder();
    // Every token is stale at once: each hit also starts one background refresh.
    const client = mfp.client({ hooks, refresh: { refreshBefore: (lifetime) => lifetime } });
    expect((await client.fetch(SAMPLE)).status).toBe(200); // miss, 403, step-up (miss)
    expect((await client.fetch(SAMPLE)).status).toBe(200); // hit (+ refresh)
    await flush();
    mfp.emulator.revokeAllTokens();
    expect((await client.fetch(SAMPLE)).status).toBe(200); // hit, 401, re-authentication
    await flush();

    const stats: ClientStats = client.stats();
    const lookups = (events.onCacheLookup ?? []) as Array<{ hit: boolean }>;
    expect(lookups.filter((e) => e.hit)).toHaveLength(stats.cacheHits);
    expect(lookups.filter((e) => !e.hit)).toHaveLength(stats.cacheMisses);
    expect(count('onTokenRequest')).toBe(stats.tokenRequests);
    expect(count('onTokenResponse')).toBe(stats.tokenRequests);
    expect(count('onRefresh')).toBe(stats.refreshes);
    expect(count('onReauthentication')).toBe(stats.reauthentications);
    expect(count('onStepUp')).toBe(stats.stepUps);
    expect(stats).toMatchObject({ stepUps: 1, reauthentications: 1 });
    expect(stats.refreshes).toBeGreaterThan(0);
    expect(stats.cacheHits).toBeGreaterThan(0);

    expect(events.onStepUp?.[0]).toEqual({
      resource: SAMPLE,
      scope: ['RegisteredClient', 'accessRestricted'],
      status: 403,
    });
    expect(events.onReauthentication?.[0]).toEqual({
      resource: SAMPLE,
      scope: ['RegisteredClient', 'accessRestricted'],
      status: 401,
    });
    expect(lookups[0]).toEqual({ scope: [], hit: false });
    expect(events.onRefresh?.[0]).toEqual({ scope: ['RegisteredClient', 'accessRestricted'] });
  });

  it('onTokenResponse ends each onTokenRequest (the same event object), with the status or the error', async () => {
    const { hooks, events } = recorder();
    const client = mfp.client({ hooks, retry: { retries: 2, minTimeout: 0 } });
    mfp.emulator.failNextTokenRequests(1, { kind: 'server-error', status: 503 });
    mfp.emulator.failNextTokenRequests(1, { kind: 'drop' });
    await client.getToken();
    const requests = events.onTokenRequest as TokenRequestEvent[];
    const responses = events.onTokenResponse as TokenResponseEvent[];
    expect(requests.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(requests.map((r) => r.resend)).toEqual([0, 1, 2]);
    expect(responses.map((r) => r.request)).toEqual(requests);
    expect(responses[0]?.request).toBe(requests[0]);
    expect(responses[0]?.status).toBe(503);
    expect(isTokenRequestError(responses[0]?.error)).toBe(true);
    expect(responses[1]).toMatchObject({ status: undefined });
    expect(isNetworkError(responses[1]?.error)).toBe(true);
    expect(responses[2]).toEqual({ request: requests[2], status: 200, error: undefined });
  });

  it('takes a list of hook sets: each runs, and one that throws does not stop the next', async () => {
    const seen: string[] = [];
    const client = mfp.client({
      hooks: [
        {
          onToken: () => {
            throw new Error('broken');
          },
        },
        { onToken: () => seen.push('second'), onCacheLookup: () => seen.push('lookup') },
      ],
    });
    await client.getToken();
    expect(seen).toEqual(['lookup', 'second']);
  });

  it('a hook left undefined is skipped, and one that throws a non-Error is logged too', async () => {
    const warnings: string[] = [];
    const seen: string[] = [];
    const client = mfp.client({
      logger: { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} },
      hooks: [
        { onToken: undefined, onCacheLookup: () => seen.push('lookup') } as unknown as Hooks,
        {
          onCacheLookup: () => {
            throw 'not an Error';
          },
        },
      ],
    });
    await client.getToken();
    expect(seen).toEqual(['lookup']);
    expect(warnings).toEqual(['confidential-client: the onCacheLookup hook threw; ignored.']);
  });

  it.each([
    [[{ onToken: () => {} }, { onTokne: () => {} }], 'hooks[1].onTokne'],
    [[{}, 'x'], 'hooks[1]'],
    [{ onStepUp: 1 }, 'hooks.onStepUp'],
  ])('refuses a bad hook set in the constructor: %j names %s', (hooks, option) => {
    let error: unknown;
    try {
      mfp.client({ hooks: hooks as Hooks });
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error) && error.option).toBe(option);
  });

  it('the option takes one set or a list (types)', () => {
    expectTypeOf<ConfidentialClientOptions['hooks']>().toEqualTypeOf<
      Hooks | readonly Hooks[] | undefined
    >();
  });
});
