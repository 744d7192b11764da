/**
 * Protected resources: paths that answer only to a Bearer token holding a scope, like MobileFirst
 * adapters protected by a scope element. The paths themselves are kept by
 * `protected-resources.ts`.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/#protecting-resources
 */

import { formatScope } from '../scope.js';
import { checkBearer } from './bearer-auth.js';
import { DEFAULT_SCOPE } from './constants.js';
import type { EmulatorContext } from './context.js';
import { jsonResponse } from './http-util.js';
import { copyToken, type IssuedToken } from './issued-tokens.js';
import type { ProtectedResourceEntry } from './protected-resources.js';

/**
 * Answers a request to a protected resource, and counts it by status. A handler that throws or
 * returns no `Response` answers `500 { error: 'handler_error', message }`. The 403 challenge announces
 * `RegisteredClient` followed by the resource's scope, as the product page shows
 * (`scope="RegisteredClient accessRestricted"`).
 *
 * @param ctx - Emulator state.
 * @param request - The request.
 * @param entry - The protection serving this path.
 * @returns The resource's answer or the challenge.
 * @internal
 */
export async function handleResourceRequest(
  ctx: EmulatorContext,
  request: Request,
  entry: ProtectedResourceEntry,
): Promise<Response> {
  const announced = formatScope([
    DEFAULT_SCOPE,
    ...entry.scope.filter((element) => element !== DEFAULT_SCOPE),
  ]);
  const check = checkBearer(ctx, request, entry.scope, announced);
  const response = check.ok ? await runHandler(entry, request, check.token) : check.response;
  ctx.counters.countResourceCall(response.status);
  return response;
}

/**
 * Runs a resource's handler: a handler that throws, or returns something other than a `Response`,
 * answers `500 { error: 'handler_error', message }` rather than failing the transport.
 */
async function runHandler(
  entry: ProtectedResourceEntry,
  request: Request,
  token: IssuedToken,
): Promise<Response> {
  const failed = (message: string): Response =>
    jsonResponse(500, { error: 'handler_error', message });
  let result: unknown;
  try {
    // A copy: the handler cannot change the emulator's record of the token.
    result = await entry.handler({ request, token: copyToken(token), clientId: token.claims.sub });
  } catch (error) {
    return failed(
      `the handler of protected path ${entry.prefix} threw: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (result instanceof Response) return result;
  return failed(
    `the handler of protected path ${entry.prefix} returned ${result === null ? 'null' : typeof result}, not a Response`,
  );
}
