// Interop: DPoP (RFC 9449) against oidc-provider (a certified OAuth 2.0 server) on loopback, with
// server nonces required, and a resource server that checks each proof, binds it to the token's
// `cnf.jkt` (introspected) and demands its own nonce.
import type { IncomingMessage } from 'node:http';
import {
  base64url,
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  type JWK,
  jwtVerify,
} from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfidentialClient, type ConfidentialClientOptions } from '../../src/index.js';
import {
  type ResourceServerHandle,
  startOidcProvider,
  startResourceServer,
  useOidcProvider,
} from '../helpers/oidc-provider.js';

const SECRET = 'interop-dpop-secret-0123456789abcdef';

const provider = useOidcProvider({
  clients: [
    {
      client_id: 'dpop-client',
      client_secret: SECRET,
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'api:read api:write',
      // The provider refuses this client any token that is not DPoP-bound.
      dpop_bound_access_tokens: true,
    },
  ],
  features: { introspection: true, revocation: true, dPoP: { requireNonce: true } },
});

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
});

function client(extra: Partial<ConfidentialClientOptions> = {}) {
  const c = new ConfidentialClient({
    tokenUrl: provider().tokenEndpoint,
    clientId: 'dpop-client',
    clientSecret: SECRET,
    scope: 'api:read',
    dpop: true,
    ...extra,
  } as ConfidentialClientOptions);
  open.push(c);
  return c;
}

async function thumbprintOf(proof: string): Promise<string> {
  const { jwk } = decodeProtectedHeader(proof) as { jwk: JWK };
  return calculateJwkThumbprint(jwk, 'sha256');
}

/**
 * A resource server that takes DPoP tokens only and checks each proof as RFC 9449 §7 asks: its
 * signature, `htm`, `htu`, `ath`, a key that is the token's `cnf.jkt`, a `jti` it has not seen,
 * and its own nonce (`401 DPoP error="use_dpop_nonce"` with a `DPoP-Nonce` until the proof has it).
 */
async function dpopResource(
  extra: { scopeByPath?: Record<string, string[]> } = {},
): Promise<ResourceServerHandle & { nonce: string; failures: string[] }> {
  const nonce = `rs-nonce-${Math.random().toString(36).slice(2)}`;
  const seenJti = new Set<string>();
  const failures: string[] = [];
  const challenge = (error: string) => ({
    'www-authenticate': `DPoP algs="ES256 EdDSA", error="${error}"`,
  });
  const check = async (req: IncomingMessage, introspection: Record<string, unknown>) => {
    const proof = req.headers.dpop;
    const token = (req.headers.authorization ?? '').split(' ')[1] ?? '';
    try {
      if (typeof proof !== 'string') throw new Error('no proof');
      const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        maxTokenAge: '60s',
      });
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      if (payload.htm !== req.method) throw new Error('htm');
      if (payload.htu !== `${url.origin}${url.pathname}`) throw new Error('htu');
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
      if (payload.ath !== base64url.encode(new Uint8Array(digest))) throw new Error('ath');
      const jkt = await calculateJwkThumbprint(protectedHeader.jwk as JWK, 'sha256');
      if ((introspection.cnf as { jkt?: string } | undefined)?.jkt !== jkt) throw new Error('jkt');
      if (seenJti.has(String(payload.jti))) throw new Error('jti replayed');
      seenJti.add(String(payload.jti));
      if (payload.nonce !== nonce) {
        return { status: 401, headers: { ...challenge('use_dpop_nonce'), 'dpop-nonce': nonce } };
      }
      return undefined;
    } catch (error) {
      failures.push((error as Error).message);
      return { status: 401, headers: challenge('invalid_dpop_proof') };
    }
  };
  const server = await startResourceServer({
    provider: provider(),
    schemes: ['DPoP'],
    check,
    ...extra,
  });
  open.push(server);
  return Object.assign(server, { nonce, failures });
}

