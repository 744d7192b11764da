import { inspect } from 'node:util';
import { HttpResponse, http, passthrough } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { ConfidentialClient, isClientClosedError, isTokenRequestError } from '../../src/index.js';
import {
  IntrospectionError,
  isIntrospectionError,
  type TokenValidator,
} from '../../src/mobilefirst/index.js';
import { MFP } from '../helpers/emulator.js';
import { INTROSPECTION_URL, RS, useValidatorEmulator } from './validator-kit.js';

const t = useValidatorEmulator();

async function introspectionError(
  validator: TokenValidator,
  header: string,
): Promise<IntrospectionError> {
  const error = await validator.validate(header, 'orders.read').then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isIntrospectionError(error)) throw new Error(`expected an IntrospectionError: ${error}`);
  return error;
}

function base64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

describe('the introspection request', () => {
  it('is a form POST with token and token_type_hint, the validator token as Bearer, JSON accepted', async () => {
    const seen: Request[] = [];
    t.mf.server.events.on('request:start', ({ request }) => {
      if (request.url === INTROSPECTION_URL) seen.push(request.clone());
    });
    const token = await t.appToken();
    await t.validator().validate(`Bearer ${token}`, 'orders.read');
    const [request] = seen;
    expect(request?.method).toBe('POST');
    expect(request?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.get('accept')).toBe('application/json');
    expect(request?.headers.get('authorization')).toMatch(/^Bearer ey/);
    expect(Object.fromEntries(new URLSearchParams(await request?.text()))).toEqual({
      token,
      token_type_hint: 'access_token',
    });
    expect(
      t.mf.emulator.tokenRequestCount({ clientId: RS.id, scope: 'authorization.introspect' }),
    ).toBe(1);
  });

  it('trusts nothing in the token itself: a forged JWT with an embedded key and scope is refused', async () => {
    const header = base64url({ alg: 'none', jwk: { kty: 'RSA', n: 'x', e: 'AQAB' } });
    const claims = base64url({ scope: 'orders.read', exp: Date.now() + 3_600_000, sub: 'app' });
    const result = await t.validator().validate(`Bearer ${header}.${claims}.`, 'orders.read');
    expect(result).toMatchObject({ ok: false, status: 401, error: 'invalid_token' });
    expect(t.introspections).toBe(1);
  });
});

describe('the validator token refused by introspection', () => {
  it.each([
    ['401 invalid_token', 'invalid-token'],
    ['403 insufficient_scope', 'insufficient-scope'],
  ] as const)('%s: a new validator token and one retry', async (_what, kind) => {
    const token = await t.appToken();
    const validator = t.validator();
    t.emulator.failNextIntrospections(1, { kind });
    expect((await validator.validate(`Bearer ${token}`, 'orders.read')).ok).toBe(true);
    expect(t.introspections).toBe(2);
    expect(t.validatorTokenRequests).toBe(2);
  });

  it('a revoked validator token is replaced without the app noticing', async () => {
    const validator = t.validator();
    await validator.validate(`Bearer ${await t.appToken()}`, 'orders.read');
    t.emulator.revokeAllTokens();
    const fresh = await t.appToken();
    expect((await validator.validate(`Bearer ${fresh}`, 'orders.read')).ok).toBe(true);
    expect(t.validatorTokenRequests).toBe(2);
  });

  it('refused twice: IntrospectionError "rejected", after exactly one retry', async () => {
    const token = await t.appToken();
    const validator = t.validator();
    t.emulator.failNextIntrospections(2, { kind: 'invalid-token' });
    const error = await introspectionError(validator, `Bearer ${token}`);
    expect(error).toMatchObject({ reason: 'rejected', status: 401, code: 'ERR_CC_INTROSPECTION' });
    expect(error.message).toContain('authorization.introspect');
    expect(t.introspections).toBe(2);
    expect(t.validatorTokenRequests).toBe(2);
  });
});

