// client_secret_jwt and private_key_jwt over MSW: the assertion's claims and header, every key
// form, and what is refused.
import {
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  jwtVerify,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { isConfigurationError } from '../src/index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  fakeClock,
  newClient,
  TOKEN_URL,
  useTokenServer,
} from './helpers/token-server.js';

const srv = useTokenServer();
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function assertion(n = 0): string {
  const form = srv.state.requests[n]?.form;
  expect(form?.get('client_assertion_type')).toBe(ASSERTION_TYPE);
  expect(form?.get('client_secret')).toBeNull();
  expect(srv.state.requests[n]?.headers.get('authorization')).toBeNull();
  return form?.get('client_assertion') ?? '';
}

describe('client_secret_jwt', () => {
  it('signs iss=sub=client_id, aud=token endpoint, iat, exp 60 s later and a jti with the secret (HS256)', async () => {
    const clock = fakeClock();
    const client = newClient({ clientAuthentication: 'client_secret_jwt', now: clock.now });
    await client.getToken();
    const jwt = assertion();
    const { payload, protectedHeader } = await jwtVerify(
      jwt,
      new TextEncoder().encode(CLIENT_SECRET),
      { currentDate: new Date(clock.now()) },
    );
    expect(protectedHeader).toEqual({ alg: 'HS256' });
    expect(payload).toMatchObject({ iss: CLIENT_ID, sub: CLIENT_ID, aud: TOKEN_URL });
    expect(payload.iat).toBe(Math.floor(clock.now() / 1000));
    expect(payload.exp).toBe(payload.iat! + 60);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(srv.state.requests[0]?.form.get('client_id')).toBe(CLIENT_ID);
  });

  it('a new jti for every request, retries included', async () => {
    let n = 0;
    srv.respond(() =>
      ++n === 1
        ? new Response(null, { status: 503 })
        : Response.json({
            access_token: `t${n}`,
            token_type: 'Bearer',
            expires_in: 60,
          }),
    );
    const client = newClient({
      clientAuthentication: 'client_secret_jwt',
      retry: { retries: 1, minTimeout: 0, randomize: false },
    });
    await client.getToken();
    await client.getToken({ forceRefresh: true });
    const jtis = [0, 1, 2].map((i) => decodeJwt(assertion(i)).jti);
    expect(new Set(jtis).size).toBe(3);
  });

  it('alg, kid, audience and lifetime are configurable; a non-HMAC alg is refused', async () => {
    const client = newClient({
      clientAuthentication: 'client_secret_jwt',
      clientAssertion: { alg: 'HS512', kid: 'k1', audience: 'https://as.example', lifetime: 30 },
    });
    await client.getToken();
    const jwt = assertion();
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'HS512', kid: 'k1' });
    const claims = decodeJwt(jwt);
    expect(claims.aud).toBe('https://as.example');
    expect(claims.exp! - claims.iat!).toBe(30);
    expect(() =>
      newClient({ clientAuthentication: 'client_secret_jwt', clientAssertion: { alg: 'RS256' } }),
    ).toThrow(/clientAssertion.alg/);
  });

  it("audience 'issuer' needs the issuer option; unknown keys are refused", () => {
    expect(() => newClient({ clientAssertion: { audience: 'issuer' } })).toThrow(
      /clientAssertion.audience/,
    );
    expect(() =>
      newClient({ clientAssertion: { lifetme: 3 } as unknown as { lifetime: number } }),
    ).toThrow(/lifetime/);
  });
});

