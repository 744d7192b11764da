// Interop: client_secret_jwt and private_key_jwt (RFC 7523, OpenID Connect Core §9) against
// oidc-provider, which checks the signature, iss/sub, aud, exp and that a jti is used once.
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfidentialClient, type ConfidentialClientOptions } from '../../src/index.js';
import { startOidcProvider, useOidcProvider } from '../helpers/oidc-provider.js';

// HS256 needs a secret of at least 32 bytes at oidc-provider.
const JWT_SECRET = 'interop-client-secret-jwt-0123456789-abcdefghijklmnop';
const keys = {
  rs: await generateKeyPair('RS256', { extractable: true }),
  es: await generateKeyPair('ES256', { extractable: true }),
  ed: await generateKeyPair('EdDSA', { extractable: true }),
};
const publicJwk = async (key: CryptoKey, kid: string, alg: string) => ({
  ...(await exportJWK(key)),
  kid,
  alg,
  use: 'sig',
});

const provider = useOidcProvider({
  clients: [
    {
      client_id: 'jwt-secret-client',
      client_secret: JWT_SECRET,
      token_endpoint_auth_method: 'client_secret_jwt',
      scope: 'api:read',
    },
    {
      client_id: 'key-client',
      token_endpoint_auth_method: 'private_key_jwt',
      scope: 'api:read',
      jwks: {
        keys: [
          await publicJwk(keys.rs.publicKey, 'rs-1', 'RS256'),
          await publicJwk(keys.es.publicKey, 'es-1', 'ES256'),
          await publicJwk(keys.ed.publicKey, 'ed-1', 'EdDSA'),
        ],
      },
    },
  ],
  features: { introspection: true },
});

const open: ConfidentialClient[] = [];
function client(options: Partial<ConfidentialClientOptions>) {
  const c = new ConfidentialClient({
    tokenUrl: provider().tokenEndpoint,
    retry: false,
    ...options,
  } as ConfidentialClientOptions);
  open.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function expectActive(token: string, clientId: string) {
  expect(await provider().introspect(token)).toMatchObject({ active: true, client_id: clientId });
}

describe('client_secret_jwt against oidc-provider', () => {
  it('the HMAC assertion is accepted, for each request anew', async () => {
    const c = client({
      clientId: 'jwt-secret-client',
      clientSecret: JWT_SECRET,
      clientAuthentication: 'client_secret_jwt',
    });
    const first = await c.getToken();
    // A second assertion within the first's lifetime: oidc-provider refuses a jti it has seen.
    const second = await c.getToken({ forceRefresh: true });
    await expectActive(first.accessToken, 'jwt-secret-client');
    await expectActive(second.accessToken, 'jwt-secret-client');
  });

  it('through discovery, with aud the issuer', async () => {
    const c = client({
      tokenUrl: undefined,
      issuer: provider().issuer,
      clientId: 'jwt-secret-client',
      clientSecret: JWT_SECRET,
      clientAuthentication: 'client_secret_jwt',
      clientAssertion: { audience: 'issuer' },
    });
    await expectActive((await c.getToken()).accessToken, 'jwt-secret-client');
  });

  it('a wrong secret is invalid_client', async () => {
    const c = client({
      clientId: 'jwt-secret-client',
      clientSecret: `${JWT_SECRET}-wrong`,
      clientAuthentication: 'client_secret_jwt',
    });
    await expect(c.getToken()).rejects.toMatchObject({ error: 'invalid_client' });
  });
});

describe('private_key_jwt against oidc-provider', () => {
  let pem: string;
  beforeAll(async () => {
    pem = await exportPKCS8(keys.es.privateKey);
  });

  it('a CryptoKey (RS256), a PEM (ES256) and a JWK (EdDSA) with their kid', async () => {
    const variants: Array<Partial<ConfidentialClientOptions>> = [
      { privateKey: keys.rs.privateKey, clientAssertion: { kid: 'rs-1' } },
      { privateKey: pem, clientAssertion: { kid: 'es-1' } },
      { privateKey: { ...(await exportJWK(keys.ed.privateKey)), kid: 'ed-1' } },
    ];
    for (const variant of variants) {
      const c = client({ clientId: 'key-client', ...variant });
      await expectActive((await c.getToken()).accessToken, 'key-client');
    }
  });

  it('through discovery: the method is private_key_jwt because a key is given', async () => {
    const c = client({
      tokenUrl: undefined,
      issuer: provider().issuer,
      clientId: 'key-client',
      privateKey: keys.es.privateKey,
    });
    await expectActive((await c.getToken()).accessToken, 'key-client');
  });

  it('a key the client did not register is invalid_client', async () => {
    const stranger = await generateKeyPair('ES256');
    const c = client({ clientId: 'key-client', privateKey: stranger.privateKey });
    await expect(c.getToken()).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('a rotated key is picked up after invalid_client', async () => {
    const stranger = await generateKeyPair('ES256');
    let current: CryptoKey = stranger.privateKey;
    const c = client({
      clientId: 'key-client',
      privateKey: () => {
        const key = current;
        current = keys.es.privateKey;
        return key;
      },
    });
    await expectActive((await c.getToken()).accessToken, 'key-client');
    expect(provider().events.filter((e) => e.error === 'invalid_client').length).toBeGreaterThan(0);
  });
});

describe('client assertions with DPoP nonces against oidc-provider', () => {
  it('the request sent again with the nonce carries a new assertion (oidc-provider takes a jti once)', async () => {
    const nonced = await startOidcProvider({
      clients: [
        {
          client_id: 'dpop-jwt-client',
          client_secret: JWT_SECRET,
          token_endpoint_auth_method: 'client_secret_jwt',
          dpop_bound_access_tokens: true,
        },
      ],
      features: { introspection: true, dPoP: { requireNonce: true } },
    });
    const c = new ConfidentialClient({
      tokenUrl: nonced.tokenEndpoint,
      clientId: 'dpop-jwt-client',
      clientSecret: JWT_SECRET,
      clientAuthentication: 'client_secret_jwt',
      dpop: true,
      retry: false,
    });
    try {
      const token = await c.getToken();
      expect(token.tokenType).toBe('DPoP');
      expect(nonced.tokenRequests()).toHaveLength(2);
      expect(await nonced.introspect(token.accessToken)).toMatchObject({ active: true });
    } finally {
      await c.close();
      await nonced.close();
    }
  });
});
