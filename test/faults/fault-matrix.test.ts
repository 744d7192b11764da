/**
 * The fault matrix: one row per fault of the token endpoint, the resource, the request body, the
 * caller and the clock, each with what the caller sees (a token, a status, or a typed error) and
 * what it cost (token and resource requests). Every row also checks that no secret or token shows
 * in any error, log line or hook event of its run. Over MSW with fake timers (timeouts, backoff and
 * Retry-After cost no real time); faults that need real sockets are in sockets.test.ts, Redis in
 * redis.test.ts. Many rows have a detailed test elsewhere in test/: this is the table of them all.
 * Over 300 lines because it is one table: a row per fault, read top to bottom.
 */
import { delay, HttpResponse, http, type JsonBodyType } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConfidentialClient } from '../../src/index.js';
import {
  fakeJwt,
  newClient,
  SERVER,
  type TestClientOptions,
  useTokenServer,
} from '../helpers/token-server.js';
import { type Expected, outcomeOf, Recorder, settle } from './fault-run.js';

const srv = useTokenServer();

const RESOURCE = `${SERVER}/api/data`;
const FOREIGN = 'https://other.example/landing';
const HOUR = 3_600_000;

/** What a row's handlers and actions get. */
interface Run {
  rec: Recorder;
  client: ConfidentialClient;
  /** Authorization headers the other origin received (must stay empty). */
  foreignAuthorizations: string[];
  /** Bodies the resource received, in order. */
  bodies: string[];
  /** Tokens a row's resource has revoked. */
  revoked: string[];
}

interface Fault extends Expected {
  name: string;
  /** The token endpoint's answer to request `n` (1-based); default: a good token. */
  token?: (rec: Recorder, n: number) => Response | Promise<Response>;
  /** The resource's answer to request `n`; default: 200. */
  resource?: (request: Request, n: number, rec: Recorder, run: Run) => Response | Promise<Response>;
  options?: TestClientOptions;
  /** What the caller does; default: `client.getToken()`. */
  act?: (run: Run) => Promise<unknown>;
  /** Further checks on the run. */
  check?: (run: Run, settled: { value?: unknown; error?: unknown }) => void | Promise<void>;
}

const status =
  (code: number, headers?: Record<string, string>, body: BodyInit | null = null) =>
  () =>
    new HttpResponse(body, { status: code, ...(headers ? { headers } : {}) });
const json =
  (body: JsonBodyType, code = 200) =>
  () =>
    HttpResponse.json(body, { status: code });
const raw =
  (body: string, type = 'application/json') =>
  () =>
    new HttpResponse(body, { status: 200, headers: { 'content-type': type } });
/** Answers with `failure` `times` times, then with a good token. */
const thenOk =
  (times: number, failure: () => Response) =>
  (rec: Recorder, n: number): Response =>
    n <= times ? failure() : rec.issue();
/** A body that sends `head`, then never ends (or fails with `error`). */
const stream = (head: string, error?: Error) => () =>
  new HttpResponse(
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(head));
        if (error) controller.error(error);
      },
    }),
    { headers: { 'content-type': 'application/json' } },
  );
/** A good token after `ms`. */
const slowToken = (ms: number) => async (rec: Recorder) => {
  await delay(ms);
  return rec.issue();
};
const never = () => new Promise<Response>(() => undefined);
const token = (fields: Record<string, unknown>) => (rec: Recorder) =>
  HttpResponse.json({ access_token: rec.token(), token_type: 'Bearer', ...fields });
const bearer401 = (challenge = 'Bearer error="invalid_token"') =>
  status(401, { 'www-authenticate': challenge });
const fetchResource = (init?: RequestInit) => (run: Run) => run.client.fetch(RESOURCE, init);
const redirect = (location: string, code = 302) => status(code, { location });

