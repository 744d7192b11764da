// Interop: RFC 8707 resource indicators, RFC 7009 revocation seen by a resource that introspects
// (RFC 7662), and a resource that answers 403 insufficient_scope, all against oidc-provider.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfidentialClient,
  type ConfidentialClientOptions,
  isTokenRequestError,
} from '../../src/index.js';
import {
  type ResourceServerHandle,
  startResourceServer,
  useOidcProvider,
} from '../helpers/oidc-provider.js';

const SECRET = 'interop-resources-secret-0123456789';
const ORDERS = 'https://orders.example.com/';
const BILLING = 'https://billing.example.com/';

const provider = useOidcProvider({
  clients: [
    {
      client_id: 'svc',
      client_secret: SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'api:read api:write',
    },
  ],
  features: {
    introspection: true,
    revocation: true,
    resourceIndicators: {
      [ORDERS]: { scope: 'api:read api:write' },
      [BILLING]: { scope: 'api:read', audience: 'billing-api' },
    },
  },
});

let api: ResourceServerHandle;
let audienced: ResourceServerHandle;
beforeAll(async () => {
  api = await startResourceServer({
    provider: provider(),
    requiredScope: ['api:read'],
    scopeByPath: { '/admin': ['api:read', 'api:write'] },
  });
  audienced = await startResourceServer({ provider: provider(), audience: ORDERS });
});
afterAll(async () => {
  await api.close();
  await audienced.close();
});

const open: ConfidentialClient[] = [];
function client(options: Partial<ConfidentialClientOptions> = {}) {
  const c = new ConfidentialClient({
    issuer: provider().issuer,
    clientId: 'svc',
    clientSecret: SECRET,
    scope: 'api:read',
    origins: [api.url, audienced.url],
    retry: false,
    ...options,
  } as ConfidentialClientOptions);
  open.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

describe('resource indicators against oidc-provider', () => {
  it('a token per resource, each with its audience; cached apart', async () => {
    const c = client();
    const before = provider().tokenRequests().length;
    const orders = await c.getToken({ resource: ORDERS });
    const billing = await c.getToken({ resource: BILLING });
    expect(await c.getToken({ resource: ORDERS })).toBe(orders);
    expect(provider().tokenRequests().length - before).toBe(2);
    expect(await provider().introspect(orders.accessToken)).toMatchObject({
      active: true,
      aud: ORDERS,
    });
    expect(await provider().introspect(billing.accessToken)).toMatchObject({ aud: 'billing-api' });
  });

  it('the resource option: a resource that checks its audience takes the token', async () => {
    const c = client({ resource: ORDERS });
    const response = await c.fetch(`${audienced.url}/orders`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ aud: ORDERS });
  });

  it('client.fetch(url, { resource }) per call; a token for another audience is refused there', async () => {
    const c = client();
    expect((await c.fetch(`${audienced.url}/orders`, { resource: ORDERS })).status).toBe(200);
    // A Bearer 401 with a new token of the same audience (billing) still fails: returned as is.
    const wrong = await c.fetch(`${audienced.url}/orders`, { resource: BILLING });
    expect(wrong.status).toBe(401);
  });

  it('an unknown resource is invalid_target', async () => {
    const error = await client()
      .getToken({ resource: 'https://unknown.example.com/' })
      .catch((e: unknown) => e);
    expect(isTokenRequestError(error) && error.error).toBe('invalid_target');
  });
});

describe('revocation and introspection', () => {
  it('a revoked token: the resource answers 401, client.fetch gets one new token and succeeds', async () => {
    const c = client();
    expect((await c.fetch(`${api.url}/items`)).status).toBe(200);
    const revoked = await c.getToken();
    await provider().revoke(revoked.accessToken, { clientId: 'svc', clientSecret: SECRET });
    expect(await provider().introspect(revoked.accessToken)).toEqual({ active: false });

    const before = provider().tokenRequests().length;
    const seen = api.requests.length;
    const response = await c.fetch(`${api.url}/items`);
    expect(response.status).toBe(200);
    expect(provider().tokenRequests().length - before).toBe(1);
    expect(api.requests.slice(seen).map((r) => r.status)).toEqual([401, 200]);
    expect((await c.getToken()).accessToken).not.toBe(revoked.accessToken);
    expect(c.stats().reauthentications).toBe(1);
  });
});

describe('403 insufficient_scope from a resource', () => {
  it('steps up to the union of scopes, once, and remembers it for the path', async () => {
    const c = client();
    const seen = api.requests.length;
    const response = await c.fetch(`${api.url}/admin`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ scope: 'api:read api:write' });
    expect(api.requests.slice(seen).map((r) => r.status)).toEqual([403, 200]);
    expect((await c.fetch(`${api.url}/admin`)).status).toBe(200);
    expect(api.requests.slice(seen).map((r) => r.status)).toEqual([403, 200, 200]);
    expect(c.stats().stepUps).toBe(1);
  });
});
