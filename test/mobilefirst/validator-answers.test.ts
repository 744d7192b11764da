import { describe, expect, it } from 'vitest';
import type { TokenValidator, ValidationResult } from '../../src/mobilefirst/index.js';
import { APP, useValidatorDevServer, useValidatorEmulator } from './validator-kit.js';

interface Kit {
  validator(): TokenValidator;
  appToken(scope?: string): Promise<string>;
  revokeAll(): void;
  advanceClock(ms: number): void;
}

function failure(result: ValidationResult) {
  if (result.ok) throw new Error('expected a failure');
  return result;
}

/** The answers MobileFirst's page lists, checked the same way over MSW and real HTTP. */
function answers(kit: () => Kit) {
  it('admits an active token that covers the scope, with its introspection data', async () => {
    const token = await kit().appToken('orders.read orders.write');
    const result = await kit().validator().validate(`Bearer ${token}`, 'orders.read');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data).toMatchObject({
      active: true,
      scope: ['orders.read', 'orders.write'],
      clientId: APP.id,
    });
    expect(result.data.expiresAt).toBeGreaterThan(Date.now() - 60_000);
    expect(Object.isFrozen(result.data)).toBe(true);
  });

  it('answers 401 WWW-Authenticate: Bearer when there is no Authorization header', async () => {
    const result = failure(await kit().validator().validate(undefined, 'orders.read'));
    expect(result).toEqual({
      ok: false,
      error: 'missing_token',
      status: 401,
      wwwAuthenticate: 'Bearer',
      headers: { 'www-authenticate': 'Bearer', 'cache-control': 'no-store' },
    });
  });

  it('answers 401 Bearer error="invalid_token" for an unknown token', async () => {
    const result = failure(await kit().validator().validate('Bearer not-a-token', 'orders.read'));
    expect(result.status).toBe(401);
    expect(result.error).toBe('invalid_token');
    expect(result.headers).toEqual({
      'www-authenticate': 'Bearer error="invalid_token"',
      'cache-control': 'no-store',
    });
  });

  it('answers 401 invalid_token for an expired token', async () => {
    const token = await kit().appToken();
    kit().advanceClock(3_600_000);
    const result = failure(await kit().validator().validate(`Bearer ${token}`, 'orders.read'));
    expect(result.wwwAuthenticate).toBe('Bearer error="invalid_token"');
  });

  it('answers 401 invalid_token for a revoked token (nothing cached yet)', async () => {
    const token = await kit().appToken();
    kit().revokeAll();
    const result = failure(await kit().validator().validate(`Bearer ${token}`, 'orders.read'));
    expect(result.wwwAuthenticate).toBe('Bearer error="invalid_token"');
  });

  it('answers 403 insufficient_scope announcing the required scope', async () => {
    const token = await kit().appToken('orders.read');
    const result = failure(
      await kit().validator().validate(`Bearer ${token}`, 'orders.write orders.read'),
    );
    expect(result).toEqual({
      ok: false,
      error: 'insufficient_scope',
      status: 403,
      wwwAuthenticate: 'Bearer error="insufficient_scope", scope="orders.read orders.write"',
      headers: {
        'www-authenticate': 'Bearer error="insufficient_scope", scope="orders.read orders.write"',
        'cache-control': 'no-store',
      },
      requiredScope: ['orders.read', 'orders.write'],
    });
  });
}