/** A POST whose body is `make()`, answered 401 once then echoed: the replay must carry it whole. */
const replay = (kind: string, make: () => BodyInit, sent: string): Fault => ({
  name: `replayed body: ${kind}`,
  resource: (_request, n) => (n === 1 ? bearer401()() : HttpResponse.json({})),
  act: (run) => {
    const body = make();
    return run.client.fetch(RESOURCE, {
      method: 'POST',
      body,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);
  },
  outcome: 'status 200',
  tokenRequests: 2,
  resourceRequests: 2,
  check: ({ bodies }) => {
    // A multipart body is written anew on each send, with a new boundary.
    const same = bodies.map((b) => b.replace(/formdata-undici-\d+/g, 'BOUNDARY'));
    expect(same).toHaveLength(2);
    expect(same[0]).toContain(sent);
    expect(same[1]).toBe(same[0]);
  },
});

const FAULTS: Fault[] = [
  // The token endpoint: transport.
  {
    name: 'token endpoint down (every attempt)',
    token: () => HttpResponse.error(),
    outcome: 'NetworkError',
    tokenRequests: 3,
  },
  {
    name: 'token endpoint down once, then up',
    token: thenOk(1, () => HttpResponse.error()),
    outcome: 'token',
    tokenRequests: 2,
  },
  {
    name: 'token endpoint slow (1.5 s, under the 2 s timeout)',
    token: async (rec) => {
      await delay(1_500);
      return rec.issue();
    },
    outcome: 'token',
    tokenRequests: 1,
  },
  {
    name: 'token endpoint hangs before headers',
    token: never,
    outcome: 'TimeoutError',
    tokenRequests: 3,
  },
  {
    name: 'token endpoint hangs mid-body',
    token: stream('{"access_token":"'),
    outcome: 'TimeoutError',
    tokenRequests: 3,
  },
  {
    name: 'token endpoint resets mid-body',
    token: stream('{"access_to', new TypeError('terminated: ECONNRESET')),
    outcome: 'NetworkError',
    tokenRequests: 3,
  },
  // The token endpoint: statuses.
  {
    name: 'token endpoint 500 (every attempt)',
    token: status(500),
    outcome: 'TokenRequestError',
    tokenRequests: 3,
  },
  {
    name: 'token endpoint 502, then a token',
    token: thenOk(1, status(502)),
    outcome: 'token',
    tokenRequests: 2,
  },
  {
    name: 'token endpoint 503 with an OAuth error body, twice, then a token',
    token: thenOk(2, json({ error: 'temporarily_unavailable' }, 503)),
    outcome: 'token',
    tokenRequests: 3,
  },
  {
    name: '429 Retry-After in seconds (3), then a token',
    token: thenOk(1, status(429, { 'retry-after': '3' })),
    outcome: 'token',
    tokenRequests: 2,
  },
  {
    name: '429 Retry-After as an HTTP date (+4 s), then a token',
    token: thenOk(
      1,
      () =>
        new HttpResponse(null, {
          status: 429,
          headers: { 'retry-after': new Date(Date.now() + 4_000).toUTCString() },
        }),
    ),
    outcome: 'token',
    tokenRequests: 2,
  },
  {
    name: '429 Retry-After absurdly long (a year): given up at once',
    token: status(429, { 'retry-after': String(365 * 24 * 3600) }),
    outcome: 'TokenRequestError',
    tokenRequests: 1,
  },
  {
    name: '429 Retry-After of 30 digits: given up at once',
    token: status(429, { 'retry-after': '9'.repeat(30) }),
    outcome: 'TokenRequestError',
    tokenRequests: 1,
  },
  {
    name: '429 Retry-After unreadable: ordinary backoff, then a token',
    token: thenOk(1, status(429, { 'retry-after': 'soon, promise' })),
    outcome: 'token',
    tokenRequests: 2,
  },
  {
    name: '400 invalid_client: final',
    token: json({ error: 'invalid_client' }, 400),
    outcome: 'TokenRequestError',
    tokenRequests: 1,
  },
  {
    name: '400 invalid_scope: final',
    token: json({ error: 'invalid_scope' }, 400),
    outcome: 'TokenRequestError',
    tokenRequests: 1,
  },
  {
    name: '401 with a Basic challenge: final',
    token: status(401, { 'www-authenticate': 'Basic realm="mfp"' }),
    outcome: 'TokenRequestError',
    tokenRequests: 1,
  },
  {
    name: 'token endpoint redirects (302): not followed with credentials',
    token: redirect(`${FOREIGN}/token`),
    outcome: 'TokenRequestError',
    tokenRequests: 1,
  },
  {
    name: 'error body echoing the secret and the Basic credentials',
    token: (rec) =>
      HttpResponse.json(
        {
          error: `invalid_${rec.secrets[0]}`,
          error_description: `${rec.secrets[1]} ${rec.secrets[0]}`,
          error_uri: `https://idp/?s=${rec.secrets[0]}`,
        },
        {
          status: 400,
          headers: { 'www-authenticate': `Bearer error_description="${rec.secrets[0]}"` },
        },
      ),
    outcome: 'TokenRequestError',
    tokenRequests: 1,
  },
  // The token endpoint: bodies.
  {
    name: '200 malformed JSON',
    token: raw('{"access_token": "abc'),
    outcome: 'TokenResponseError(body)',
    tokenRequests: 1,
  },
  {
    name: '200 HTML error page',
    token: raw('<html><body>Service unavailable</body></html>', 'text/html'),
    outcome: 'TokenResponseError(body)',
    tokenRequests: 1,
  },
  { name: '200 empty body', token: raw(''), outcome: 'TokenResponseError(body)', tokenRequests: 1 },
  {
    name: '204 no content',
    token: status(204),
    outcome: 'TokenResponseError(body)',
    tokenRequests: 1,
  },
  {
    name: '200 oversized (2 MB, limit 1 MB)',
    token: raw(`{"access_token":"${'a'.repeat(2 * 1024 * 1024)}"}`),
    outcome: 'TokenResponseError(body)',
    tokenRequests: 1,
  },
  {
    name: '200 JSON array',
    token: json([{ access_token: 'x' }]),
    outcome: 'TokenResponseError(body)',
    tokenRequests: 1,
  },
  {
    name: '200 JSON null',
    token: raw('null'),
    outcome: 'TokenResponseError(body)',
    tokenRequests: 1,
  },
  {
    name: 'access_token missing',
    token: json({ token_type: 'Bearer', expires_in: 60 }),
    outcome: 'TokenResponseError(access_token)',
    tokenRequests: 1,
  },
  {
    name: 'access_token empty',
    token: token({ access_token: '' }),
    outcome: 'TokenResponseError(access_token)',
    tokenRequests: 1,
  },
  {
    name: 'access_token a number',
    token: token({ access_token: 12345 }),
    outcome: 'TokenResponseError(access_token)',
    tokenRequests: 1,
  },
  {
    name: 'access_token holding a newline (header injection)',
    token: (rec) => token({ access_token: rec.token(`${rec.token()}\r\nX-Evil: 1`) })(rec),
    outcome: 'TokenResponseError(access_token)',
    tokenRequests: 1,
  },
  {
    name: 'access_token holding a space',
    token: (rec) => token({ access_token: rec.token(`two ${rec.token()}`) })(rec),
    outcome: 'TokenResponseError(access_token)',
    tokenRequests: 1,
  },
  {
    name: 'access_token non-ASCII',
    token: (rec) => token({ access_token: rec.token(`${rec.token()}é`) })(rec),
    outcome: 'TokenResponseError(access_token)',
    tokenRequests: 1,
  },
  {
    name: 'token_type missing',
    token: (rec) => HttpResponse.json({ access_token: rec.token(), expires_in: 60 }),
    outcome: 'TokenResponseError(token_type)',
    tokenRequests: 1,
  },
  {
    name: 'token_type "mac"',
    token: token({ token_type: 'mac' }),
    outcome: 'TokenResponseError(token_type)',
    tokenRequests: 1,
  },
  {
    name: 'expires_in negative',
    token: token({ expires_in: -5 }),
    outcome: 'TokenResponseError(expires_in)',
    tokenRequests: 1,
  },
  {
    name: 'expires_in zero',
    token: token({ expires_in: 0 }),
    outcome: 'TokenResponseError(expires_in)',
    tokenRequests: 1,
  },
  {
    name: 'expires_in "soon"',
    token: token({ expires_in: 'soon' }),
    outcome: 'TokenResponseError(expires_in)',
    tokenRequests: 1,
  },
  {
    name: 'expires_in an object',
    token: token({ expires_in: { s: 1 } }),
    outcome: 'TokenResponseError(expires_in)',
    tokenRequests: 1,
  },
  {
    name: 'scope a list instead of a string',
    token: token({ scope: ['a', 'b'] }),
    outcome: 'TokenResponseError(scope)',
    tokenRequests: 1,
  },
  {
    name: 'expires_in a numeric string: accepted',
    token: token({ expires_in: '120' }),
    outcome: 'token',
    tokenRequests: 1,
  },
  // JWT exp.
  {
    name: 'JWT exp in ms (MobileFirst), earlier than expires_in: caps the lifetime',
    token: (rec) =>
      rec.issue({ accessToken: fakeJwt({ exp: Date.now() + 60_000 }), expiresIn: 3600 }),
    outcome: 'token',
    tokenRequests: 1,
    check: (_run, { value }) => expect((value as { lifetime: number }).lifetime).toBe(60_000),
  },
  {
    name: 'JWT exp in s, earlier than expires_in: caps the lifetime',
    token: (rec) =>
      rec.issue({
        accessToken: fakeJwt({ exp: Math.floor(Date.now() / 1000) + 120 }),
        expiresIn: 3600,
      }),
    outcome: 'token',
    tokenRequests: 1,
    check: (_run, { value }) =>
      expect((value as { lifetime: number }).lifetime).toBeLessThanOrEqual(120_000),
  },
  {
    name: 'JWT exp in the past (server clock behind): expires_in used, a warning',
    token: (rec) =>
      rec.issue({
        accessToken: fakeJwt({ exp: Math.floor(Date.now() / 1000) - 600 }),
        expiresIn: 3600,
      }),
    outcome: 'token',
    tokenRequests: 1,
    check: ({ rec }, { value }) => {
      expect((value as { lifetime: number }).lifetime).toBe(3_600_000);
      expect(rec.output.join('\n')).toContain('JWT exp is in the past');
    },
  },
  // Clock jumps.
  {
    name: 'clock jumps forward 2 h: the cached token is expired, a new one',
    act: async ({ client }) => {
      await client.getToken();
      vi.setSystemTime(Date.now() + 2 * HOUR);
      return client.getToken();
    },
    outcome: 'token',
    tokenRequests: 2,
  },
  {
    name: 'clock jumps back 2 h: the cached token is still used, no refresh loop',
    act: async ({ client }) => {
      await client.getToken();
      vi.setSystemTime(Date.now() - 2 * HOUR);
      await client.getToken();
      return client.getToken();
    },
    outcome: 'token',
    tokenRequests: 1,
  },
  // The caller.
  {
    name: "caller's abort mid-acquisition: AbortError, the token request goes on",
    token: slowToken(1_000),
    act: ({ client }) => {
      const caller = new AbortController();
      setTimeout(() => caller.abort(), 100);
      return client.getToken({ signal: caller.signal });
    },
    outcome: 'AbortError',
    tokenRequests: 1,
  },
  {
    name: 'close() mid-acquisition',
    token: slowToken(1_000),
    act: ({ client }) => {
      const pending = client.getToken();
      setTimeout(() => void client.close(), 100);
      return pending;
    },
    outcome: 'ClientClosedError',
    tokenRequests: 1,
  },
  {
    name: 'getToken() after close()',
    act: async ({ client }) => {
      await client.close();
      return client.getToken();
    },
    outcome: 'ClientClosedError',
    tokenRequests: 0,
  },
  {
    name: 'client.fetch with init.timeout shorter than the token endpoint',
    token: slowToken(1_000),
    act: ({ client }) => client.fetch(RESOURCE, { timeout: 100 }),
    outcome: 'TimeoutError',
    tokenRequests: 1,
    resourceRequests: 0,
  },
  // The resource.
  {
    name: 'resource always 401 invalid_token: one replay, its 401 returned',
    resource: bearer401(),
    act: fetchResource(),
    outcome: 'status 401',
    tokenRequests: 2,
    resourceRequests: 2,
  },
  {
    // Every live token revoked at once (an operator, a key rotation) while a newer token than the
    // one in flight is cached: the replay with the cached one meets a 401 too. That token was
    // requested before the 401, so its rejection says nothing about the resource: one more
    // re-token, the caller sees 200, and the resource's re-token budget is not spent.
    name: 'every token revoked while a newer one is cached: the replay re-tokens once more',
    resource: async (request, n, rec, run) => {
      if (n === 1) {
        await run.client.getToken({ forceRefresh: true });
        await delay(100);
        run.revoked.push(...rec.secrets.filter((s) => s.includes('LEAKCHECK')));
      }
      const presented = request.headers.get('authorization')?.replace('Bearer ', '') ?? '';
      return run.revoked.includes(presented) ? bearer401()() : HttpResponse.json({});
    },
    act: async (run) => {
      await run.client.getToken();
      return run.client.fetch(RESOURCE);
    },
    outcome: 'status 200',
    tokenRequests: 3,
    resourceRequests: 3,
  },
  {
    name: 'resource 401 without a challenge, then 200',
    resource: (_r, n) => (n === 1 ? status(401)() : HttpResponse.json({})),
    act: fetchResource(),
    outcome: 'status 200',
    tokenRequests: 2,
    resourceRequests: 2,
  },
  {
    name: 'resource always 401 without a challenge',
    resource: status(401),
    act: fetchResource(),
    outcome: 'status 401',
    tokenRequests: 2,
    resourceRequests: 2,
  },
  {
    name: 'resource 401 Basic challenge: not about our token',
    resource: bearer401('Basic realm="x"'),
    act: fetchResource(),
    outcome: 'status 401',
    tokenRequests: 1,
    resourceRequests: 1,
  },
  {
    name: 'resource 401 Negotiate + DPoP challenges: not ours',
    resource: bearer401('Negotiate, DPoP algs="ES256"'),
    act: fetchResource(),
    outcome: 'status 401',
    tokenRequests: 1,
    resourceRequests: 1,
  },
  {
    name: 'resource 401 echoing the token in its challenge and body',
    resource: (request) =>
      new HttpResponse(`bad token ${request.headers.get('authorization')}`, {
        status: 401,
        headers: {
          'www-authenticate': `Bearer error="invalid_token", error_description="${request.headers.get('authorization')}"`,
        },
      }),
    act: fetchResource(),
    outcome: 'status 401',
    tokenRequests: 2,
    resourceRequests: 2,
  },
  {
    name: 'resource 403 insufficient_scope loop: one step-up, then its 403',
    resource: status(403, {
      'www-authenticate': 'Bearer error="insufficient_scope", scope="extra"',
    }),
    act: fetchResource(),
    outcome: 'status 403',
    tokenRequests: 2,
    resourceRequests: 2,
  },
  {
    name: 'resource 403 without insufficient_scope: returned as is',
    resource: status(403, { 'www-authenticate': 'Bearer error="forbidden"' }),
    act: fetchResource(),
    outcome: 'status 403',
    tokenRequests: 1,
    resourceRequests: 1,
  },
  {
    name: 'a scope the token endpoint refuses (step-up to "admin")',
    token: (rec, n) => (n === 1 ? rec.issue() : json({ error: 'invalid_scope' }, 400)()),
    resource: status(403, {
      'www-authenticate': 'Bearer error="insufficient_scope", scope="admin"',
    }),
    act: fetchResource(),
    outcome: 'InsufficientScopeError',
    tokenRequests: 2,
    resourceRequests: 1,
  },
  {
    name: 'redirect to another origin: followed without the token',
    resource: redirect(FOREIGN),
    act: fetchResource(),
    outcome: 'status 200',
    tokenRequests: 1,
    resourceRequests: 1,
    check: ({ foreignAuthorizations }) => expect(foreignAuthorizations).toEqual(['']),
  },
  {
    name: 'redirect to another origin that answers 401 Bearer: not ours, returned',
    resource: redirect(`${FOREIGN}?401`, 307),
    act: fetchResource(),
    outcome: 'status 401',
    tokenRequests: 1,
    resourceRequests: 1,
    check: ({ foreignAuthorizations }) => expect(foreignAuthorizations).toEqual(['']),
  },
  {
    name: 'redirect to data:',
    resource: redirect('data:text/plain,stolen'),
    act: fetchResource(),
    outcome: 'TypeError',
    tokenRequests: 1,
    resourceRequests: 1,
  },
  {
    name: 'redirect loop (to itself)',
    resource: redirect(RESOURCE),
    act: fetchResource(),
    outcome: 'TypeError',
    tokenRequests: 1,
    resourceRequests: 21,
  },
  {
    name: 'resource 401 on a POST streaming 2 MB (over replay.maxBodyBytes): not replayed',
    resource: bearer401(),
    act: fetchResource({
      method: 'POST',
      body: new Blob(['x'.repeat(2 * 1024 * 1024)]).stream(),
      duplex: 'half',
    } as RequestInit),
    outcome: 'status 401',
    tokenRequests: 1,
    resourceRequests: 1,
  },
  // Replayed bodies.
  replay('string', () => 'plain text', 'plain text'),
  replay('URLSearchParams', () => new URLSearchParams({ q: 'a b' }), 'q=a+b'),
  replay(
    'FormData',
    () => {
      const form = new FormData();
      form.set('f', new Blob(['file-body']), 'f.txt');
      return form;
    },
    'file-body',
  ),
  replay('Blob', () => new Blob(['blob-body']), 'blob-body'),
  replay('Uint8Array', () => new TextEncoder().encode('bytes-body'), 'bytes-body'),
  replay(
    'ArrayBuffer',
    () => new TextEncoder().encode('buffer-body').buffer as ArrayBuffer,
    'buffer-body',
  ),
  replay(
    'ReadableStream',
    () =>
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('stream-'));
          c.enqueue(new TextEncoder().encode('body'));
          c.close();
        },
      }),
    'stream-body',
  ),
  {
    ...replay('Request with a body', () => '', ''),
    act: ({ client }) =>
      client.fetch(new Request(RESOURCE, { method: 'PUT', body: 'request-body' })),
    check: ({ bodies }) => expect(bodies).toEqual(['request-body', 'request-body']),
  },
];

