import { inspect } from 'node:util';
import { exportJWK, generateKeyPair } from 'jose';
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import {
  isConfigurationError,
  isTokenRequestError,
  isTokenResponseError,
  MemoryTokenStore,
} from '../src/index.js';
import { API, athOf, useDpopServer } from './helpers/dpop.js';
import { CLIENT_SECRET, newClient, SERVER, TOKEN_URL } from './helpers/token-server.js';

const dpopServer = useDpopServer();
const { state } = dpopServer;

function capturingLogger() {
  const lines: Array<[string, string]> = [];
  const log = (level: string) => (message: string) => lines.push([level, message]);
  return {
    lines,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  };
}

async function privateJwk(alg: string) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return exportJWK(privateKey);
}

describe('DPoP token requests (RFC 9449 §5)', () => {
  it('sends a proof with every token request and gets a DPoP-bound token', async () => {
    const client = newClient({ dpop: true });
    const token = await client.getToken();
    expect(token.tokenType).toBe('DPoP');
    expect(token.authorization).toBe(`DPoP ${token.accessToken}`);
    const [seen] = state.tokenRequests;
    expect(seen?.error).toBeUndefined();
    expect(seen?.proof?.header.alg).toBe('ES256');
    expect(seen?.proof?.payload).toMatchObject({ htm: 'POST', htu: TOKEN_URL });
    expect(seen?.proof?.payload.ath).toBeUndefined();
    // The client still authenticates as before: DPoP binds the token, it is no credential.
    expect(seen?.authorization).toMatch(/^Basic /);
    expect(state.issued.get(token.accessToken)?.jkt).toBe(seen?.proof?.jkt);
  });

  it('generates the key pair with a private key that cannot be exported', async () => {
    const generate = vi.spyOn(crypto.subtle, 'generateKey');
    const client = newClient({ dpop: true });
    await client.getToken();
    expect(generate).toHaveBeenCalledTimes(1);
    expect(generate.mock.calls[0]?.[1]).toBe(false);
    // One key for the client's life: a second token is bound to the same one.
    await client.getToken({ scope: 'other' });
    expect(generate).toHaveBeenCalledTimes(1);
    expect(state.tokenRequests[1]?.proof?.jkt).toBe(state.tokenRequests[0]?.proof?.jkt);
  });

  it('each proof has its own jti and the current iat', async () => {
    const now = Date.UTC(2026, 0, 1);
    const client = newClient({ dpop: true, now: () => now });
    await client.getToken({ scope: 'a' });
    await client.getToken({ scope: 'b' });
    const [first, second] = state.tokenRequests.map((r) => r.proof?.payload);
    expect(first?.jti).not.toBe(second?.jti);
    expect(first?.iat).toBe(now / 1000);
  });

  it('use_dpop_nonce: remembers the nonce and sends the request once more, within the attempt', async () => {
    state.tokenNonce = 'n-token-1';
    const statuses: Array<number | undefined> = [];
    const client = newClient({
      dpop: true,
      retry: { retries: 0 },
      hooks: { onTokenResponse: ({ status }) => void statuses.push(status) },
    });
    const token = await client.getToken();
    expect(token.tokenType).toBe('DPoP');
    expect(state.tokenRequests.map((r) => r.proof?.payload.nonce)).toEqual([
      undefined,
      'n-token-1',
    ]);
    // Two HTTP requests, each counted and reported (hooks, OpenTelemetry), neither a retry.
    expect(client.stats()).toMatchObject({ tokenRequests: 2, retries: 0 });
    expect(statuses).toEqual([400, 200]);
    // Remembered for the server: the next token request carries it at once.
    await client.getToken({ scope: 'more' });
    expect(state.tokenRequests).toHaveLength(3);
    expect(state.tokenRequests[2]?.proof?.payload.nonce).toBe('n-token-1');
  });

  it('concurrent token requests each get their one extra send with the nonce', async () => {
    state.tokenNonce = 'n-shared';
    const client = newClient({ dpop: true });
    const tokens = await Promise.all([
      client.getToken({ scope: 'a' }),
      client.getToken({ scope: 'b' }),
    ]);
    expect(tokens.map((t) => t.tokenType)).toEqual(['DPoP', 'DPoP']);
    expect(state.tokenRequests).toHaveLength(4);
  });

  it('use_dpop_nonce again after the nonce was sent: fails, never a loop', async () => {
    const client = newClient({ dpop: true });
    let n = 0;
    dpopServer.server.use(
      http.post(TOKEN_URL, () =>
        HttpResponse.json(
          { error: 'use_dpop_nonce' },
          { status: 400, headers: { 'dpop-nonce': `n${++n}` } },
        ),
      ),
    );
    const error = await client.getToken().catch((e: unknown) => e);
    expect(isTokenRequestError(error) && error.error).toBe('use_dpop_nonce');
    expect(n).toBe(2);
  });

  it('use_dpop_nonce without a DPoP-Nonce header: no second send', async () => {
    const client = newClient({ dpop: true });
    let n = 0;
    dpopServer.server.use(
      http.post(TOKEN_URL, () => {
        n++;
        return HttpResponse.json({ error: 'use_dpop_nonce' }, { status: 400 });
      }),
    );
    const error = await client.getToken().catch((e: unknown) => e);
    expect(isTokenRequestError(error) && error.error).toBe('use_dpop_nonce');
    expect(n).toBe(1);
  });

  it('a DPoP-Nonce on a successful answer goes into the next proof', async () => {
    state.successNonce = 'n-fresh';
    const client = newClient({ dpop: true });
    await client.getToken({ scope: 'a' });
    await client.getToken({ scope: 'b' });
    expect(state.tokenRequests.map((r) => r.proof?.payload.nonce)).toEqual([undefined, 'n-fresh']);
  });

  it('a server that answers Bearer: the token is used as a Bearer token, with one warning', async () => {
    state.tokenType = 'Bearer';
    const { lines, logger } = capturingLogger();
    const client = newClient({ dpop: true, logger });
    const token = await client.getToken();
    expect(token.tokenType).toBe('Bearer');
    const res = await client.fetch(`${API}/data`);
    expect(res.status).toBe(200);
    const [seen] = state.resourceRequests;
    expect(seen?.authorization).toBe(`Bearer ${token.accessToken}`);
    expect(seen?.dpop).toBeNull();
    await client.getToken({ scope: 'again' });
    expect(lines.filter(([level, m]) => level === 'warn' && /Bearer/.test(m))).toHaveLength(1);
  });

  it('without the dpop option: no proof, and a DPoP token_type is refused', async () => {
    const client = newClient();
    state.tokenType = 'DPoP';
    const token = await client.getToken();
    expect(token.tokenType).toBe('Bearer'); // No proof was sent, so the server bound nothing.
    expect(state.tokenRequests[0]?.dpop).toBeNull();
    dpopServer.server.use(
      http.post(TOKEN_URL, () =>
        HttpResponse.json({ access_token: 'x', token_type: 'DPoP', expires_in: 60 }),
      ),
    );
    const error = await client.getToken({ scope: 'x' }).catch((e: unknown) => e);
    expect(isTokenResponseError(error) && error.field).toBe('token_type');
  });
});