describe('validation answers over MSW', () => {
  const t = useValidatorEmulator();
  answers(() => ({
    validator: () => t.validator(),
    appToken: (scope) => t.appToken(scope),
    revokeAll: () => t.emulator.revokeAllTokens(),
    advanceClock: (ms) => t.emulator.advanceClock(ms),
  }));

  it('answers 409 with MFP-Conflict: true and no WWW-Authenticate when introspection says 409', async () => {
    const token = await t.appToken();
    t.emulator.failNextIntrospections(1, { kind: 'conflict' });
    const result = failure(await t.validator().validate(`Bearer ${token}`, 'orders.read'));
    expect(result).toEqual({
      ok: false,
      error: 'conflict',
      status: 409,
      headers: { 'mfp-conflict': 'true', 'cache-control': 'no-store' },
    });
    expect('wwwAuthenticate' in result).toBe(false);
  });

  it('does not cache a 409: the next validation asks again and admits the token', async () => {
    const token = await t.appToken();
    const validator = t.validator();
    t.emulator.failNextIntrospections(1, { kind: 'conflict' });
    expect((await validator.validate(`Bearer ${token}`, 'orders.read')).ok).toBe(false);
    expect((await validator.validate(`Bearer ${token}`, 'orders.read')).ok).toBe(true);
    expect(t.introspections).toBe(2);
  });

  it('never asks the introspection endpoint about a missing or malformed header', async () => {
    const validator = t.validator();
    for (const header of [undefined, '', 'Basic dGVzdDp0ZXN0', 'Bearer', 'Bearer a b']) {
      expect(failure(await validator.validate(header, 'orders.read')).status).toBe(401);
    }
    expect(t.introspections).toBe(0);
    expect(t.validatorTokenRequests).toBe(0);
  });

  describe('authorize(): the decision every middleware is built on', () => {
    it('comes with the complete answer: status, headers and a small JSON body', async () => {
      const decision = await t.validator().authorize('Bearer unknown', 'orders.read');
      expect(decision).toEqual({
        ok: false,
        status: 401,
        headers: {
          'www-authenticate': 'Bearer error="invalid_token"',
          'cache-control': 'no-store',
          'content-type': 'application/json; charset=utf-8',
        },
        body: JSON.stringify({
          error: 'invalid_token',
          error_description: 'the access token is invalid or expired',
        }),
      });
    });

    it('admits with the data, and never rejects for a token that could not be checked', async () => {
      const token = await t.appToken();
      const validator = t.validator();
      const admitted = await validator.authorize(`Bearer ${token}`, 'orders.read');
      expect(admitted.ok && admitted.data.clientId).toBe('app');
      validator.clearCache();
      t.emulator.failNextIntrospections(1, { kind: 'drop' });
      const unavailable = await validator.authorize(`Bearer ${token}`, 'orders.read');
      expect(unavailable).toMatchObject({ ok: false, status: 503 });
    });

    it('rejects a required scope that is not made of scope tokens', async () => {
      await expect(t.validator().authorize('Bearer x', 'a"b')).rejects.toMatchObject({
        option: 'requiredScope',
      });
    });
  });

  describe('scope semantics', () => {
    it('admits any active token for [] on purpose; an empty string is refused as a slip', async () => {
      const token = await t.appToken('orders.read');
      expect((await t.validator().validate(`Bearer ${token}`, [])).ok).toBe(true);
      for (const empty of ['', '  ']) {
        await expect(t.validator().validate(`Bearer ${token}`, empty)).rejects.toMatchObject({
          name: 'ConfigurationError',
          option: 'requiredScope',
        });
        expect(() => t.validator().express(empty)).toThrow(/empty string/);
      }
    });

    it('takes the required scope as a string or elements, in any order, with repeats', async () => {
      const token = await t.appToken('b.scope a.scope');
      const validator = t.validator();
      expect((await validator.validate(`Bearer ${token}`, ['a.scope', 'b.scope'])).ok).toBe(true);
      expect((await validator.validate(`Bearer ${token}`, ' b.scope  a.scope a.scope')).ok).toBe(
        true,
      );
    });

    it('counts RegisteredClient as granted to every active token', async () => {
      const token = await t.appToken('orders.read');
      const validator = t.validator();
      expect((await validator.validate(`Bearer ${token}`, 'RegisteredClient')).ok).toBe(true);
      const result = failure(
        await validator.validate(`Bearer ${token}`, 'RegisteredClient orders.write'),
      );
      expect(result.wwwAuthenticate).toBe(
        'Bearer error="insufficient_scope", scope="RegisteredClient orders.write"',
      );
    });

    it('compares elements exactly: a granted "*" or "orders.*" is not a wildcard', async () => {
      const validator = t.validator();
      const star = await t.appToken('*');
      expect(failure(await validator.validate(`Bearer ${star}`, 'orders.read')).status).toBe(403);
      expect((await validator.validate(`Bearer ${star}`, '*')).ok).toBe(true);
      const pattern = await t.appToken('orders.*');
      expect(failure(await validator.validate(`Bearer ${pattern}`, 'orders.read')).status).toBe(
        403,
      );
    });

    it('is case-sensitive', async () => {
      const token = await t.appToken('orders.read');
      expect(failure(await t.validator().validate(`Bearer ${token}`, 'Orders.Read')).status).toBe(
        403,
      );
    });

    it('rejects a required scope that is not made of scope tokens', async () => {
      const validator = t.validator();
      await expect(validator.validate('Bearer x', 'a"b')).rejects.toMatchObject({
        name: 'ConfigurationError',
        option: 'requiredScope',
      });
      await expect(validator.validate('Bearer x', 42 as unknown as string)).rejects.toMatchObject({
        option: 'requiredScope',
      });
      expect(() => validator.express('bad\\scope')).toThrow(/requiredScope/);
      expect(() => validator.guard([1] as unknown as string[])).toThrow(/requiredScope/);
    });
  });
});

describe('validation answers over real HTTP (dev server)', () => {
  const t = useValidatorDevServer();
  answers(() => ({
    validator: () => t.validator(),
    appToken: (scope) => t.appToken(scope),
    revokeAll: () => t.e2e.dev.emulator.revokeAllTokens(),
    advanceClock: (ms) => t.e2e.dev.emulator.advanceClock(ms),
  }));

  it('answers 409 MFP-Conflict through the dev server too', async () => {
    const token = await t.appToken();
    t.e2e.dev.emulator.failNextIntrospections(1, { kind: 'conflict' });
    const result = failure(await t.validator().validate(`Bearer ${token}`, 'orders.read'));
    expect(result.status).toBe(409);
    expect(result.headers['mfp-conflict']).toBe('true');
  });
});
