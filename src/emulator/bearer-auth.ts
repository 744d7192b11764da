/**
 * Bearer-token checks shared by protected resources, push and introspection, answering with the
 * challenges MobileFirst sends.
 *
 * @module
 * @internal
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/confidential-clients/#possible-responses
 */

import { DEFAULT_SCOPE } from './constants.js';
import type { EmulatorContext } from './context.js';
import { bearerChallenge, parseBearer } from './http-util.js';
import type { IssuedToken } from './issued-tokens.js';

/** The outcome of a Bearer check: the token, or the challenge to answer with. */
export type BearerCheck =
  | { readonly ok: true; readonly token: IssuedToken }
  | { readonly ok: false; readonly response: Response };

function challenge(status: number, header: string): BearerCheck {
  return {
    ok: false,
    response: new Response(null, { status, headers: { 'www-authenticate': header } }),
  };
}

/**
 * Checks the Bearer token of a request:
 * no token → `401 WWW-Authenticate: Bearer`; unknown, expired or revoked →
 * `401 Bearer error="invalid_token"`; scope not covered →
 * `403 Bearer error="insufficient_scope", scope="<announced>"`.
 * `RegisteredClient` counts as granted to every token.
 *
 * @param ctx - Emulator state.
 * @param request - The request.
 * @param required - Scope elements the token must hold, each compared as it is (exact match).
 * @param announced - The scope the 403 challenge announces.
 * @returns The check's outcome.
 */
export function checkBearer(
  ctx: EmulatorContext,
  request: Request,
  required: readonly string[],
  announced: string,
): BearerCheck {
  const accessToken = parseBearer(request.headers.get('authorization'));
  if (accessToken === undefined) return challenge(401, bearerChallenge());
  const { status, token } = ctx.tokens.lookup(accessToken, ctx.now());
  if (status !== 'active' || !token) return challenge(401, bearerChallenge('invalid_token'));
  // Compared element by element, never re-split: an element cannot smuggle in a second one.
  const granted = new Set([...token.scope, DEFAULT_SCOPE]);
  if (!required.every((element) => granted.has(element))) {
    return challenge(403, bearerChallenge('insufficient_scope', announced));
  }
  return { ok: true, token };
}
