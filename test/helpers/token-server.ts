import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ConfidentialClient, type ConfidentialClientOptions } from '../../src/index.js';

export const SERVER = 'https://mfp.example.com';
export const TOKEN_URL = `${SERVER}/mfp/api/az/v1/token`;
export const CLIENT_ID = 'backend-service';
export const CLIENT_SECRET = 'sup3r-s3cret-value';

/** What a test's token handler sees of one request. */
export interface SeenRequest {
  headers: Headers;
  form: URLSearchParams;
  scope: string | null;
}

export type TokenHandler = (seen: SeenRequest, n: number) => Response | Promise<Response>;

let tokenCounter = 0;

/** A unique opaque token string, easy to find in output if it leaks. */
export function opaqueToken(): string {
  tokenCounter++;
  return `tok-${tokenCounter}-${Math.random().toString(36).slice(2)}-LEAKCHECK`;
}

/** A standard successful token answer. */
export function tokenResponse(
  init: {
    expiresIn?: number | string | undefined;
    scope?: string | undefined;
    accessToken?: string;
    tokenType?: string;
  } = {},
  responseInit?: ResponseInit,
): Response {
  const body: Record<string, unknown> = {
    access_token: init.accessToken ?? opaqueToken(),
    token_type: init.tokenType ?? 'Bearer',
    expires_in: 'expiresIn' in init ? init.expiresIn : 3599,
  };
  if (init.scope !== undefined) body.scope = init.scope;
  return HttpResponse.json(body, responseInit);
}

/** An unsigned JWT with the given payload (the client never verifies signatures). */
export function fakeJwt(payload: Record<string, unknown>): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(payload)}.c2lnbmF0dXJl`;
}

/**
 * Starts an MSW server for the file whose token endpoint calls `handler` (settable per test).
 * Counts requests; every test starts from zero.
 */
export function useTokenServer() {
  const state = {
    handler: (() => tokenResponse()) as TokenHandler,
    requests: [] as SeenRequest[],
  };
  const server = setupServer(
    http.post(TOKEN_URL, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      const seen = { headers: request.headers, form, scope: form.get('scope') };
      state.requests.push(seen);
      return state.handler(seen, state.requests.length);
    }),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    state.handler = () => tokenResponse();
    state.requests = [];
  });
  afterAll(() => server.close());
  return {
    server,
    state,
    get count() {
      return state.requests.length;
    },
    respond(handler: TokenHandler) {
      state.handler = handler;
    },
  };
}

/** A controllable clock. */
export function fakeClock(start = Date.UTC(2026, 10, 30, 12, 0, 0)) {
  const clock = {
    t: start,
    now: () => clock.t,
    advance(ms: number) {
      clock.t += ms;
    },
  };
  return clock;
}

/** Resolves after pending microtasks and MSW's internal hops have run. */
export async function flush(times = 20): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Options a test lays over the helpers' defaults (which give `serverUrl`): any option, and
 * `tokenUrl` with `serverUrl: undefined` to point elsewhere.
 */
export type TestClientOptions = {
  [K in keyof ConfidentialClientOptions]?: ConfidentialClientOptions[K] | undefined;
} & { serverUrl?: string | URL | undefined; tokenUrl?: string | URL | undefined; runtime?: string };

/** A client of the test token server, with `extra` options on top. */
export function newClient(extra: TestClientOptions = {}): ConfidentialClient {
  return new ConfidentialClient({
    serverUrl: SERVER,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    ...extra,
  } as ConfidentialClientOptions);
}
