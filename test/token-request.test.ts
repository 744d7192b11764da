import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  isConfidentialClientError,
  isTokenRequestError,
  isTokenResponseError,
  type TokenRequestError,
  type TokenResponseError,
} from '../src/index.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  newClient,
  type TestClientOptions,
  tokenResponse,
  useTokenServer,
} from './helpers/token-server.js';

const srv = useTokenServer();
const client = (extra: TestClientOptions = {}) =>
  newClient({
    retry: false,
    ...extra,
  });

function decodeBasic(header: string | null): string {
  expect(header).toMatch(/^Basic /);
  return atob(header!.slice(6));
}

describe('token request', () => {
  it('POSTs a client_credentials form with Basic auth and Accept: application/json', async () => {
    const token = await client().getToken();
    expect(token.tokenType).toBe('Bearer');
    const [seen] = srv.state.requests;
    expect(seen!.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(seen!.headers.get('accept')).toBe('application/json');
    expect([...seen!.form]).toEqual([['grant_type', 'client_credentials']]);
    expect(decodeBasic(seen!.headers.get('authorization'))).toBe(`${CLIENT_ID}:${CLIENT_SECRET}`);
  });

  it('sends the scope space-separated, sorted and unique; omits it when there is none', async () => {
    const c = client({ scope: ['push.application.app', 'messages.write', 'messages.write'] });
    await c.getToken();
    await c.getToken({ scope: 'accessRestricted' });
    expect(srv.state.requests.map((r) => r.scope)).toEqual([
      'messages.write push.application.app',
      'accessRestricted',
    ]);
  });

  it('sends tokenParams', async () => {
    await client({ tokenParams: { resource: 'https://api.example', audience: 'a' } }).getToken();
    expect(srv.state.requests[0]!.form.get('resource')).toBe('https://api.example');
    expect(srv.state.requests[0]!.form.get('audience')).toBe('a');
  });

  it('form-encodes reserved characters in the Basic header by default (RFC 6749 §2.3.1)', async () => {
    await client({ clientId: 'id:with%reserved', clientSecret: 'p+ss w:rd%' }).getToken();
    expect(decodeBasic(srv.state.requests[0]!.headers.get('authorization'))).toBe(
      'id%3Awith%25reserved:p%2Bss+w%3Ard%25',
    );
  });

  it("sends raw bytes with basicAuthEncoding: 'plain' (RFC 7617)", async () => {
    await client({
      clientId: 'id%+ x',
      clientSecret: 'p+ss w:rd%',
      basicAuthEncoding: 'plain',
    }).getToken();
    expect(decodeBasic(srv.state.requests[0]!.headers.get('authorization'))).toBe(
      'id%+ x:p+ss w:rd%',
    );
  });

  it('sends credentials in the body with client_secret_post', async () => {
    await client({ clientAuthentication: 'client_secret_post', clientSecret: 'a+b c' }).getToken();
    const seen = srv.state.requests[0]!;
    expect(seen.headers.get('authorization')).toBeNull();
    expect(seen.form.get('client_id')).toBe(CLIENT_ID);
    expect(seen.form.get('client_secret')).toBe('a+b c');
  });

  describe('response validation', () => {
    const bad = async (body: unknown, init?: ResponseInit) => {
      srv.respond(() =>
        typeof body === 'string'
          ? new HttpResponse(body, init)
          : HttpResponse.json(body as never, init),
      );
      const error = await client()
        .getToken()
        .catch((e: unknown) => e);
      expect(isTokenResponseError(error)).toBe(true);
      return error as TokenResponseError;
    };

    it.each([
      [{ token_type: 'Bearer', expires_in: 10 }, 'access_token'],
      [{ access_token: '', token_type: 'Bearer' }, 'access_token'],
      [{ access_token: 7, token_type: 'Bearer' }, 'access_token'],
      [{ access_token: 'x' }, 'token_type'],
      [{ access_token: 'x', token_type: 'mac' }, 'token_type'],
      [{ access_token: 'x', token_type: 'Bearer', expires_in: 0 }, 'expires_in'],
      [{ access_token: 'x', token_type: 'Bearer', expires_in: -5 }, 'expires_in'],
      [{ access_token: 'x', token_type: 'Bearer', expires_in: 'soon' }, 'expires_in'],
      [{ access_token: 'x', token_type: 'Bearer', expires_in: true }, 'expires_in'],
      [{ access_token: 'x', token_type: 'Bearer', scope: ['a'] }, 'scope'],
      [[1, 2], 'body'],
    ])('%o → TokenResponseError naming %s', async (body, field) => {
      const error = await bad(body);
      expect(error.field).toBe(field);
      expect(error.message).toContain(field === 'body' ? 'not an object' : field);
    });

    it('an HTML error page → TokenResponseError naming the body', async () => {
      const error = await bad('<html><body>Bad gateway</body></html>', {
        headers: { 'content-type': 'text/html' },
      });
      expect(error.field).toBe('body');
      expect(error.message).toContain('not JSON (text/html)');
      expect(error.status).toBe(200);
    });

    it('a bare token in a non-JSON body never reaches the error or its cause', async () => {
      const error = await bad('bare-token-value-LEAK', {
        headers: { 'content-type': 'text/plain' },
      });
      const { inspect } = await import('node:util');
      expect(inspect(error, { depth: 5 })).not.toContain('bare-token-value-LEAK');
      expect(error.cause).toBeUndefined();
    });

    it('accepts token_type in any case and expires_in as a numeric string', async () => {
      srv.respond(() => tokenResponse({ tokenType: 'bearer', expiresIn: '3599' }));
      const token = await client().getToken();
      expect(token.tokenType).toBe('Bearer');
      expect(token.lifetime).toBe(3_599_000);
    });

    it('uses the granted scope, or the requested one when the response has none', async () => {
      srv.respond(() => tokenResponse({ scope: 'RegisteredClient accessRestricted' }));
      expect((await client().getToken({ scope: 'accessRestricted' })).scope).toEqual([
        'RegisteredClient',
        'accessRestricted',
      ]);
      srv.respond(() => tokenResponse());
      expect((await client().getToken({ scope: 'b a' })).scope).toEqual(['a', 'b']);
    });
  });

  describe('error answers', () => {
    const refused = async (response: () => Response, extra?: TestClientOptions) => {
      srv.respond(response);
      const error = await client(extra)
        .getToken({ scope: 'accessRestricted' })
        .catch((e: unknown) => e);
      expect(isTokenRequestError(error)).toBe(true);
      expect(isConfidentialClientError(error)).toBe(true);
      return error as TokenRequestError;
    };

    it('400 invalid_client → TokenRequestError with error, description and status', async () => {
      const error = await refused(() =>
        HttpResponse.json(
          { error: 'invalid_client', error_description: 'unknown client' },
          { status: 400 },
        ),
      );
      expect(error).toMatchObject({
        status: 400,
        error: 'invalid_client',
        errorDescription: 'unknown client',
        code: 'ERR_CC_TOKEN_REQUEST',
      });
      expect(error.message).toMatch(
        /invalid_client: unknown client.*Check clientId and clientSecret/,
      );
      expect(error.response?.status).toBe(400);
      expect(Object.keys(error)).not.toContain('response');
    });

    it('401 with WWW-Authenticate: Basic and an error body', async () => {
      const error = await refused(() =>
        HttpResponse.json(
          { error: 'invalid_client' },
          { status: 401, headers: { 'www-authenticate': 'Basic realm="mfp"' } },
        ),
      );
      expect(error).toMatchObject({
        status: 401,
        error: 'invalid_client',
        wwwAuthenticate: 'Basic realm="mfp"',
      });
    });

    it('401 with only a challenge is read as invalid_client', async () => {
      const error = await refused(
        () => new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'Basic' } }),
      );
      expect(error.error).toBe('invalid_client');
    });

    it('invalid_scope names the requested scope', async () => {
      const error = await refused(() =>
        HttpResponse.json({ error: 'invalid_scope' }, { status: 400 }),
      );
      expect(error.message).toContain('requested scope: "accessRestricted"');
    });

    it('404 without an OAuth body → generic error that points at the URL options', async () => {
      const error = await refused(() => new HttpResponse('Not Found', { status: 404 }));
      expect(error.error).toBeUndefined();
      expect(error.message).toMatch(/answered HTTP 404; check serverUrl, runtime and tokenUrl/);
    });

    it('never follows a redirect with the credentials', async () => {
      let followed = false;
      const error = await refused(() => {
        followed = true;
        return new HttpResponse(null, {
          status: 307,
          headers: { location: 'https://evil.example/steal' },
        });
      });
      expect(followed).toBe(true);
      expect(srv.count).toBe(1);
      expect(error.status).toBe(307);
      expect(error.message).toContain('set tokenUrl to the final URL');
    });

    it('scrubs the secret in the forms the client sends it (form-encoded, inside Basic)', async () => {
      const secret = 's3cr3t+value/x';
      const basic = btoa(`${CLIENT_ID}:${encodeURIComponent(secret)}`);
      srv.respond(() =>
        HttpResponse.json(
          {
            error: 'invalid_client',
            error_description: `got client_secret=s3cr3t%2Bvalue%2Fx and Basic ${basic}`,
          },
          { status: 400 },
        ),
      );
      const error = (await client({ clientSecret: secret })
        .getToken()
        .catch((e: unknown) => e)) as TokenRequestError;
      expect(error.message).not.toContain('s3cr3t%2Bvalue%2Fx');
      expect(error.message).not.toContain(basic);
      expect(error.errorDescription).toBe('got client_secret=[redacted] and Basic [redacted]');
    });

    it('scrubs the secret if a server echoes it', async () => {
      const error = await refused(() =>
        HttpResponse.json(
          { error: 'invalid_client', error_description: `bad secret ${CLIENT_SECRET}` },
          { status: 400 },
        ),
      );
      expect(error.message).not.toContain(CLIENT_SECRET);
      expect(error.message).toContain('[redacted]');
      expect(error.errorDescription).toBe('bad secret [redacted]');
    });
  });
});
