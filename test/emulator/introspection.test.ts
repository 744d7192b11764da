import { describe, expect, it } from 'vitest';
import { getToken, T0, transports, useEmulator } from '../helpers/emulator-harness.js';

describe.each(transports)('introspection over %s', (transport) => {
  const h = useEmulator(transport, () => ({
    clients: [
      { id: 'rs', secret: 'rs-secret', allowedScope: 'authorization.introspect' },
      { id: 'app', secret: 'app-secret', allowedScope: 'accessRestricted' },
    ],
  }));

  async function introspect(callerToken: string | undefined, body: string): Promise<Response> {
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (callerToken) headers.authorization = `Bearer ${callerToken}`;
    return fetch(h.url(h.emulator.introspectionPath), { method: 'POST', headers, body });
  }

  const rsToken = () =>
    getToken(h, { id: 'rs', secret: 'rs-secret', scope: 'authorization.introspect' });
  const appToken = () =>
    getToken(h, { id: 'app', secret: 'app-secret', scope: 'accessRestricted' });

  it('describes an active token', async () => {
    const caller = await rsToken();
    const token = await appToken();
    const res = await introspect(caller, `token=${token}&token_type_hint=access_token`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      active: true,
      scope: 'accessRestricted',
      client_id: 'app',
      sub: 'app',
      exp: T0 + 3_599_000,
      iat: T0,
      iss: 'com.ibm.mfp',
      aud: 'com.ibm.mfp',
      token_type: 'Bearer',
    });
  });

  it('answers active:false for an unknown token', async () => {
    const res = await introspect(await rsToken(), 'token=not-a-token');
    expect(await res.json()).toEqual({ active: false });
  });

  it('answers active:false for an expired token', async () => {
    const token = await appToken();
    h.emulator.advanceClock(3_599_000);
    const res = await introspect(await rsToken(), `token=${token}`);
    expect(await res.json()).toEqual({ active: false });
  });

  it('answers active:false for a revoked token, and active for one issued after', async () => {
    const token = await appToken();
    expect(h.emulator.revokeAllTokens()).toBe(1);
    const caller = await rsToken();
    expect(await (await introspect(caller, `token=${token}`)).json()).toEqual({ active: false });
    const fresh = await appToken();
    expect((await (await introspect(caller, `token=${fresh}`)).json()).active).toBe(true);
  });

  it('answers 401 Bearer without a caller token', async () => {
    const res = await introspect(undefined, 'token=x');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers 401 invalid_token for an invalid caller token', async () => {
    const res = await introspect('bogus', 'token=x');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('answers 403 insufficient_scope when the caller lacks authorization.introspect', async () => {
    const res = await introspect(await appToken(), 'token=x');
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", scope="authorization.introspect"',
    );
  });

  it('answers 400 invalid_request without a token parameter', async () => {
    const res = await introspect(await rsToken(), 'token_type_hint=access_token');
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_request');
  });

  it('counts introspection requests', async () => {
    const caller = await rsToken();
    await introspect(caller, 'token=a');
    await introspect(undefined, 'token=a');
    expect(h.emulator.counters().introspections).toBe(2);
  });

  describe('injected faults', () => {
    it('answers 409 to the next introspection, whatever the caller token, then recovers', async () => {
      h.emulator.failNextIntrospections(1, { kind: 'conflict' });
      expect(h.emulator.pendingIntrospectionFaults).toBe(1);
      const caller = await rsToken();
      const token = await appToken();
      const conflict = await introspect(undefined, `token=${token}`);
      expect(conflict.status).toBe(409);
      expect(conflict.headers.get('www-authenticate')).toBeNull();
      expect(h.emulator.pendingIntrospectionFaults).toBe(0);
      expect((await (await introspect(caller, `token=${token}`)).json()).active).toBe(true);
    });

    it('rejects a valid caller token with 401 invalid_token or 403 insufficient_scope', async () => {
      h.emulator.failNextIntrospections(1, { kind: 'invalid-token' });
      h.emulator.failNextIntrospections(1, { kind: 'insufficient-scope' });
      const caller = await rsToken();
      const first = await introspect(caller, 'token=x');
      expect(first.status).toBe(401);
      expect(first.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      const second = await introspect(caller, 'token=x');
      expect(second.status).toBe(403);
      expect(second.headers.get('www-authenticate')).toBe(
        'Bearer error="insufficient_scope", scope="authorization.introspect"',
      );
      expect((await introspect(caller, 'token=x')).status).toBe(200);
    });

    it('fails like the token endpoint does: 5xx, garbage, a dropped connection', async () => {
      h.emulator.failNextIntrospections(1, { kind: 'server-error', status: 502 });
      h.emulator.failNextIntrospections(1, { kind: 'malformed' });
      h.emulator.failNextIntrospections(1, { kind: 'drop' });
      const caller = await rsToken();
      expect((await introspect(caller, 'token=x')).status).toBe(502);
      await expect((await introspect(caller, 'token=x')).json()).rejects.toThrow(SyntaxError);
      await expect(introspect(caller, 'token=x')).rejects.toThrow(TypeError);
      expect(h.emulator.counters().introspections).toBe(3);
    });

    it('leaves token requests alone, and clearFaults drops queued introspection faults', async () => {
      h.emulator.failNextIntrospections(3, { kind: 'conflict' });
      const caller = await rsToken();
      h.emulator.clearFaults();
      expect(h.emulator.pendingIntrospectionFaults).toBe(0);
      expect((await introspect(caller, 'token=x')).status).toBe(200);
    });

    it('refuses a bad count or kind', () => {
      expect(() => h.emulator.failNextIntrospections(0, { kind: 'conflict' })).toThrow(RangeError);
      expect(() =>
        h.emulator.failNextIntrospections(1, { kind: 'nope' } as unknown as { kind: 'conflict' }),
      ).toThrow(/introspection fault needs kind/);
      expect(() =>
        h.emulator.failNextIntrospections(1, { kind: 'server-error', status: 404 }),
      ).toThrow(RangeError);
    });
  });
});
