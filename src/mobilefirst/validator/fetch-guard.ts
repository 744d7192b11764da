/**
 * The middleware for fetch-style servers (Hono, Bun.serve, Deno.serve, Cloudflare Workers,
 * Next.js route handlers): a function of a Fetch API `Request`. No `node:` import.
 *
 * @module
 */

import type { Logger } from 'confidential-client';
import { authorize, type CheckAuthorization } from './authorize.js';
import type { IntrospectionData } from './introspection-data.js';

/**
 * The outcome of a {@link FetchGuard}: `response` is `undefined` when the request is authorized
 * (then `data` holds the introspection data), and otherwise the complete answer to return
 * (401/403/409/503 with `WWW-Authenticate` or `MFP-Conflict`, `Cache-Control: no-store` and a
 * small JSON body).
 */
export type FetchGuardResult =
  | { readonly response: undefined; readonly data: IntrospectionData }
  | { readonly response: Response; readonly data: undefined };

/**
 * Checks a request's bearer token; see {@link TokenValidator.guard}.
 *
 * @param request - The incoming request (only its `Authorization` header is read).
 * @returns `{ response: undefined, data }` to go on, or `{ response }` to return. Never rejects.
 */
export type FetchGuard = (request: Request) => Promise<FetchGuardResult>;

/**
 * Makes a {@link FetchGuard} over a validator's check.
 *
 * @param check - The validator's check, bound to the required scope.
 * @param logger - Where 503s are reported.
 * @returns The guard.
 * @internal
 */
export function fetchGuard(check: CheckAuthorization, logger: Logger | undefined): FetchGuard {
  return async (request) => {
    const decision = await authorize(check, request.headers.get('authorization'), logger);
    if (decision.ok) return { response: undefined, data: decision.data };
    return {
      response: new Response(decision.body, {
        status: decision.status,
        headers: decision.headers,
      }),
      data: undefined,
    };
  };
}
