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
});