describe('DPoP on client.fetch (RFC 9449 §7)', () => {
  it('sends the token as DPoP with a proof bound to method, URL and token', async () => {
    const client = newClient({ dpop: true });
    const res = await client.fetch(`${API}/items?page=2#top`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    const [seen] = state.resourceRequests;
    expect(seen?.error).toBeUndefined();
    const token = (await client.getToken()).accessToken;
    expect(seen?.authorization).toBe(`DPoP ${token}`);
    // htu without query and fragment; ath is the token's hash; the key is the token's.
    expect(seen?.proof?.payload).toMatchObject({
      htm: 'POST',
      htu: `${API}/items`,
      ath: await athOf(token),
    });
    expect(seen?.proof?.jkt).toBe(state.tokenRequests[0]?.proof?.jkt);
  });

  it('a fresh proof per request (new jti), on the cached token', async () => {
    const client = newClient({ dpop: true });
    await client.fetch(`${API}/a`);
    await client.fetch(`${API}/a`);
    await client.ky.get(`${API}/b`).json();
    expect(state.tokenRequests).toHaveLength(1);
    const jtis = state.resourceRequests.map((r) => r.proof?.payload.jti);
    expect(new Set(jtis).size).toBe(3);
    expect(state.resourceRequests.every((r) => r.error === undefined)).toBe(true);
  });

  it('401 DPoP use_dpop_nonce: sends again once with the nonce, same token', async () => {
    state.resourceNonce = 'n-resource';
    const client = newClient({ dpop: true });
    const res = await client.fetch(`${API}/a`);
    expect(res.status).toBe(200);
    expect(state.resourceRequests.map((r) => r.proof?.payload.nonce)).toEqual([
      undefined,
      'n-resource',
    ]);
    expect(state.tokenRequests).toHaveLength(1);
    expect(client.stats().reauthentications).toBe(0);
    // Remembered for the origin: the next request carries it at once.
    await client.fetch(`${API}/b`);
    expect(state.resourceRequests).toHaveLength(3);
    expect(state.resourceRequests[2]?.proof?.payload.nonce).toBe('n-resource');
  });

  it('a resource that keeps asking for a new nonce: one replay, then its 401', async () => {
    const client = newClient({ dpop: true });
    await client.getToken();
    let n = 0;
    dpopServer.server.use(
      http.get(`${API}/a`, () => {
        n++;
        return new HttpResponse(null, {
          status: 401,
          headers: {
            'www-authenticate': 'DPoP error="use_dpop_nonce"',
            'dpop-nonce': `n${n}`,
          },
        });
      }),
    );
    const res = await client.fetch(`${API}/a`);
    expect(res.status).toBe(401);
    expect(n).toBe(2);
  });

  it('use_dpop_nonce with no DPoP-Nonce: the 401 is returned as it is', async () => {
    const client = newClient({ dpop: true });
    let n = 0;
    dpopServer.server.use(
      http.get(`${API}/a`, () => {
        n++;
        return new HttpResponse(null, {
          status: 401,
          headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"' },
        });
      }),
    );
    expect((await client.fetch(`${API}/a`)).status).toBe(401);
    expect(n).toBe(1);
    expect(state.tokenRequests).toHaveLength(1);
  });

  it('a DPoP-Nonce on a successful answer goes into the next proof to that origin', async () => {
    state.successNonce = 'n-ok';
    const client = newClient({ dpop: true });
    await client.fetch(`${API}/a`);
    await client.fetch(`${API}/a`);
    expect(state.resourceRequests.map((r) => r.proof?.payload.nonce)).toEqual([
      // The token endpoint is on the same origin: its answer already brought the nonce.
      'n-ok',
      'n-ok',
    ]);
  });

  it('401 DPoP invalid_token: a new token and a replay with a fresh proof (new ath, new jti)', async () => {
    const client = newClient({ dpop: true });
    await client.fetch(`${API}/a`);
    const first = await client.getToken();
    state.revoked.add(first.accessToken);
    const res = await client.fetch(`${API}/a`);
    expect(res.status).toBe(200);
    expect(state.tokenRequests).toHaveLength(2);
    expect(client.stats().reauthentications).toBe(1);
    const [, rejected, replayed] = state.resourceRequests;
    expect(rejected?.proof?.payload.ath).toBe(await athOf(first.accessToken));
    const second = await client.getToken();
    expect(replayed?.authorization).toBe(`DPoP ${second.accessToken}`);
    expect(replayed?.proof?.payload.ath).toBe(await athOf(second.accessToken));
    expect(replayed?.proof?.payload.jti).not.toBe(rejected?.proof?.payload.jti);
  });

  it('403 DPoP insufficient_scope: a token for the union, replayed with a new proof', async () => {
    state.requiredScope = 'orders.read';
    const client = newClient({ dpop: true, scope: 'base' });
    const res = await client.fetch(`${API}/orders`);
    expect(res.status).toBe(200);
    expect(state.tokenRequests.map((r) => r.form?.get('scope'))).toEqual([
      'base',
      'base orders.read',
    ]);
    expect(client.stats().stepUps).toBe(1);
    const replayed = state.resourceRequests[1];
    expect(replayed?.error).toBeUndefined();
    expect(state.issued.get(replayed?.authorization?.slice(5) ?? '')?.scope).toBe(
      'base orders.read',
    );
  });

  it('redirects: each same-origin hop gets its own proof; another origin gets neither token nor proof', async () => {
    const client = newClient({ dpop: true });
    const seen: Array<{ url: string; auth: string | null; dpop: string | null }> = [];
    dpopServer.server.use(
      http.post(`${API}/old`, () => HttpResponse.redirect(`${API}/new?x=1`, 307)),
      http.post(`${API}/new`, ({ request }) => {
        seen.push({
          url: request.url,
          auth: request.headers.get('authorization'),
          dpop: request.headers.get('dpop'),
        });
        return HttpResponse.redirect('https://elsewhere.example.com/final', 307);
      }),
      http.post('https://elsewhere.example.com/final', ({ request }) => {
        seen.push({
          url: request.url,
          auth: request.headers.get('authorization'),
          dpop: request.headers.get('dpop'),
        });
        return HttpResponse.json({ ok: true });
      }),
    );
    const res = await client.fetch(`${API}/old`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(200);
    const token = (await client.getToken()).accessToken;
    const { verifyProof } = await import('./helpers/dpop.js');
    const hop = await verifyProof(seen[0]?.dpop ?? null, {
      htm: 'POST',
      htu: `${API}/new`,
      accessToken: token,
    });
    expect(seen[0]?.auth).toBe(`DPoP ${token}`);
    expect(hop.jkt).toBe(state.tokenRequests[0]?.proof?.jkt);
    expect(seen[1]).toMatchObject({ auth: null, dpop: null });
  });

  it('origins the token does not go to get no proof either', async () => {
    const client = newClient({ dpop: true });
    let headers: Headers | undefined;
    dpopServer.server.use(
      http.get('https://other.example.com/x', ({ request }) => {
        headers = request.headers;
        return HttpResponse.json({});
      }),
    );
    await client.fetch('https://other.example.com/x');
    expect(headers?.get('authorization')).toBeNull();
    expect(headers?.get('dpop')).toBeNull();
    expect(state.tokenRequests).toHaveLength(0);
  });
});

describe('DPoP keys', () => {
  it.each(['ES256', 'ES384', 'ES512', 'PS256', 'RS256', 'EdDSA'])(
    'a private JWK (%s) signs proofs with its algorithm, and only its public part travels',
    async (alg) => {
      const jwk = await privateJwk(alg);
      const client = newClient({
        dpop: alg.startsWith('PS') ? { privateKey: jwk, alg: 'PS256' } : jwk,
      });
      await client.fetch(`${API}/a`);
      const proof = state.resourceRequests[0]?.proof;
      expect(state.resourceRequests[0]?.error).toBeUndefined();
      expect(proof?.header.alg).toBe(alg);
      expect(proof?.header.jwk).not.toHaveProperty('d');
      expect(JSON.stringify(state.tokenRequests[0]?.dpop)).not.toContain(jwk.d);
    },
  );

  it('a CryptoKeyPair with a non-extractable private key', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ]);
    const client = newClient({ dpop: pair });
    expect((await client.fetch(`${API}/a`)).status).toBe(200);
    expect(state.resourceRequests[0]?.proof?.header.alg).toBe('ES256');
  });

  it('dpop.alg picks the algorithm of a generated key', async () => {
    const client = newClient({ dpop: { alg: 'ES384' } });
    await client.getToken();
    expect(state.tokenRequests[0]?.proof?.header.alg).toBe('ES384');
  });

  it('the cache key holds the key thumbprint: a shared store never hands one key’s token to another', async () => {
    const store = new MemoryTokenStore();
    const jwk = await privateJwk('ES256');
    const a = newClient({ dpop: jwk, store });
    const b = newClient({ dpop: jwk, store });
    const c = newClient({ dpop: true, store });
    const plain = newClient({ store });
    const tokenA = await a.getToken();
    expect((await b.getToken()).accessToken).toBe(tokenA.accessToken);
    expect((await c.getToken()).accessToken).not.toBe(tokenA.accessToken);
    expect((await plain.getToken()).accessToken).not.toBe(tokenA.accessToken);
    expect(state.tokenRequests).toHaveLength(3);
  });

  it('options are checked in the constructor, naming the part that is wrong', () => {
    const fail = (dpop: unknown) => {
      try {
        newClient({ dpop: dpop as never });
      } catch (error) {
        return isConfigurationError(error) ? error.option : 'not a ConfigurationError';
      }
      return 'accepted';
    };
    expect(fail('yes')).toBe('dpop');
    expect(fail({ algg: 'ES256' })).toBe('dpop.algg');
    expect(fail({ alg: 'HS256' })).toBe('dpop.alg');
    expect(fail({ alg: 'none' })).toBe('dpop.alg');
    expect(fail({ publicKey: { kty: 'EC' } })).toBe('dpop.publicKey');
    expect(fail({ privateKey: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' } })).toBe(
      'dpop.privateKey',
    );
    expect(fail({ kty: 'oct', k: 'c2VjcmV0', d: 'x' })).toBe('dpop');
    expect(fail({ privateKey: { kty: 'EC', crv: 'P-256', d: 'x' }, alg: 'ES384' })).toBe(
      'dpop.alg',
    );
    expect(fail(false)).toBe('accepted');
  });

  it('a CryptoKey private key needs its public key', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ]);
    expect(() => newClient({ dpop: { privateKey: pair.privateKey } })).toThrow(/dpop\.publicKey/);
    expect(() =>
      newClient({ dpop: { privateKey: pair.publicKey, publicKey: pair.publicKey } }),
    ).toThrow(/dpop\.privateKey/);
  });

  it('a pair that does not match fails on first use, and no message shows the key', async () => {
    const one = await privateJwk('ES256');
    const other = await privateJwk('ES256');
    const { d: _d, ...otherPublic } = other;
    const client = newClient({ dpop: { privateKey: one, publicKey: otherPublic } });
    const error = await client.getToken().catch((e: unknown) => e);
    expect(isConfigurationError(error) && error.option).toBe('dpop.publicKey');
    expect(state.tokenRequests).toHaveLength(0);
    const everything = `${String(error)} ${inspect(error)} ${inspect(client)} ${JSON.stringify(client)}`;
    expect(everything).not.toContain(one.d);
    expect(everything).not.toContain(CLIENT_SECRET);
  });

  it('a key that cannot be imported fails every call the same way, without sending', async () => {
    const client = newClient({ dpop: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', d: 'AA' } });
    const first = await client.fetch(`${API}/a`).catch((e: unknown) => e);
    const second = await client.getToken().catch((e: unknown) => e);
    expect(isConfigurationError(first) && first.option).toBe('dpop.privateKey');
    expect(second).toBe(first);
    expect(state.tokenRequests).toHaveLength(0);
    expect(String(first)).not.toContain('"AA"');
  });
});

