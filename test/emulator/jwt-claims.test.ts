import { jwtDecode } from 'jwt-decode';
import { describe, expect, it } from 'vitest';
import { getToken, T0, transports, useEmulator } from '../helpers/emulator-harness.js';

function b64urlToBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) =>
    c.charCodeAt(0),
  );
}

async function verifyRs256(token: string, jwk: JsonWebKey): Promise<boolean> {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const key = await crypto.subtle.importKey(
    'jwk',
    { kty: 'RSA', n: jwk.n!, e: jwk.e! },
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  return crypto.subtle.verify(
    'RSASSA-PKCS1-v1_5',
    key,
    b64urlToBytes(signature),
    new TextEncoder().encode(`${header}.${payload}`),
  );
}

describe.each(transports)('access token JWT over %s', (transport) => {
  const h = useEmulator(transport, () => ({ tokenLifetime: 120 }));

  it('carries MobileFirst claims, exp and iat in milliseconds', async () => {
    const token = await getToken(h, { scope: 'b a' });
    const claims = jwtDecode<Record<string, unknown>>(token);
    expect(claims).toEqual({
      iss: 'com.ibm.mfp',
      aud: 'com.ibm.mfp',
      sub: 'test',
      scope: 'a b',
      iat: T0,
      exp: T0 + 120_000,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('gives every token a unique jti', async () => {
    const a = jwtDecode<{ jti: string }>(await getToken(h));
    const b = jwtDecode<{ jti: string }>(await getToken(h));
    expect(a.jti).not.toBe(b.jti);
  });

  it('is signed with RS256 by the key embedded in its header and published by publicJwk()', async () => {
    const token = await getToken(h);
    const header = jwtDecode<{ alg: string; kid: string; jwk: JsonWebKey & { kid: string } }>(
      token,
      {
        header: true,
      },
    );
    expect(header.alg).toBe('RS256');
    expect(header.jwk).toMatchObject({ kty: 'RSA', e: 'AQAB', kid: header.kid });
    const published = await h.emulator.publicJwk();
    expect(published).toMatchObject({
      kty: 'RSA',
      n: header.jwk.n,
      e: header.jwk.e,
      kid: header.kid,
    });
    expect(await verifyRs256(token, published)).toBe(true);
  });

  it('has a signature that breaks when the payload changes', async () => {
    const token = await getToken(h);
    const [header, , signature] = token.split('.');
    const forged = btoa(JSON.stringify({ sub: 'admin', scope: '*' })).replace(/=+$/, '');
    expect(
      await verifyRs256(`${header}.${forged}.${signature}`, await h.emulator.publicJwk()),
    ).toBe(false);
  });
});
