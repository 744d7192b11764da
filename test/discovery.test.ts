// Discovery (RFC 8414, falling back to OpenID Connect Discovery) over MSW: where it looks, once and
// lazily, single-flight, and every way a document can be wrong.
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfidentialClient,
  type ConfidentialClientOptions,
  isConfigurationError,
  isDiscoveryError,
} from '../src/index.js';
import { fakeClock, tokenResponse } from './helpers/token-server.js';

const ORIGIN = 'https://idp.example.com';
const ISSUER = `${ORIGIN}/realms/acme`;
const RFC8414 = `${ORIGIN}/.well-known/oauth-authorization-server/realms/acme`;
const OIDC = `${ISSUER}/.well-known/openid-configuration`;
const TOKEN = `${ISSUER}/protocol/openid-connect/token`;

const seen: string[] = [];
const forms: URLSearchParams[] = [];
const headers: Headers[] = [];
let documents: Record<string, () => Response> = {};

const server = setupServer(
  http.get(`${ORIGIN}/*`, ({ request }) => {
    seen.push(request.url);
    const answer = documents[request.url];
    return answer ? answer() : new HttpResponse(null, { status: 404 });
  }),
  http.post(TOKEN, async ({ request }) => {
    seen.push(request.url);
    forms.push(new URLSearchParams(await request.text()));
    headers.push(request.headers);
    return tokenResponse();
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  seen.length = 0;
  forms.length = 0;
  headers.length = 0;
  documents = {};
});
afterAll(() => server.close());

function metadata(extra: Record<string, unknown> = {}) {
  return { issuer: ISSUER, token_endpoint: TOKEN, ...extra };
}

function client(extra: Partial<ConfidentialClientOptions> = {}) {
  return new ConfidentialClient({
    issuer: ISSUER,
    clientId: 'svc',
    clientSecret: 's3cret-value',
    retry: false,
    ...extra,
  } as ConfidentialClientOptions);
}

describe('discovery', () => {
  it('reads RFC 8414 metadata (well-known path inserted before the issuer path) once, lazily', async () => {
    documents[RFC8414] = () => HttpResponse.json(metadata());
    const c = client();
    expect(seen).toEqual([]);
    expect(c.tokenUrl).toBe(ISSUER);
    await Promise.all([c.getToken(), c.getToken(), c.getToken({ scope: 'b' })]);
    await c.getToken({ scope: 'c' });
    expect(seen.filter((u) => u.includes('.well-known'))).toEqual([RFC8414]);
    expect(seen.filter((u) => u === TOKEN)).toHaveLength(3);
    expect(c.tokenUrl).toBe(TOKEN);
    expect(c.issuer).toBe(ISSUER);
  });

  it('falls back to OpenID Connect Discovery ({issuer}/.well-known/openid-configuration) after a 404', async () => {
    documents[OIDC] = () => HttpResponse.json(metadata());
    await client().getToken();
    expect(seen).toEqual([RFC8414, OIDC, TOKEN]);
  });

  it('an issuer without a path looks at the origin', async () => {
    const issuer = `${ORIGIN}/`;
    documents[`${ORIGIN}/.well-known/oauth-authorization-server`] = () =>
      HttpResponse.json({ issuer, token_endpoint: TOKEN });
    await client({ issuer }).getToken();
    expect(seen[0]).toBe(`${ORIGIN}/.well-known/oauth-authorization-server`);
  });

  it('refuses a document for another issuer (RFC 8414 §3.3): no token request', async () => {
    documents[RFC8414] = () => HttpResponse.json(metadata({ issuer: `${ISSUER}/` }));
    const error = await client()
      .getToken()
      .catch((e: unknown) => e);
    expect(isDiscoveryError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'issuer', issuer: ISSUER, url: RFC8414 });
    expect(seen).not.toContain(TOKEN);
  });

  it('a body that is not JSON, not an object, or too large', async () => {
    documents[RFC8414] = () =>
      new HttpResponse('<html>login</html>', { headers: { 'content-type': 'text/html' } });
    await expect(client().getToken()).rejects.toMatchObject({ reason: 'body' });
    documents[RFC8414] = () => HttpResponse.json([1, 2]);
    await expect(client().getToken()).rejects.toMatchObject({ reason: 'body' });
    const huge = JSON.stringify(metadata({ padding: 'x'.repeat(600_000) }));
    documents[RFC8414] = () => new HttpResponse(huge);
    await expect(client().getToken()).rejects.toMatchObject({
      reason: 'body',
      message: expect.stringContaining('larger than 524288 bytes'),
    });
  });

  it('no document at either URL: status, naming both', async () => {
    documents[OIDC] = () => new HttpResponse('gone', { status: 410 });
    const error = await client()
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'status', status: 410, url: OIDC });
    expect((error as Error).message).toContain(RFC8414);
  });

  it('a token_endpoint that is missing, not a URL, or plain http: off loopback is refused', async () => {
    for (const token_endpoint of [undefined, 'not a url', 'http://idp.example.com/token']) {
      documents[RFC8414] = () => HttpResponse.json({ issuer: ISSUER, token_endpoint });
      await expect(client().getToken()).rejects.toMatchObject({ reason: 'field' });
    }
    documents[RFC8414] = () =>
      HttpResponse.json(metadata({ token_endpoint_auth_methods_supported: 'client_secret_basic' }));
    await expect(client().getToken()).rejects.toMatchObject({ reason: 'field' });
  });

  it('a network failure is a DiscoveryError of reason network', async () => {
    documents[RFC8414] = () => HttpResponse.error();
    await expect(client().getToken()).rejects.toMatchObject({
      name: 'DiscoveryError',
      reason: 'network',
    });
  });

  it('a failure holds back discovery for every scope until the cooldown has passed', async () => {
    const clock = fakeClock();
    const c = client({ now: clock.now, retry: { retries: 0, cooldown: 1_000 } });
    await expect(c.getToken()).rejects.toMatchObject({ reason: 'status' });
    expect(seen).toHaveLength(2);
    // Another scope is another cache key: only discovery's own hold stops it.
    await expect(c.getToken({ scope: 'other' })).rejects.toMatchObject({ reason: 'status' });
    expect(seen).toHaveLength(2);
    clock.advance(1_001);
    documents[RFC8414] = () => HttpResponse.json(metadata());
    await c.getToken({ scope: 'other' });
    expect(seen).toEqual([RFC8414, OIDC, RFC8414, TOKEN]);
  });

  it('the metadata option skips the request; its issuer must match', async () => {
    const c = client({ metadata: metadata() });
    expect(c.tokenUrl).toBe(TOKEN);
    await c.getToken();
    expect(seen).toEqual([TOKEN]);
    let error: unknown;
    try {
      client({ metadata: metadata({ issuer: 'https://evil.example' }) });
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error)).toBe(true);
    expect(error).toMatchObject({ option: 'metadata' });
  });

  it('issuer and tokenUrl or serverUrl cannot both be given; metadata needs issuer', () => {
    expect(() =>
      client({ tokenUrl: TOKEN } as unknown as Partial<ConfidentialClientOptions>),
    ).toThrow(/tokenUrl/);
    expect(() => client({ issuer: 'https://idp.example.com/?tenant=1' })).toThrow(/issuer/);
    expect(() => client({ issuer: 'http://idp.example.com' })).toThrow(/http:/);
    expect(() => client({ issuer: 'not a url' })).toThrow(/issuer/);
  });
});