describe('introspection failures are IntrospectionErrors, never an answer', () => {
  it.each([
    ['a dropped connection', { kind: 'drop' }, 'unreachable', undefined],
    ['503', { kind: 'server-error' }, 'status', 503],
    ['502', { kind: 'server-error', status: 502 }, 'status', 502],
    ['429', { kind: 'rate-limit' }, 'status', 429],
    ['a 200 that is not JSON', { kind: 'malformed' }, 'malformed', 200],
  ] as const)('%s', async (_what, fault, reason, status) => {
    const token = await t.appToken();
    t.emulator.failNextIntrospections(1, fault);
    const error = await introspectionError(t.validator(), `Bearer ${token}`);
    expect(error).toBeInstanceOf(IntrospectionError);
    expect(error).toMatchObject({ name: 'IntrospectionError', reason, status });
    expect(error.introspectionUrl).toBe(INTROSPECTION_URL);
    expect(error.message).toMatch(/^confidential-client: introspection at http/);
  });

  it.each([
    ['an array', []],
    ['no active', { scope: 'orders.read' }],
    ['a string active', { active: 'true' }],
    ['a numeric scope', { active: true, scope: 42 }],
    ['a string exp', { active: true, exp: '1700000000000' }],
    ['a negative exp', { active: true, exp: -1 }],
    ['a numeric client_id', { active: true, client_id: 7 }],
    ['a string mfp-device', { active: true, 'mfp-device': 'phone' }],
    ['a numeric mfp-application id', { active: true, 'mfp-application': { id: 1 } }],
  ])('a 200 with %s is malformed', async (_what, body) => {
    t.mf.server.use(http.post(INTROSPECTION_URL, () => HttpResponse.json(body)));
    const error = await introspectionError(t.validator(), 'Bearer abc');
    expect(error.reason).toBe('malformed');
  });

  it('names the member of the wrong type, never its value', async () => {
    t.mf.server.use(
      http.post(INTROSPECTION_URL, () =>
        HttpResponse.json({ active: true, scope: ['secret-ish'] }),
      ),
    );
    const error = await introspectionError(t.validator(), 'Bearer abc');
    expect(error.message).toContain('`scope` is not a string');
    expect(error.message).not.toContain('secret-ish');
  });

  it.each([400, 404, 500])('an unexpected %i', async (status) => {
    t.mf.server.use(http.post(INTROSPECTION_URL, () => new HttpResponse('nope', { status })));
    expect(await introspectionError(t.validator(), 'Bearer abc')).toMatchObject({
      reason: 'status',
      status,
    });
  });

  it('does not follow a redirect (the validator token would go along)', async () => {
    t.mf.server.use(
      http.post(INTROSPECTION_URL, () =>
        HttpResponse.redirect('https://elsewhere.test/introspect', 307),
      ),
    );
    expect(await introspectionError(t.validator(), 'Bearer abc')).toMatchObject({
      reason: 'status',
      status: 307,
    });
  });

  it('gives up after introspectionTimeout', async () => {
    t.emulator.setLatency(5_000, 'introspection');
    const started = Date.now();
    const error = await introspectionError(t.validator({ introspectionTimeout: 50 }), 'Bearer abc');
    expect(error.reason).toBe('unreachable');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('the validator cannot get its own token: "token", with the cause', async () => {
    const wrong = t.validator({ clientSecret: 'wrong-secret' } as never);
    const error = await introspectionError(wrong, 'Bearer abc');
    expect(error.reason).toBe('token');
    expect(isTokenRequestError(error.cause)).toBe(true);
    expect(error.message).toContain('client "rs"');
    expect(error.message).not.toContain('wrong-secret');
    expect(t.introspections).toBe(0);
  });

  it('a client whose allowed scope lacks authorization.introspect: "token"', async () => {
    const client = t.mf.client({ clientId: 'app', clientSecret: 'app-secret-4242' });
    t.emulator.registerClient({ id: 'app', secret: 'app-secret-4242', allowedScope: 'orders.*' });
    const error = await introspectionError(t.validatorFor(client), 'Bearer abc');
    expect(error.reason).toBe('token');
    expect(error.message).toContain('allowed scope includes authorization.introspect');
  });

  it('a store that fails to drop the refused validator token: "token"', async () => {
    const real = t.mf.client({ clientId: RS.id, clientSecret: RS.secret });
    const client = {
      tokenUrl: real.tokenUrl,
      clientId: real.clientId,
      getToken: real.getToken.bind(real),
      fetch: real.fetch,
      invalidate: () => Promise.reject(new Error('store down')),
      close: real.close.bind(real),
    } as unknown as ConfidentialClient;
    t.emulator.failNextIntrospections(1, { kind: 'invalid-token' });
    const error = await introspectionError(t.validatorFor(client), 'Bearer abc');
    expect(error).toMatchObject({ reason: 'token', cause: new Error('store down') });
  });

  it('a custom fetch rejecting with a non-Error: "unreachable", saying what it was', async () => {
    const validator = t.validator({
      fetch: ((input: RequestInfo | URL, init?: RequestInit) =>
        String(input) === INTROSPECTION_URL
          ? Promise.reject('socket gone')
          : fetch(input, init)) as typeof fetch,
    } as never);
    const error = await introspectionError(validator, 'Bearer abc');
    expect(error.reason).toBe('unreachable');
    expect(error.message).toContain('(socket gone)');
  });

  it('after close(): "token", caused by the closed client', async () => {
    const validator = t.validator();
    await validator.close();
    const error = await introspectionError(validator, 'Bearer abc');
    expect(isClientClosedError(error.cause)).toBe(true);
  });
});

describe('introspection data', () => {
  it('maps the MobileFirst members to camelCase, null as absent, the rest kept in raw', async () => {
    const body = {
      active: true,
      scope: 'orders.read RegisteredClient',
      client_id: 'mobile-app',
      exp: 1_900_000_000_000,
      username: 'jane',
      'mfp-application': { id: 'com.acme.app', version: '1.2', clientPlatform: 'ios' },
      'mfp-device': { id: 'dev-1', hardware: 'iPhone15,2', model: null },
      'mfp-user': { id: 'jane', displayName: 'Jane' },
      'mfp-checks': { UserLogin: { expiresAt: 1 } },
      sub: 'mobile-app',
      iss: 'com.ibm.mfp',
    };
    t.mf.server.use(http.post(INTROSPECTION_URL, () => HttpResponse.json(body)));
    const result = await t.validator().validate('Bearer abc', 'orders.read');
    expect(result.ok && result.data).toEqual({
      active: true,
      scope: ['RegisteredClient', 'orders.read'],
      clientId: 'mobile-app',
      expiresAt: 1_900_000_000_000,
      username: 'jane',
      application: { id: 'com.acme.app', version: '1.2' },
      device: { id: 'dev-1', hardware: 'iPhone15,2' },
      user: { id: 'jane', displayName: 'Jane' },
      checks: { UserLogin: { expiresAt: 1 } },
      raw: body,
    });
    if (!result.ok) return;
    expect(Object.isFrozen(result.data.raw['mfp-user'])).toBe(true);
    expect(Object.isFrozen(result.data.application)).toBe(true);
  });

  it('reads null members as absent and leaves a non-object mfp-user in raw only', async () => {
    t.mf.server.use(
      http.post(INTROSPECTION_URL, () =>
        HttpResponse.json({
          active: true,
          scope: null,
          client_id: null,
          username: null,
          exp: null,
          'mfp-user': 'jane',
        }),
      ),
    );
    const result = await t.validator().validate('Bearer abc', []);
    expect(result.ok && result.data).toEqual({
      active: true,
      scope: [],
      raw: expect.objectContaining({ 'mfp-user': 'jane' }),
    });
  });
});

describe('secrets and tokens stay out of errors, logs, inspect and JSON', () => {
  it('an IntrospectionError message and JSON hold neither token nor secret, even from a custom fetch', async () => {
    const token = await t.appToken();
    let validatorToken = '';
    const leaky: typeof fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url === INTROSPECTION_URL) {
        validatorToken = new Headers(init?.headers).get('authorization')?.slice(7) ?? '';
        throw new TypeError(`cannot send ${String(init?.body)} with ${validatorToken}`);
      }
      return fetch(input, init);
    };
    const validator = t.validator({ fetch: leaky } as never);
    const error = await introspectionError(validator, `Bearer ${token}`);
    expect(validatorToken.length).toBeGreaterThan(20);
    // `cause` is what the custom fetch threw, kept as the core keeps fetch's errors.
    expect(error.message).toContain('cannot send token=[redacted]');
    for (const text of [error.message, JSON.stringify(error)]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(validatorToken);
      expect(text).not.toContain(RS.secret);
    }
  });

  it('an unreachable endpoint: nothing of the tokens anywhere in the error, inspect included', async () => {
    const token = await t.appToken();
    const validator = t.validator({ introspectionUrl: 'http://127.0.0.1:1/introspection' });
    t.mf.server.use(http.post('http://127.0.0.1:1/*', () => passthrough()));
    const error = await introspectionError(validator, `Bearer ${token}`);
    expect(error.reason).toBe('unreachable');
    const printed = inspect(error, { depth: 10 });
    expect(printed).not.toContain(token);
    expect(printed).not.toContain('Bearer ey');
    expect(printed).not.toContain(RS.secret);
  });

  it('a query in introspectionUrl (an API key, say) is sent but never shown', async () => {
    const seen: string[] = [];
    t.mf.server.events.on('request:start', ({ request }) => {
      seen.push(request.url);
    });
    const validator = t.validator({ introspectionUrl: `${INTROSPECTION_URL}?apikey=k-12345` });
    t.emulator.failNextIntrospections(1, { kind: 'server-error' });
    const error = await introspectionError(validator, 'Bearer abc');
    expect(seen).toContain(`${INTROSPECTION_URL}?apikey=k-12345`);
    expect(error.introspectionUrl).toBe(INTROSPECTION_URL);
    for (const text of [error.message, JSON.stringify(error), JSON.stringify(validator)]) {
      expect(text).not.toContain('k-12345');
    }
  });

  it('the validator prints without its client secret', () => {
    const validator = t.validator();
    expect(JSON.parse(JSON.stringify(validator))).toEqual({
      introspectionUrl: INTROSPECTION_URL,
      clientId: 'rs',
      cacheSize: 50_000,
    });
    expect(inspect(validator)).toBe(`TokenValidator ${JSON.stringify(validator)}`);
    expect(inspect(validator, { depth: 5 })).not.toContain(RS.secret);
  });

  it('a 503 warning in the log names the reason, not the token', async () => {
    const token = await t.appToken();
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const validator = t.validator({ logger });
    t.emulator.failNextIntrospections(1, { kind: 'server-error' });
    const { response } = await validator.guard('orders.read')(
      new Request(`${MFP}/x`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(response?.status).toBe(503);
    const lines = JSON.stringify([logger.warn.mock.calls, logger.error.mock.calls]);
    expect(logger.warn).toHaveBeenCalledWith(
      'confidential-client: a token could not be checked; answered 503',
      expect.objectContaining({ reason: 'status', status: 503 }),
    );
    expect(lines).not.toContain(token);
    expect(lines).not.toContain(RS.secret);
  });
});

describe('a validator over a client made elsewhere', () => {
  it('uses it, and leaves it open on close()', async () => {
    const client = new ConfidentialClient({
      serverUrl: MFP,
      clientId: RS.id,
      clientSecret: RS.secret,
    });
    const validator = t.validatorFor(client);
    expect(validator.client).toBe(client);
    expect((await validator.validate(`Bearer ${await t.appToken()}`, 'orders.read')).ok).toBe(true);
    await validator.close();
    await expect(client.getToken({ scope: 'authorization.introspect' })).resolves.toBeDefined();
    await client.close();
  });
});
