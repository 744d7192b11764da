/**
 * The introspection endpoint `POST /{runtime}/api/az/v1/introspection`, which resource servers
 * call with a token holding `authorization.introspect` to validate the tokens they receive.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-api-docs/html/refrest-mfp-server-runtime/html/introspectUsingPOST_1.html
 * @see https://www.rfc-editor.org/rfc/rfc7662
 */

import { formatScope } from '../scope.js';
import { checkBearer } from './bearer-auth.js';
import type { EmulatorContext } from './context.js';
import { faultResponse, type IntrospectionFault } from './faults.js';
import { bearerChallenge, jsonResponse, oauthError, readForm } from './http-util.js';

/** The scope element a caller of the introspection endpoint needs. */
export const INTROSPECT_SCOPE = 'authorization.introspect';

/**
 * The body of an introspection answer. Inactive tokens (unknown, expired, revoked) get only
 * `{ active: false }`.
 */
export interface IntrospectionResponse {
  /** Whether the token is valid now. */
  readonly active: boolean;
  /** Granted scope, space-separated. */
  readonly scope?: string;
  /** The confidential client the token was issued to. */
  readonly client_id?: string;
  /** Expiry in epoch **milliseconds** (MobileFirst's unit). */
  readonly exp?: number;
  /** Issue time in epoch milliseconds. */
  readonly iat?: number;
  /** Subject (the client ID for a confidential client). */
  readonly sub?: string;
  /** Issuer `com.ibm.mfp`. */
  readonly iss?: string;
  /** Audience `com.ibm.mfp`. */
  readonly aud?: string;
  /** `Bearer`. */
  readonly token_type?: string;
}

/**
 * The answer for an introspection fault.
 *
 * @param fault - A resolved fault.
 * @returns The response (`Response.error()` for `drop`).
 */
function introspectionFaultResponse(fault: IntrospectionFault): Response {
  switch (fault.kind) {
    case 'conflict':
      return jsonResponse(409, {
        message: 'Conflict (fault injected by the MobileFirst emulator)',
      });
    case 'invalid-token':
      return new Response(null, {
        status: 401,
        headers: { 'www-authenticate': bearerChallenge('invalid_token') },
      });
    case 'insufficient-scope':
      return new Response(null, {
        status: 403,
        headers: { 'www-authenticate': bearerChallenge('insufficient_scope', INTROSPECT_SCOPE) },
      });
    default:
      return faultResponse(fault);
  }
}

/**
 * Answers an introspection request: a queued fault first (see
 * {@link MobileFirstEmulator.failNextIntrospections}), then the caller's own token is checked
 * (401/403 challenges as for resources, the 403 announcing `authorization.introspect`), then the
 * form's `token` (400 `invalid_request` when missing or when the body is not a form).
 *
 * @param ctx - Emulator state.
 * @param request - The request.
 * @returns 200 with an {@link IntrospectionResponse}, or an error.
 * @internal
 */
export async function handleIntrospection(
  ctx: EmulatorContext,
  request: Request,
): Promise<Response> {
  ctx.counters.count('introspections');
  if (request.method !== 'POST') {
    return oauthError(405, 'invalid_request', 'the introspection endpoint accepts POST only', {
      allow: 'POST',
    });
  }
  const fault = ctx.faults.takeIntrospection();
  if (fault) return introspectionFaultResponse(fault);
  const check = checkBearer(ctx, request, [INTROSPECT_SCOPE], INTROSPECT_SCOPE);
  if (!check.ok) return check.response;
  const form = await readForm(request);
  if (!form) {
    return oauthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  }
  const token = form.get('token');
  if (token === null || token === '') {
    return oauthError(400, 'invalid_request', 'the form parameter "token" is missing');
  }
  const { status, token: issued } = ctx.tokens.lookup(token, ctx.now());
  if (status !== 'active' || !issued) return jsonResponse(200, { active: false });
  const { claims } = issued;
  const body: IntrospectionResponse = {
    active: true,
    scope: formatScope(issued.scope),
    client_id: claims.sub,
    exp: claims.exp,
    iat: claims.iat,
    sub: claims.sub,
    iss: claims.iss,
    aud: claims.aud,
    token_type: 'Bearer',
  };
  return jsonResponse(200, body);
}
