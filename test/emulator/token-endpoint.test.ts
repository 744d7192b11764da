import { describe, expect, it } from 'vitest';
import {
  basic,
  getToken,
  requestToken,
  transports,
  useEmulator,
} from '../helpers/emulator-harness.js';

describe.each(transports)('token endpoint over %s', (transport) => {
  const h = useEmulator(transport, () => ({
    clients: [{ id: 'backend', secret: 's3cret', allowedScope: 'send* accessRestricted' }],
  }));

  it('answers the product page request with a Bearer token, expires_in 3599 and no-store', async () => {
    const res = await fetch(h.url('/mfp/api/az/v1/token'), {
      method: 'POST',
      headers: {
        authorization: 'Basic dGVzdDp0ZXN0',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=sendMessage%20accessRestricted',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toEqual({
      access_token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 3599,
      scope: 'accessRestricted sendMessage',
    });
  });

  it('grants RegisteredClient when no scope is sent', async () => {
    const res = await requestToken(h, { id: 'backend', secret: 's3cret' });
    expect(res.status).toBe(200);
    expect((await res.json()).scope).toBe('RegisteredClient');
  });

  it('always allows RegisteredClient, alone or with allowed elements', async () => {
    const res = await requestToken(h, {
      id: 'backend',
      secret: 's3cret',
      scope: 'RegisteredClient accessRestricted',
    });
    expect(res.status).toBe(200);
    expect((await res.json()).scope).toBe('RegisteredClient accessRestricted');
  });

  it('accepts credentials in the form instead of Basic', async () => {
    const res = await fetch(h.url(h.emulator.tokenPath), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=backend&client_secret=s3cret',
    });
    expect(res.status).toBe(200);
  });

  it('accepts RFC 6749 form-urlencoded Basic credentials', async () => {
    h.emulator.registerClient({ id: 'a:b', secret: 'p:w%d', allowedScope: '*' });
    const res = await requestToken(h, {
      id: encodeURIComponent('a:b'),
      secret: encodeURIComponent('p:w%d'),
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ['an unknown client', 'nobody', 's3cret'],
    ['a wrong secret', 'backend', 'wrong'],
  ])('answers 400 invalid_client for %s', async (_, id, secret) => {
    const res = await requestToken(h, { id, secret });
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('answers 400 invalid_client when no credentials are sent', async () => {
    const res = await fetch(h.url(h.emulator.tokenPath), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_client');
  });

  it('answers 400 invalid_request when Basic and form credentials are both sent', async () => {
    const res = await requestToken(h, {
      form: { grant_type: 'client_credentials', client_id: 'test', client_secret: 'test' },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_request');
  });

  it('answers 400 invalid_scope for a scope outside the allowed scope', async () => {
    const res = await requestToken(h, { id: 'backend', secret: 's3cret', scope: 'messages.write' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toBe('invalid_scope');
    expect(body.error_description).toContain('backend');
  });

  it('answers 400 invalid_scope for characters RFC 6749 forbids', async () => {
    const res = await requestToken(h, { scope: 'a"b' });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_scope');
  });

  it.each([
    ['authorization_code', 'unsupported_grant_type'],
    ['password', 'unsupported_grant_type'],
  ])('answers 400 %s → %s', async (grantType, error) => {
    const res = await requestToken(h, { form: { grant_type: grantType } });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe(error);
  });

  it('answers 400 invalid_request without grant_type', async () => {
    const res = await requestToken(h, { form: {} });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_request');
  });

  it('answers 400 invalid_request for a JSON body', async () => {
    const res = await fetch(h.url(h.emulator.tokenPath), {
      method: 'POST',
      headers: { authorization: basic('test', 'test'), 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_request');
  });

  it.each([
    ['grant_type', 'grant_type=client_credentials&grant_type=password'],
    ['grant_type (same value)', 'grant_type=client_credentials&grant_type=client_credentials'],
    ['scope', 'grant_type=client_credentials&scope=a&scope=b'],
    ['client_id', 'grant_type=client_credentials&client_id=test&client_id=test&client_secret=test'],
  ])('answers 400 invalid_request for a repeated %s (RFC 6749 §3.2)', async (name, form) => {
    const res = await fetch(h.url(h.emulator.tokenPath), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.includes('client_id') ? form : `${form}&client_id=test&client_secret=test`,
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toContain(`"${name.split(' ')[0]}"`);
    expect(h.emulator.counters().tokensIssued).toBe(0);
  });

  it.each([
    ['a tab', 'accessRestricted\tsendMessage'],
    ['a no-break space', 'accessRestricted\u00a0sendMessage'],
    ['a line feed', 'accessRestricted\nsendMessage'],
  ])(
    'answers 400 invalid_scope for scope elements separated by %s (RFC 6749 §3.3: space only)',
    async (_, scope) => {
      const res = await requestToken(h, { id: 'backend', secret: 's3cret', scope });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toBe('invalid_scope');
    },
  );

  it('does not URL-decode client_secret from the form a second time', async () => {
    h.emulator.registerClient({ id: 'pct', secret: 'aA', allowedScope: '*' });
    const post = (secret: string) =>
      fetch(h.url(h.emulator.tokenPath), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'pct',
          client_secret: secret,
        }),
      });
    // On the wire `client_secret=a%2541`: the form decodes it once, to `a%41`, which is not `aA`.
    const wrong = await post('a%41');
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toBe('invalid_client');
    expect((await post('aA')).status).toBe(200);
  });

  it('answers 405 with Allow: POST to a GET, and counts it', async () => {
    const res = await fetch(h.url(h.emulator.tokenPath), {
      headers: { authorization: basic('backend', 's3cret') },
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(h.emulator.counters().tokenRequests).toBe(1);
    expect(h.emulator.tokenRequestCount({ clientId: 'backend', scope: '' })).toBe(1);
  });

  it('serves the runtime given in the options only', async () => {
    const res = await fetch(h.url('/other/api/az/v1/token'), { method: 'POST' });
    expect(res.status).toBe(404);
  });

  it('issues a different token on every request', async () => {
    const a = await getToken(h);
    const b = await getToken(h);
    expect(a).not.toBe(b);
  });
});

describe.each(transports)('invalidClientStatus 401 over %s', (transport) => {
  const h = useEmulator(transport, () => ({ invalidClientStatus: 401 }));

  it('answers 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const res = await requestToken(h, { id: 'test', secret: 'nope' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="mfp"');
    expect((await res.json()).error).toBe('invalid_client');
  });
});

describe('token lifetime', () => {
  const h = useEmulator('msw', () => ({ tokenLifetime: 1 }));

  it('is configurable down to 1 second', async () => {
    const res = await requestToken(h);
    expect((await res.json()).expires_in).toBe(1);
  });
});
