/**
 * `dispatcher` as a function: a client certificate (mutual TLS) or a CA that rotates is picked up
 * from the next request on, and an `invalid_client` answer reads it once more (as a rotated
 * secret is), without a restart. Over a stub fetch that records each request's dispatcher.
 */
import { describe, expect, it } from 'vitest';
import { ConfidentialClient, type DispatcherLike, isConfigurationError } from '../src/index.js';

const TOKEN_URL = 'https://as.example.com/token';
const RESOURCE = 'https://as.example.com/resource';

/** A dispatcher stand-in: only its identity matters to the stub. */
const dispatcher = (name: string) => ({ name, dispatch: () => true }) as DispatcherLike;

/** A token endpoint that accepts only `accepted`'s certificate, and a resource. */
function server(accepted: () => DispatcherLike, onRefused: () => void = () => undefined) {
  const seen: { url: string; dispatcher: unknown }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const used = (init as { dispatcher?: unknown } | undefined)?.dispatcher;
    seen.push({ url, dispatcher: used });
    if (url !== TOKEN_URL) return new Response('ok');
    if (used !== accepted()) {
      onRefused();
      return Response.json({ error: 'invalid_client' }, { status: 401 });
    }
    return Response.json({
      access_token: `tok-${seen.length}`,
      token_type: 'Bearer',
      expires_in: 3600,
    });
  };
  return { fetch, seen, tokenRequests: () => seen.filter((s) => s.url === TOKEN_URL).length };
}

describe('dispatcher as a function (rotating certificates)', () => {
  it('a certificate rotated after invalid_client: read once more, one more try, a token', async () => {
    const [old, rotated] = [dispatcher('old'), dispatcher('rotated')];
    let current = old;
    const as = server(
      () => rotated,
      () => {
        // The operator rotates the certificate; the client finds out from the refusal.
        current = rotated;
      },
    );
    const client = new ConfidentialClient({
      tokenUrl: TOKEN_URL,
      clientId: 'svc',
      clientAuthentication: 'tls_client_auth',
      dispatcher: () => current,
      fetch: as.fetch,
    });
    const token = await client.getToken();
    expect(token.accessToken).toMatch(/^tok-/);
    expect(as.tokenRequests()).toBe(2);
    expect(as.seen.map((s) => (s.dispatcher as { name: string }).name)).toEqual(['old', 'rotated']);
    // Resource requests use the current one too.
    await client.fetch(RESOURCE);
    expect(as.seen.at(-1)).toMatchObject({ url: RESOURCE, dispatcher: rotated });
    await client.close();
  });

  it('the same certificate after invalid_client: no second request, the error at once', async () => {
    const only = dispatcher('only');
    const as = server(() => dispatcher('another'));
    const client = new ConfidentialClient({
      tokenUrl: TOKEN_URL,
      clientId: 'svc',
      clientAuthentication: 'tls_client_auth',
      dispatcher: async () => only,
      fetch: as.fetch,
    });
    await expect(client.getToken()).rejects.toMatchObject({
      name: 'TokenRequestError',
      error: 'invalid_client',
    });
    expect(as.tokenRequests()).toBe(1);
    await client.close();
  });

  it('a function that gives something else: a ConfigurationError naming it, no request', async () => {
    const as = server(() => dispatcher('x'));
    const client = new ConfidentialClient({
      tokenUrl: TOKEN_URL,
      clientId: 'svc',
      clientSecret: 's',
      dispatcher: () => ({}) as DispatcherLike,
      fetch: as.fetch,
    });
    const error = await client.getToken().catch((e: unknown) => e);
    expect(isConfigurationError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/dispatcher\(\) \(its result\)/);
    expect(as.tokenRequests()).toBe(0);
    await client.close();
  });
});