describe('choosing the authentication method from the metadata', () => {
  const methods = (list: string[] | undefined) =>
    HttpResponse.json(metadata({ token_endpoint_auth_methods_supported: list }));

  it('client_secret_basic when advertised, or when nothing is advertised', async () => {
    documents[RFC8414] = () => methods(['private_key_jwt', 'client_secret_basic']);
    await client().getToken();
    documents[RFC8414] = () => methods(undefined);
    await client().getToken();
    expect(headers.map((h) => h.get('authorization')?.slice(0, 6))).toEqual(['Basic ', 'Basic ']);
  });

  it('client_secret_post, then client_secret_jwt, when the server takes only those', async () => {
    documents[RFC8414] = () => methods(['client_secret_post', 'client_secret_jwt']);
    await client().getToken();
    expect(forms[0]?.get('client_secret')).toBe('s3cret-value');
    documents[RFC8414] = () => methods(['private_key_jwt', 'client_secret_jwt']);
    await client().getToken();
    expect(forms[1]?.get('client_secret')).toBeNull();
    expect(forms[1]?.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    );
  });

  it('mutual TLS goes to the mtls_endpoint_aliases token endpoint (RFC 8705 §5), with client_id only', async () => {
    const alias = `${ORIGIN}/mtls/token`;
    server.use(
      http.post(alias, async ({ request }) => {
        seen.push(request.url);
        forms.push(new URLSearchParams(await request.text()));
        return tokenResponse();
      }),
    );
    documents[RFC8414] = () =>
      HttpResponse.json(metadata({ mtls_endpoint_aliases: { token_endpoint: alias } }));
    await client({
      clientSecret: undefined,
      clientAuthentication: 'tls_client_auth',
      fetch: (input, init) => globalThis.fetch(input, init),
    } as Partial<ConfidentialClientOptions>).getToken();
    expect(seen).toEqual([RFC8414, alias]);
    expect(forms[0]?.get('client_id')).toBe('svc');
    expect(forms[0]?.get('client_secret')).toBeNull();
  });

  it('the method given wins over what is advertised', async () => {
    documents[RFC8414] = () => methods(['client_secret_basic']);
    await client({ clientAuthentication: 'client_secret_post' }).getToken();
    expect(headers[0]?.get('authorization')).toBeNull();
    expect(forms[0]?.get('client_secret')).toBe('s3cret-value');
  });
});
