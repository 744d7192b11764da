// RFC 8707 resource indicators: sent as resource parameters, per client and per call, and part of
// the cache and single-flight key.
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { isConfigurationError } from '../src/index.js';
import { newClient, SERVER, tokenResponse, useTokenServer } from './helpers/token-server.js';

const srv = useTokenServer();
const API = 'https://api.example.com/';
const OTHER = 'https://other.example.com/v1';

describe('resource indicators', () => {
  it('the resource option is sent with every token request, one parameter per indicator', async () => {
    const client = newClient({ resource: [OTHER, new URL(API)] });
    await client.getToken();
    expect(srv.state.requests[0]?.form.getAll('resource')).toEqual([API, OTHER]);
  });

  it('a string is sent as written (servers compare them as strings)', async () => {
    await newClient({ resource: 'https://api.example.com' }).getToken();
    expect(srv.state.requests[0]?.form.getAll('resource')).toEqual(['https://api.example.com']);
  });

  it('per call: a token per resource set, cached apart, order and duplicates ignored', async () => {
    const client = newClient();
    const a = await client.getToken({ resource: API });
    const b = await client.getToken({ resource: [OTHER, API] });
    const c = await client.getToken();
    expect(new Set([a.accessToken, b.accessToken, c.accessToken]).size).toBe(3);
    expect(await client.getToken({ resource: [API, OTHER, API] })).toBe(b);
    expect(await client.getToken({ resource: API })).toBe(a);
    expect(srv.count).toBe(3);
    expect(srv.state.requests[2]?.form.getAll('resource')).toEqual([]);
  });

  it('concurrent callers share one request per resource set', async () => {
    const client = newClient();
    await Promise.all([
      client.getToken({ resource: API }),
      client.getToken({ resource: API }),
      client.getToken({ resource: OTHER }),
      client.getToken({ resource: OTHER }),
    ]);
    expect(srv.count).toBe(2);
  });

  it('a token for a wider scope serves a narrower one for the same resource only', async () => {
    srv.respond(({ scope }) => tokenResponse({ scope: `${scope} extra` }));
    const client = newClient();
    await client.getToken({ scope: 'a b', resource: API });
    await client.getToken({ scope: 'a', resource: API });
    expect(srv.count).toBe(1);
    await client.getToken({ scope: 'a', resource: OTHER });
    expect(srv.count).toBe(2);
  });

  it('client.fetch(url, { resource }) gets a token for it; a 403 step-up keeps it', async () => {
    let calls = 0;
    srv.server.use(
      http.get(`${SERVER}/orders`, ({ request }) => {
        calls++;
        return calls === 1
          ? new HttpResponse(null, {
              status: 403,
              headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="orders"' },
            })
          : HttpResponse.json({ auth: request.headers.get('authorization') });
      }),
    );
    const client = newClient();
    const response = await client.fetch(`${SERVER}/orders`, { resource: API });
    expect(response.status).toBe(200);
    expect(srv.state.requests.map((r) => [r.scope, r.form.getAll('resource')])).toEqual([
      [null, [API]],
      ['orders', [API]],
    ]);
  });

  it('tokenParams.resource is taken as the resource option (it was already part of the cache key)', async () => {
    const client = newClient({ tokenParams: { resource: API, audience: 'x' } });
    await client.getToken();
    expect(srv.state.requests[0]?.form.getAll('resource')).toEqual([API]);
    expect(srv.state.requests[0]?.form.get('audience')).toBe('x');
    expect(() => newClient({ tokenParams: { resource: API }, resource: OTHER })).toThrow(
      /tokenParams.resource/,
    );
  });

  it('refuses relative URIs, fragments and other types, naming the option', async () => {
    for (const resource of ['/relative', 'https://api.example.com/#frag', 42, [API, 7]]) {
      let error: unknown;
      try {
        newClient({ resource: resource as string });
      } catch (e) {
        error = e;
      }
      expect(isConfigurationError(error)).toBe(true);
      expect((error as { option: string }).option).toMatch(/^resource/);
    }
    const client = newClient();
    await expect(client.getToken({ resource: 'nope' })).rejects.toMatchObject({
      option: 'resource',
    });
    await expect(client.fetch(`${SERVER}/x`, { resource: 'nope' })).rejects.toMatchObject({
      option: 'resource',
    });
    expect(srv.count).toBe(0);
  });
});
