import {
  base64url,
  calculateJwkThumbprint,
  decodeProtectedHeader,
  EmbeddedJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { opaqueToken, SERVER, TOKEN_URL } from './token-server.js';

/** A DPoP proof, verified: its header, claims and the thumbprint of its key. */
export interface VerifiedProof {
  readonly header: { alg: string; typ: string; jwk: JWK };
  readonly payload: JWTPayload & { htm?: string; htu?: string; ath?: string; nonce?: string };
  readonly jkt: string;
}

/** base64url SHA-256 of a token: the `ath` a proof must carry with it. */
export async function athOf(token: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
  return base64url.encode(new Uint8Array(digest));
}

/**
 * Verifies a DPoP proof as a server does (RFC 9449 §4.3): the signature with the embedded public
 * key, `typ`, no private key material, `htm`, `htu`, `iat`, `jti`, and `ath` when a token goes along.
 *
 * @throws When anything does not hold.
 */
export async function verifyProof(
  proof: string | null,
  expected: { htm: string; htu: string; accessToken?: string | undefined },
): Promise<VerifiedProof> {
  if (proof === null) throw new Error('no DPoP header');
  const header = decodeProtectedHeader(proof) as VerifiedProof['header'];
  if (header.typ !== 'dpop+jwt') throw new Error(`typ ${header.typ}`);
  if (header.jwk === undefined || 'd' in header.jwk) throw new Error('jwk missing or private');
  const { payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' });
  const claims = payload as VerifiedProof['payload'];
  if (claims.htm !== expected.htm) throw new Error(`htm ${claims.htm} ≠ ${expected.htm}`);
  if (claims.htu !== expected.htu) throw new Error(`htu ${claims.htu} ≠ ${expected.htu}`);
  if (typeof claims.iat !== 'number') throw new Error('no iat');
  if (typeof claims.jti !== 'string' || claims.jti.length < 16) throw new Error('no jti');
  if (expected.accessToken === undefined) {
    if (claims.ath !== undefined) throw new Error('ath on a token request');
  } else if (claims.ath !== (await athOf(expected.accessToken))) {
    throw new Error('ath does not match the token');
  }
  return { header, payload: claims, jkt: await calculateJwkThumbprint(header.jwk, 'sha256') };
}

/** The resource base of the DPoP test server: on the token server's origin. */
export const API = `${SERVER}/api`;

/** One request the DPoP test server saw. */
export interface SeenDpopRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | null;
  readonly dpop: string | null;
  /** The proof, verified; `undefined` when there was none or it failed (see `error`). */
  readonly proof: VerifiedProof | undefined;
  readonly error: string | undefined;
  readonly form: URLSearchParams | undefined;
}

/**
 * An MSW authorization server (token endpoint at `TOKEN_URL`) and resource server (`API/*`) that
 * check DPoP as RFC 9449 asks: every proof verified, tokens bound to the proof's key (`cnf.jkt`),
 * `ath` checked, and nonces required when a test sets one. Resource rules per path are settable.
 */
export function useDpopServer() {
  const state = {
    tokenRequests: [] as SeenDpopRequest[],
    resourceRequests: [] as SeenDpopRequest[],
    /** When set, token requests need this nonce (else 400 use_dpop_nonce with it). */
    tokenNonce: undefined as string | undefined,
    /** When set, resource requests need this nonce (else 401 DPoP use_dpop_nonce with it). */
    resourceNonce: undefined as string | undefined,
    /** A nonce sent on every successful answer (token and resource). */
    successNonce: undefined as string | undefined,
    /** The token_type the token endpoint answers with. */
    tokenType: 'DPoP',
    /** Scope the resource requires (403 insufficient_scope otherwise). */
    requiredScope: undefined as string | undefined,
    /** Tokens issued: the thumbprint they are bound to and their scope. */
    issued: new Map<string, { jkt: string | undefined; scope: string }>(),
    /** Tokens the resource no longer accepts. */
    revoked: new Set<string>(),
  };
  const withNonce = (init: ResponseInit): ResponseInit =>
    state.successNonce === undefined
      ? init
      : { ...init, headers: { 'dpop-nonce': state.successNonce } };
  const server = setupServer(
    http.post(TOKEN_URL, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      const dpop = request.headers.get('dpop');
      let proof: VerifiedProof | undefined;
      let error: string | undefined;
      if (dpop !== null) {
        try {
          proof = await verifyProof(dpop, { htm: 'POST', htu: TOKEN_URL });
        } catch (e) {
          error = (e as Error).message;
        }
      }
      state.tokenRequests.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.get('authorization'),
        dpop,
        proof,
        error,
        form,
      });
      if (error !== undefined) {
        return HttpResponse.json({ error: 'invalid_dpop_proof' }, { status: 400 });
      }
      if (proof !== undefined && state.tokenNonce !== undefined) {
        if (proof.payload.nonce !== state.tokenNonce) {
          return HttpResponse.json(
            { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce' },
            { status: 400, headers: { 'dpop-nonce': state.tokenNonce } },
          );
        }
      }
      const accessToken = opaqueToken();
      const bound = proof !== undefined && state.tokenType === 'DPoP';
      const scope = form.get('scope') ?? 'default';
      state.issued.set(accessToken, { jkt: bound ? proof?.jkt : undefined, scope });
      return HttpResponse.json(
        {
          access_token: accessToken,
          // A server binds a token only to a proof it received.
          token_type: proof === undefined ? 'Bearer' : state.tokenType,
          expires_in: 3600,
          scope,
        },
        withNonce({}),
      );
    }),
    http.all(`${API}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const htu = `${url.origin}${url.pathname}`;
      const authorization = request.headers.get('authorization');
      const dpop = request.headers.get('dpop');
      const [scheme, token] = (authorization ?? '').split(' ');
      let proof: VerifiedProof | undefined;
      let error: string | undefined;
      if (dpop !== null) {
        try {
          proof = await verifyProof(dpop, { htm: request.method, htu, accessToken: token });
        } catch (e) {
          error = (e as Error).message;
        }
      }
      state.resourceRequests.push({
        method: request.method,
        url: request.url,
        authorization,
        dpop,
        proof,
        error,
        form: undefined,
      });
      const issued = token === undefined ? undefined : state.issued.get(token);
      const challenge = (params: string) => ({
        'www-authenticate': `DPoP algs="ES256 EdDSA", ${params}`,
      });
      if (issued === undefined || state.revoked.has(token as string)) {
        return new HttpResponse(null, {
          status: 401,
          headers: challenge('error="invalid_token"'),
        });
      }
      if (issued.jkt !== undefined) {
        // A DPoP-bound token: the scheme, a valid proof, and the key it is bound to.
        if (scheme !== 'DPoP' || proof === undefined || proof.jkt !== issued.jkt) {
          return new HttpResponse(null, {
            status: 401,
            headers: challenge('error="invalid_dpop_proof"'),
          });
        }
        if (state.resourceNonce !== undefined && proof.payload.nonce !== state.resourceNonce) {
          return new HttpResponse(null, {
            status: 401,
            headers: {
              ...challenge('error="use_dpop_nonce"'),
              'dpop-nonce': state.resourceNonce,
            },
          });
        }
      } else if (scheme !== 'Bearer') {
        return new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } });
      }
      if (
        state.requiredScope !== undefined &&
        !state.requiredScope.split(' ').every((s) => issued.scope.split(' ').includes(s))
      ) {
        return new HttpResponse(null, {
          status: 403,
          headers: challenge(`error="insufficient_scope", scope="${state.requiredScope}"`),
        });
      }
      return HttpResponse.json({ ok: true, path: url.pathname }, withNonce({}));
    }),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    state.tokenRequests = [];
    state.resourceRequests = [];
    state.tokenNonce = undefined;
    state.resourceNonce = undefined;
    state.successNonce = undefined;
    state.tokenType = 'DPoP';
    state.requiredScope = undefined;
    state.issued.clear();
    state.revoked.clear();
  });
  afterAll(() => server.close());
  return { server, state };
}