describe('fault matrix (MSW, fake timers)', () => {
  let counts = { resource: 0 };
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
    counts = { resource: 0 };
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('has at least 40 rows, each named once', () => {
    expect(FAULTS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(FAULTS.map((f) => f.name)).size).toBe(FAULTS.length);
  });

  it.each(FAULTS.map((f) => [f.name, f] as const))('%s', async (_name, fault) => {
    const rec = new Recorder();
    const run: Run = {
      rec,
      client: newClient({
        logger: rec.logger,
        hooks: rec.hooks,
        timeout: 2_000,
        retry: {
          retries: 2,
          minTimeout: 100,
          maxTimeout: 100,
          randomize: false,
          maxRetryAfter: 10_000,
        },
        ...fault.options,
      }),
      foreignAuthorizations: [],
      bodies: [],
      revoked: [],
    };
    srv.respond((_seen, n) => (fault.token ? fault.token(rec, n) : rec.issue()));
    srv.server.use(
      http.all(RESOURCE, async ({ request }) => {
        counts.resource++;
        run.bodies.push(await request.clone().text());
        return fault.resource
          ? fault.resource(request, counts.resource, rec, run)
          : HttpResponse.json({});
      }),
      http.all(FOREIGN, ({ request }) => {
        run.foreignAuthorizations.push(request.headers.get('authorization') ?? '');
        return new URL(request.url).search === '?401'
          ? bearer401('Bearer realm="other"')()
          : HttpResponse.json({});
      }),
    );
    try {
      let done = false;
      const settled = settle((fault.act ?? ((r: Run) => r.client.getToken()))(run)).finally(() => {
        done = true;
      });
      for (let i = 0; i < 3_000 && !done; i++) await vi.advanceTimersByTimeAsync(100);
      expect(done, 'the call settled').toBe(true);
      const result = await settled;
      expect({
        outcome: outcomeOf(result),
        tokenRequests: srv.count,
        resourceRequests: counts.resource,
      }).toEqual({
        outcome: fault.outcome,
        tokenRequests: fault.tokenRequests,
        resourceRequests: fault.resourceRequests ?? 0,
      });
      await fault.check?.(run, result);
      expect(rec.leaks(run.client, result)).toEqual([]);
    } finally {
      await run.client.close();
    }
  });
});
