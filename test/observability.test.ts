import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { Hooks } from '../src/index.js';
import type { TestClientOptions } from './helpers/token-server.js';
import { newClient, SERVER, tokenResponse, useTokenServer } from './helpers/token-server.js';

const srv = useTokenServer();

const setup = (extra: TestClientOptions = {}) => {
  const events: Array<[string, unknown]> = [];
  const lines: Array<[string, string]> = [];
  const hooks: Hooks = {
    onTokenRequest: (e) => events.push(['onTokenRequest', e]),
    onToken: (e) => events.push(['onToken', e]),
    onRetry: (e) => events.push(['onRetry', e]),
    onError: (e) => events.push(['onError', e]),
  };
  const logger = {
    debug: (m: string) => lines.push(['debug', m]),
    info: (m: string) => lines.push(['info', m]),
    warn: (m: string) => lines.push(['warn', m]),
    error: (m: string) => lines.push(['error', m]),
  };
  const client = newClient({
    retry: { retries: 1, minTimeout: 0 },
    hooks,
    logger,
    ...extra,
  });
  return { client, events, lines };
};

describe('observability', () => {
  it('hooks see each token request, token, retry and error', async () => {
    const { client, events } = setup();
    srv.respond((_s, n) =>
      n === 1 ? new HttpResponse(null, { status: 503 }) : tokenResponse({ scope: 'a' }),
    );
    await client.getToken({ scope: 'a' });
    expect(events.map(([name]) => name)).toEqual([
      'onTokenRequest',
      'onRetry',
      'onTokenRequest',
      'onToken',
    ]);
    expect(events[0]![1]).toMatchObject({
      attempt: 1,
      scope: ['a'],
      background: false,
      tokenUrl: `${SERVER}/mfp/api/az/v1/token`,
    });
    expect(events[2]![1]).toMatchObject({ attempt: 2 });
    expect(events[3]![1]).toMatchObject({ scope: ['a'], background: false });

    srv.respond(() => HttpResponse.json({ error: 'invalid_scope' }, { status: 400 }));
    await client.getToken({ scope: 'b' }).catch(() => undefined);
    expect(events.at(-1)).toEqual([
      'onError',
      expect.objectContaining({ background: false, scope: ['b'] }),
    ]);
  });

  it('stats count requests, retries, hits, misses and failures', async () => {
    const { client } = setup();
    srv.respond((_s, n) => (n === 1 ? new HttpResponse(null, { status: 502 }) : tokenResponse()));
    await client.getToken();
    await client.getToken();
    await client.getToken();
    srv.respond(() => HttpResponse.json({ error: 'invalid_client' }, { status: 400 }));
    await client.getToken({ scope: 'z' }).catch(() => undefined);
    expect(client.stats()).toEqual({
      tokenRequests: 3,
      retries: 1,
      cacheHits: 2,
      cacheMisses: 2,
      refreshes: 0,
      failures: 1,
      reauthentications: 0,
      stepUps: 0,
      rejectedAfterReplay: 0,
      throttled: 0,
    });
    // A snapshot, not a live object.
    const snapshot = client.stats();
    snapshot.tokenRequests = 99;
    expect(client.stats().tokenRequests).toBe(3);
  });

  it('logs with the package prefix, and a hook or logger that throws never breaks a request', async () => {
    const { client, lines } = setup({
      hooks: {
        onToken: () => {
          throw new Error('broken hook');
        },
      },
    });
    await expect(client.getToken()).resolves.toBeDefined();
    expect(lines.some(([level, m]) => level === 'warn' && m.includes('onToken hook threw'))).toBe(
      true,
    );
    expect(lines.every(([, m]) => m.startsWith('confidential-client: '))).toBe(true);

    const throwing = () => {
      throw new Error('broken logger');
    };
    const quiet = setup({
      logger: { debug: throwing, info: throwing, warn: throwing, error: throwing },
    });
    await expect(quiet.client.getToken()).resolves.toBeDefined();
  });
});
