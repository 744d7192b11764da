// Interop: ConfidentialClient against oidc-provider (a certified OAuth 2.0 server) on loopback:
// discovery through the issuer, and a shared client secret sent as HTTP Basic (RFC 6749 §2.3.1)
// and in the form body.
import { afterEach, describe, expect, it } from 'vitest';
import { ConfidentialClient, isTokenRequestError } from '../../src/index.js';
import {
  startOidcProvider,
  startResourceServer,
  useOidcProvider,
} from '../helpers/oidc-provider.js';

const SECRET = 'interop-secret-with:colon and space+plus%percent-0123456789';

const provider = useOidcProvider({
  clients: [
    {
      client_id: 'basic-client',
      client_secret: SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'api:read api:write',
    },
    {
      client_id: 'post-client',
      client_secret: SECRET,
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'api:read',
    },
  ],
  features: { introspection: true },
});

const open: ConfidentialClient[] = [];
function client(options: ConstructorParameters<typeof ConfidentialClient>[0]) {
  const c = new ConfidentialClient(options);
  open.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

describe('client_secret_basic against oidc-provider', () => {
  it('gets a token the provider introspects as active for this client and scope', async () => {
    const c = client({
      tokenUrl: provider().tokenEndpoint,
      clientId: 'basic-client',
      clientSecret: SECRET,
      scope: 'api:read',
    });
    const token = await c.getToken();
    expect(token.tokenType).toBe('Bearer');
    const seen = await provider().introspect(token.accessToken);
    expect(seen).toMatchObject({ active: true, client_id: 'basic-client', scope: 'api:read' });
    const sent = provider().tokenRequests().at(-1)!;
    expect(sent.headers.authorization).toMatch(/^Basic /);
  });

  it('is refused with invalid_client when the secret is wrong', async () => {
    const c = client({
      tokenUrl: provider().tokenEndpoint,
      clientId: 'basic-client',
      clientSecret: 'not-the-secret',
      retry: false,
    });
    const error = await c.getToken().catch((e: unknown) => e);
    expect(isTokenRequestError(error)).toBe(true);
    expect(error).toMatchObject({ error: 'invalid_client' });
    expect(String((error as Error).message)).not.toContain('not-the-secret');
  });

  it('client.fetch reaches a resource that introspects the token', async () => {
    const resource = await startResourceServer({
      provider: provider(),
      requiredScope: ['api:read'],
    });
    try {
      const c = client({
        tokenUrl: provider().tokenEndpoint,
        clientId: 'basic-client',
        clientSecret: SECRET,
        scope: 'api:read',
        origins: [resource.url],
      });
      const response = await c.fetch(`${resource.url}/orders`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ client_id: 'basic-client' });
    } finally {
      await resource.close();
    }
  });
});

describe('client_secret_post against oidc-provider', () => {
  it('gets a token with the secret in the form body', async () => {
    const c = client({
      tokenUrl: provider().tokenEndpoint,
      clientId: 'post-client',
      clientSecret: SECRET,
      clientAuthentication: 'client_secret_post',
      scope: 'api:read',
    });
    const token = await c.getToken();
    const sent = provider().tokenRequests().at(-1)!;
    expect(sent.headers.authorization).toBeUndefined();
    expect(await provider().introspect(token.accessToken)).toMatchObject({
      active: true,
      client_id: 'post-client',
    });
  });
});

describe('discovery against oidc-provider', () => {
  it('an issuer finds the token endpoint (RFC 8414 answers 404, OpenID Connect Discovery serves it) once', async () => {
    const p = provider();
    const before = p.requests.length;
    const c = client({ issuer: p.issuer, clientId: 'basic-client', clientSecret: SECRET });
    await Promise.all([c.getToken(), c.getToken({ scope: 'api:read' })]);
    await c.getToken({ scope: 'api:write' });
    const seen = p.requests.slice(before).map((r) => `${r.method} ${r.url}`);
    expect(seen).toEqual([
      'GET /.well-known/oauth-authorization-server',
      'GET /.well-known/openid-configuration',
      'POST /token',
      'POST /token',
      'POST /token',
    ]);
    expect(c.tokenUrl).toBe(p.tokenEndpoint);
  });

  it('an issuer with a path: the RFC 8414 URL has the path after the well-known segment', async () => {
    const tenant = await startOidcProvider({
      path: '/tenants/a',
      clients: [
        {
          client_id: 'svc',
          client_secret: SECRET,
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
    });
    try {
      const c = client({ issuer: tenant.issuer, clientId: 'svc', clientSecret: SECRET });
      const token = await c.getToken();
      expect(tenant.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'GET /.well-known/oauth-authorization-server/tenants/a',
        'GET /tenants/a/.well-known/openid-configuration',
        'POST /tenants/a/token',
      ]);
      expect(token.tokenType).toBe('Bearer');
    } finally {
      await tenant.close();
    }
  });

  it('a wrong issuer (trailing slash) is refused before any token request', async () => {
    const p = provider();
    const before = p.tokenRequests().length;
    const c = client({ issuer: `${p.issuer}/`, clientId: 'basic-client', clientSecret: SECRET });
    await expect(c.getToken()).rejects.toMatchObject({ name: 'DiscoveryError', reason: 'issuer' });
    expect(p.tokenRequests()).toHaveLength(before);
  });

  it('without clientAuthentication, a method the provider advertises is chosen', async () => {
    const p = provider();
    const response = await fetch(p.discoveryUrl);
    const document = (await response.json()) as Record<string, unknown>;
    expect(document.token_endpoint_auth_methods_supported).toContain('client_secret_basic');
    const c = client({ issuer: p.issuer, clientId: 'basic-client', clientSecret: SECRET });
    await c.getToken();
    expect(p.tokenRequests().at(-1)?.headers.authorization).toMatch(/^Basic /);
  });
});

describe('the harness', () => {
  it('serves an issuer with a path, every endpoint under it', async () => {
    const tenant = await startOidcProvider({ path: '/tenants/a' });
    try {
      const response = await fetch(tenant.discoveryUrl);
      const document = (await response.json()) as Record<string, unknown>;
      expect(document.issuer).toBe(tenant.issuer);
      expect(tenant.issuer).toMatch(/\/tenants\/a$/);
      expect(document.token_endpoint).toBe(tenant.tokenEndpoint);
      expect((await fetch(`${tenant.origin}/.well-known/openid-configuration`)).status).toBe(404);
    } finally {
      await tenant.close();
    }
  });
});
