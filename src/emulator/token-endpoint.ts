/**
 * The token endpoint `POST /{runtime}/api/az/v1/token`: the OAuth 2.0 client-credentials grant
 * as MobileFirst serves it to confidential clients.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/confidential-clients/#obtaining-an-access-token
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */

import { formatScope, isScopeAllowed, isScopeToken } from '../scope.js';
import { DEFAULT_SCOPE, MFP_ISSUER } from './constants.js';
import type { EmulatorContext } from './context.js';
import { faultResponse } from './faults.js';
import { jsonResponse, oauthError, parseBasicAuth, readForm } from './http-util.js';
import type { EmulatorTokenClaims } from './jwt.js';

/**
 * Splits a `scope` parameter into its elements: on the space character only, as RFC 6749 §3.3
 * defines it, so that a tab or a no-break space stays inside an element (and fails
 * {@link isScopeToken}). Sorted and unique, like every scope inside this package.
 *
 * @param scope - The parameter's value.
 * @returns The sorted unique elements; `[]` for an empty scope.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
function splitScope(scope: string): string[] {
  return [...new Set(scope.split(' ').filter((element) => element !== ''))].sort();
}

/**
 * Answers a token request, counting it whatever the outcome. Checks run in this order: method
 * (405), queued fault, media type, a repeated parameter (RFC 6749 §3.2) and
 * `grant_type` (400 `invalid_request` / `unsupported_grant_type`), client authentication
 * (`invalid_client`, status per `invalidClientStatus`), scope (400 `invalid_scope`).
 *
 * @param ctx - Emulator state.
 * @param request - The request.
 * @returns The token response or an RFC 6749 §5.2 error.
 * @internal
 */
export async function handleTokenRequest(
  ctx: EmulatorContext,
  request: Request,
): Promise<Response> {
  const post = request.method === 'POST';
  // A body is read only for POST: anything else answers 405 without it.
  const form = post ? await readForm(request) : undefined;
  const basic = parseBasicAuth(request.headers.get('authorization'));
  const sentId = basic?.id ?? form?.get('client_id') ?? '';
  const requested = splitScope(form?.get('scope') ?? '');
  const scope = requested.length === 0 ? [DEFAULT_SCOPE] : requested;
  ctx.counters.countTokenRequest(sentId, formatScope(scope));

  if (!post) {
    return oauthError(405, 'invalid_request', 'the token endpoint accepts POST only', {
      allow: 'POST',
    });
  }
  const fault = ctx.faults.take();
  if (fault) return faultResponse(fault);

  if (!form) {
    return oauthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  }
  const repeated = [...new Set(form.keys())].find((name) => form.getAll(name).length > 1);
  if (repeated !== undefined) {
    return oauthError(400, 'invalid_request', `the parameter "${repeated}" is repeated`);
  }
  const grantType = form.get('grant_type');
  if (grantType === null || grantType === '') {
    return oauthError(400, 'invalid_request', 'grant_type is missing');
  }
  if (grantType !== 'client_credentials') {
    return oauthError(
      400,
      'unsupported_grant_type',
      `grant_type "${grantType}" is not supported; use client_credentials`,
    );
  }

  const invalidClient = (description: string): Response =>
    oauthError(
      ctx.options.invalidClientStatus,
      'invalid_client',
      description,
      ctx.options.invalidClientStatus === 401
        ? { 'www-authenticate': `Basic realm="${ctx.options.runtime}"` }
        : {},
    );
  const formSecret = form.get('client_secret');
  if (basic && (form.has('client_id') || formSecret !== null)) {
    return oauthError(
      400,
      'invalid_request',
      'send client credentials either with Basic or in the form, not both',
    );
  }
  const secret = basic?.secret ?? formSecret;
  if (sentId === '' || secret === null) {
    return invalidClient(
      'client authentication is required (HTTP Basic with the client ID and secret)',
    );
  }
  const client = ctx.clients.authenticate(sentId, secret, basic ? 'basic' : 'form');
  if (!client) return invalidClient('unknown client ID or wrong secret');

  if (!requested.every(isScopeToken)) {
    return oauthError(
      400,
      'invalid_scope',
      'the scope holds characters RFC 6749 §3.3 does not allow',
    );
  }
  const allowed = `${client.allowedScope} ${DEFAULT_SCOPE}`;
  if (!isScopeAllowed(allowed, scope)) {
    return oauthError(
      400,
      'invalid_scope',
      `the requested scope is not within the allowed scope of client "${client.id}"`,
    );
  }

  const issuedAt = ctx.now();
  const claims: EmulatorTokenClaims = {
    iss: MFP_ISSUER,
    sub: client.id,
    aud: MFP_ISSUER,
    exp: issuedAt + ctx.options.tokenLifetime * 1000,
    iat: issuedAt,
    scope: formatScope(scope),
    jti: globalThis.crypto.randomUUID(),
  };
  const accessToken = await ctx.signer.sign(claims);
  ctx.tokens.add({ accessToken, claims, scope });
  ctx.counters.count('tokensIssued');
  return jsonResponse(
    200,
    {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ctx.options.tokenLifetime,
      scope: formatScope(scope),
    },
    { 'cache-control': 'no-store', pragma: 'no-cache' },
  );
}