describe('private_key_jwt', () => {
  const variants = [
    ['RS256', 'RS256'],
    ['PS256', 'PS256'],
    ['ES256', 'ES256'],
    ['ES384', 'ES384'],
    ['EdDSA', 'EdDSA'],
  ] as const;

  for (const [generate, expected] of variants) {
    it(`${generate}: a CryptoKey, a PKCS#8 PEM and a JWK all sign, alg inferred as ${expected}`, async () => {
      const { privateKey, publicKey } = await generateKeyPair(generate, { extractable: true });
      const pem = await exportPKCS8(privateKey);
      // An RSA JWK without "alg" is taken as RS256: a PSS one says so.
      const alg = generate === 'PS256' ? { alg: 'PS256' } : {};
      const jwk = { ...(await exportJWK(privateKey)), kid: 'from-jwk', ...alg };
      // A PKCS#8 RSA-PSS key from WebCrypto carries the plain rsaEncryption OID: its alg cannot
      // be told from the PEM, so this test leaves it out.
      const keys = generate === 'PS256' ? [privateKey, jwk] : [privateKey, pem, jwk];
      for (const key of keys) {
        srv.state.requests = [];
        await newClient({ privateKey: key, clientSecret: undefined }).getToken();
        const jwt = assertion();
        const { payload, protectedHeader } = await jwtVerify(jwt, publicKey);
        expect(protectedHeader.alg).toBe(expected);
        expect(protectedHeader.kid).toBe(key === jwk ? 'from-jwk' : undefined);
        expect(payload).toMatchObject({ iss: CLIENT_ID, sub: CLIENT_ID, aud: TOKEN_URL });
      }
    });
  }

  it('kid and alg given are used; an unusable key fails with a ConfigurationError naming privateKey', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    await newClient({
      privateKey,
      clientSecret: undefined,
      clientAssertion: { kid: 'key-2', alg: 'RS256', header: { 'x5t#S256': 'thumb', typ: 'JWT' } },
    }).getToken();
    expect(decodeProtectedHeader(assertion())).toEqual({
      alg: 'RS256',
      kid: 'key-2',
      'x5t#S256': 'thumb',
      typ: 'JWT',
    });
    expect(() =>
      newClient({
        privateKey,
        clientSecret: undefined,
        clientAssertion: { header: { alg: 'none' } },
      }),
    ).toThrow(/clientAssertion.header/);
    const mismatch = await newClient({
      privateKey,
      clientSecret: undefined,
      clientAssertion: { alg: 'RS384' },
      retry: false,
    })
      .getToken()
      .catch((e: unknown) => e);
    expect(mismatch).toMatchObject({ name: 'ConfigurationError', option: 'clientAssertion.alg' });

    const pem = await exportPKCS8(privateKey);
    const error = await newClient({
      privateKey: pem,
      clientSecret: undefined,
      clientAssertion: { alg: 'ES256' },
      retry: false,
    })
      .getToken()
      .catch((e: unknown) => e);
    expect(isConfigurationError(error)).toBe(true);
    expect(error).toMatchObject({ option: 'privateKey' });
    expect(String((error as Error).message)).not.toContain(pem.slice(40, 80));
    expect(srv.count).toBe(1);
  });

  it('the constructor refuses a public key, a PKCS#1 PEM, a JWK without d, and both a key and a secret', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    const { d: _d, ...publicJwk } = jwk;
    for (const bad of [
      publicKey,
      '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----',
      publicJwk,
      42,
    ]) {
      expect(() => newClient({ privateKey: bad as CryptoKey, clientSecret: undefined })).toThrow(
        /privateKey/,
      );
    }
    expect(() => newClient({ privateKey } as never)).toThrow(/both given/);
    expect(() =>
      newClient({ privateKey, clientAuthentication: 'client_secret_post' } as never),
    ).toThrow(/only used by private_key_jwt/);
    expect(() =>
      newClient({ clientAuthentication: 'private_key_jwt', clientSecret: CLIENT_SECRET }),
    ).toThrow(/privateKey/);
  });

  it('a PEM is imported once, not at every request', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const client = newClient({ privateKey: pem, clientSecret: undefined });
    await client.getToken();
    await client.getToken({ forceRefresh: true });
    expect(srv.count).toBe(2);
    expect(decodeProtectedHeader(assertion(1)).alg).toBe('ES256');
  });
});