describe('DPoP on the server side of the tests', () => {
  it('the resource server refuses a DPoP token sent as Bearer (the binding holds)', async () => {
    const client = newClient({ dpop: true });
    const token = await client.getToken();
    const res = await fetch(`${API}/a`, {
      headers: { authorization: `Bearer ${token.accessToken}` },
    });
    expect(res.status).toBe(401);
    expect(SERVER).toBe(new URL(API).origin);
  });
});

describe('DPoP and the server’s metadata (dpop_signing_alg_values_supported)', () => {
  const metadata = (algs: string[]) => ({
    issuer: SERVER,
    token_endpoint: TOKEN_URL,
    dpop_signing_alg_values_supported: algs,
  });

  it('a generated key uses the first algorithm of ours the server lists', async () => {
    const client = newClient({
      serverUrl: undefined,
      issuer: SERVER,
      metadata: metadata(['RS256', 'ES384']),
      dpop: true,
    });
    await client.getToken();
    expect(state.tokenRequests[0]?.proof?.header.alg).toBe('ES384');
  });

  it('a given key the server does not list is used, with one warning', async () => {
    const { lines, logger } = capturingLogger();
    const client = newClient({
      serverUrl: undefined,
      issuer: SERVER,
      metadata: metadata(['EdDSA']),
      dpop: await privateJwk('ES256'),
      logger,
    });
    await client.getToken();
    await client.fetch(`${API}/a`);
    expect(state.tokenRequests[0]?.proof?.header.alg).toBe('ES256');
    expect(
      lines.filter(([level, m]) => level === 'warn' && /dpop_signing_alg_values_supported/.test(m)),
    ).toHaveLength(1);
  });
});
