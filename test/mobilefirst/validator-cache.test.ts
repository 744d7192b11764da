import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isIntrospectionError } from '../../src/mobilefirst/index.js';
import { INTROSPECTION_URL, useValidatorEmulator } from './validator-kit.js';

// The emulator reads the (faked) Date on every call, so one clock moves both.
const t = useValidatorEmulator({ now: () => Date.now() });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Moves the clock of the validator and of the emulator (faked Date). */
function advance(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

/** Answers introspection with `body`, counting the calls. */
function answerIntrospection(body: () => Record<string, unknown>): { calls: number } {
  const seen = { calls: 0 };
  t.mf.server.use(
    http.post(INTROSPECTION_URL, () => {
      seen.calls++;
      return HttpResponse.json(body());
    }),
  );
  return seen;
}

describe('introspection cache', () => {
  it('asks once per token: later validations, for any scope, are served from the cache', async () => {
    const token = await t.appToken('orders.read orders.write');
    const validator = t.validator();
    expect((await validator.validate(`Bearer ${token}`, 'orders.read')).ok).toBe(true);
    expect((await validator.validate(`bearer ${token}`, 'orders.write')).ok).toBe(true);
    const refused = await validator.validate(`Bearer ${token}`, 'admin');
    expect(refused.ok || refused.status).toBe(403);
    expect(t.introspections).toBe(1);
  });

  it('serves an active answer until its exp in milliseconds (MobileFirst), then asks again', async () => {
    const token = await t.appToken();
    const validator = t.validator();
    await validator.validate(`Bearer ${token}`, 'orders.read');
    advance(3_598_999); // the emulator's tokens live 3599 s
    expect((await validator.validate(`Bearer ${token}`, 'orders.read')).ok).toBe(true);
    expect(t.introspections).toBe(1);
    advance(1);
    const expired = await validator.validate(`Bearer ${token}`, 'orders.read');
    expect(expired.ok).toBe(false);
    expect(expired.ok || expired.wwwAuthenticate).toBe('Bearer error="invalid_token"');
    expect(t.introspections).toBe(2);
  });

  it('reads an exp in seconds (RFC 7662) as seconds', async () => {
    const exp = Math.floor(Date.now() / 1000) + 60;
    const seen = answerIntrospection(() => ({ active: true, scope: 'orders.read', exp }));
    const validator = t.validator();
    const first = await validator.validate('Bearer abc', 'orders.read');
    expect(first.ok && first.data.expiresAt).toBe(exp * 1000);
    vi.setSystemTime(exp * 1000 - 1);
    await validator.validate('Bearer abc', 'orders.read');
    expect(seen.calls).toBe(1);
    vi.setSystemTime(exp * 1000);
    await validator.validate('Bearer abc', 'orders.read');
    expect(seen.calls).toBe(2);
  });

  it('does not cache an active answer without exp, or with an exp already past', async () => {
    let exp: number | undefined;
    const seen = answerIntrospection(() => ({ active: true, ...(exp ? { exp } : {}) }));
    const validator = t.validator();
    await validator.validate('Bearer abc', []);
    await validator.validate('Bearer abc', []);
    expect(seen.calls).toBe(2);
    exp = Date.now() - 1;
    const stale = await validator.validate('Bearer abc', []);
    expect(stale.ok).toBe(true); // the server said active; only the cache does not keep it
    await validator.validate('Bearer abc', []);
    expect(seen.calls).toBe(4);
  });

  it('does not cache active:false: each check of a refused token asks again', async () => {
    const validator = t.validator();
    await validator.validate('Bearer unknown-token', 'orders.read');
    await validator.validate('Bearer unknown-token', 'orders.read');
    expect(t.introspections).toBe(2);
  });

  it('keeps a revoked token admitted from the cache until its exp, unless maxCacheAge or clearCache says otherwise', async () => {
    const token = await t.appToken();
    const untilExp = t.validator();
    const capped = t.validator({ maxCacheAge: 60_000 });
    await untilExp.validate(`Bearer ${token}`, 'orders.read');
    await capped.validate(`Bearer ${token}`, 'orders.read');
    t.emulator.revokeAllTokens();
    advance(60_000);
    expect((await untilExp.validate(`Bearer ${token}`, 'orders.read')).ok).toBe(true);
    expect((await capped.validate(`Bearer ${token}`, 'orders.read')).ok).toBe(false);
    untilExp.clearCache();
    expect((await untilExp.validate(`Bearer ${token}`, 'orders.read')).ok).toBe(false);
  });

  it('clearCache() beats a check under way: its answer reaches its caller but is not cached', async () => {
    const token = await t.appToken();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    t.mf.server.use(
      http.post(INTROSPECTION_URL, async () => {
        calls++;
        if (calls === 1) await gate; // the first answer is "active", still in transit
        return HttpResponse.json(
          calls === 1
            ? { active: true, scope: 'orders.read', client_id: 'app', exp: Date.now() + 3_600_000 }
            : { active: false },
        );
      }),
    );
    const validator = t.validator();
    const inTransit = validator.validate(`Bearer ${token}`, 'orders.read');
    await vi.waitFor(() => expect(calls).toBe(1));
    validator.clearCache(); // say, after revoking the token at the server
    release();
    expect((await inTransit).ok).toBe(true);
    expect((await validator.validate(`Bearer ${token}`, 'orders.read')).ok).toBe(false);
    expect(calls).toBe(2);
  });

  it('is a bounded LRU: the least recently used token goes first', async () => {
    const [a, b, c] = await Promise.all([
      t.appToken('orders.read a'),
      t.appToken('orders.read b'),
      t.appToken('orders.read c'),
    ]);
    const validator = t.validator({ cacheSize: 2 });
    const check = (token: string | undefined) =>
      validator.validate(`Bearer ${token}`, 'orders.read');
    await check(a);
    await check(b);
    await check(a); // a is now more recent than b
    expect(t.introspections).toBe(2);
    await check(c); // evicts b
    await check(a);
    await check(c);
    expect(t.introspections).toBe(3);
    await check(b);
    expect(t.introspections).toBe(4);
  });

  it('cacheSize 0 turns the cache off', async () => {
    const token = await t.appToken();
    const validator = t.validator({ cacheSize: 0 });
    await validator.validate(`Bearer ${token}`, 'orders.read');
    await validator.validate(`Bearer ${token}`, 'orders.read');
    expect(t.introspections).toBe(2);
  });

  it('keeps no token in clear where inspect or JSON can reach it', async () => {
    const token = await t.appToken();
    const validator = t.validator();
    await validator.validate(`Bearer ${token}`, 'orders.read');
    for (const text of [inspect(validator, { depth: 10 }), JSON.stringify(validator)]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain('rs-secret');
    }
  });
});

describe('concurrent validations', () => {
  it('100 concurrent validations of one token make 1 introspection call and 1 token request', async () => {
    const token = await t.appToken('orders.read orders.write');
    const validator = t.validator();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        validator.validate(`Bearer ${token}`, i % 2 ? 'orders.read' : 'orders.write'),
      ),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    expect(t.introspections).toBe(1);
    expect(t.validatorTokenRequests).toBe(1);
  });

  it('concurrent validations of a refused token share one call too, and the next one asks again', async () => {
    const validator = t.validator();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => validator.validate('Bearer unknown', 'orders.read')),
    );
    expect(results.every((result) => !result.ok && result.status === 401)).toBe(true);
    expect(t.introspections).toBe(1);
    await validator.validate('Bearer unknown', 'orders.read');
    expect(t.introspections).toBe(2);
  });

  it('concurrent validations share a failure, which is not remembered', async () => {
    const token = await t.appToken();
    const validator = t.validator();
    t.emulator.failNextIntrospections(1, { kind: 'server-error' });
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, () => validator.validate(`Bearer ${token}`, 'orders.read')),
    );
    expect(settled.every((s) => s.status === 'rejected' && isIntrospectionError(s.reason))).toBe(
      true,
    );
    expect(t.introspections).toBe(1);
    expect((await validator.validate(`Bearer ${token}`, 'orders.read')).ok).toBe(true);
    expect(t.introspections).toBe(2);
  });

  it('different tokens are introspected separately', async () => {
    const [a, b] = await Promise.all([t.appToken('orders.read'), t.appToken('orders.read x')]);
    const validator = t.validator();
    await Promise.all([
      validator.validate(`Bearer ${a}`, 'orders.read'),
      validator.validate(`Bearer ${b}`, 'orders.read'),
    ]);
    expect(t.introspections).toBe(2);
  });
});