describe('DPoP against oidc-provider, nonces required', () => {
  it('gets a DPoP-bound token: one use_dpop_nonce answer, then the token, bound to the key', async () => {
    const c = client();
    const token = await c.getToken();
    expect(token.tokenType).toBe('DPoP');
    const requests = provider().tokenRequests().slice(-2);
    expect(requests).toHaveLength(2);
    const [first, second] = requests.map((r) => String(r.headers.dpop));
    expect(decodeProtectedHeader(first as string).typ).toBe('dpop+jwt');
    expect(
      provider()
        .events.slice(-2)
        .map((e) => e.error ?? e.name),
    ).toEqual(['use_dpop_nonce', 'grant.success']);
    const introspection = await provider().introspect(token.accessToken);
    expect(introspection).toMatchObject({ active: true, token_type: 'DPoP' });
    expect((introspection.cnf as { jkt: string }).jkt).toBe(await thumbprintOf(second as string));
    // The nonce is remembered: the next token request needs no second send.
    const before = provider().tokenRequests().length;
    await c.getToken({ scope: 'api:write' });
    expect(provider().tokenRequests().length - before).toBe(1);
  });

  it('client.fetch: a resource that checks the proof and wants its own nonce answers 200', async () => {
    const resource = await dpopResource();
    const c = client({ origins: [resource.url, provider().origin] });
    const response = await c.fetch(`${resource.url}/orders?page=1`, {
      method: 'POST',
      body: '{"item":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(resource.failures).toEqual([]);
    expect(resource.requests.map((r) => r.status)).toEqual([401, 200]);
    expect(resource.requests[1]?.headers.authorization).toMatch(/^DPoP /);
    // Through ky too, with the nonce already known: one request.
    await c.ky.get(`${resource.url}/orders`).json();
    expect(resource.requests.map((r) => r.status)).toEqual([401, 200, 200]);
    expect(resource.failures).toEqual([]);
  });

  it('a revoked token: 401 DPoP invalid_token at the resource, one new token, replayed with a new proof', async () => {
    const resource = await dpopResource();
    const c = client({ origins: [resource.url, provider().origin] });
    expect((await c.fetch(`${resource.url}/a`)).status).toBe(200);
    const revoked = await c.getToken();
    await provider().revoke(revoked.accessToken, { clientId: 'dpop-client', clientSecret: SECRET });
    const response = await c.fetch(`${resource.url}/a`);
    expect(response.status).toBe(200);
    expect(c.stats().reauthentications).toBe(1);
    expect((await c.getToken()).accessToken).not.toBe(revoked.accessToken);
    expect(resource.failures).toEqual([]);
  });

  it('403 insufficient_scope from a DPoP resource: a DPoP token for the union', async () => {
    const resource = await dpopResource({ scopeByPath: { '/write': ['api:read', 'api:write'] } });
    const c = client({ origins: [resource.url, provider().origin] });
    const response = await c.fetch(`${resource.url}/write`, { method: 'PUT', body: 'x' });
    expect(response.status).toBe(200);
    expect(c.stats().stepUps).toBe(1);
    const token = await c.getToken({ scope: 'api:read api:write' });
    expect(token.tokenType).toBe('DPoP');
    expect(resource.failures).toEqual([]);
  });

  it('a key of the caller’s own (a private JWK) binds the token to that key', async () => {
    const { generateKeyPair, exportJWK } = await import('jose');
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const jwk = await exportJWK(privateKey);
    const c = client({ dpop: jwk });
    const token = await c.getToken();
    const { d: _d, ...publicJwk } = jwk;
    const introspection = await provider().introspect(token.accessToken);
    expect((introspection.cnf as { jkt: string }).jkt).toBe(
      await calculateJwkThumbprint(publicJwk as JWK, 'sha256'),
    );
  });

  it('with issuer: a generated key uses an algorithm the discovered metadata lists', async () => {
    const eddsaOnly = await startOidcProvider({
      clients: [
        {
          client_id: 'dpop-client',
          client_secret: SECRET,
          scope: 'api:read',
          dpop_bound_access_tokens: true,
        },
      ],
      features: { introspection: true, dPoP: { requireNonce: true } },
      configure: (configuration) => {
        const jwa = configuration.enabledJWA as Record<string, unknown>;
        jwa.dPoPSigningAlgValues = ['EdDSA'];
      },
    });
    open.push(eddsaOnly);
    const c = new ConfidentialClient({
      issuer: eddsaOnly.issuer,
      clientId: 'dpop-client',
      clientSecret: SECRET,
      dpop: true,
    });
    open.push(c);
    const token = await c.getToken();
    expect(token.tokenType).toBe('DPoP');
    const proof = String(eddsaOnly.tokenRequests().at(-1)?.headers.dpop);
    expect(decodeProtectedHeader(proof).alg).toBe('EdDSA');
    const introspection = await eddsaOnly.introspect(token.accessToken);
    expect((introspection.cnf as { jkt: string }).jkt).toBe(await thumbprintOf(proof));
  });
});
