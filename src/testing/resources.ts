/**
 * Protected resources: paths that answer only to a Bearer token holding a scope, like MobileFirst
 * adapters protected by a scope element.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/#protecting-resources
 */

import { formatScope, normalizeScope, type ScopeInput } from '../scope.js';
import { checkBearer } from './bearer-auth.js';
import type { EmulatorContext } from './context.js';
import { jsonResponse } from './http-util.js';
import { copyToken, type IssuedToken } from './issued-tokens.js';
import { DEFAULT_SCOPE } from './token-endpoint.js';

/** What a protected resource's handler receives once the token passed. */
export interface ProtectedResourceContext {
  /** The request. */
  readonly request: Request;
  /** The access token that was accepted. */
  readonly token: IssuedToken;
  /** The client ID the token was issued to. */
  readonly clientId: string;
}

/** Answers a request to a protected resource whose token passed the scope check. */
export type ProtectedResourceHandler = (
  context: ProtectedResourceContext,
) => Response | Promise<Response>;

/** How to protect a path. */
export interface ProtectOptions {
  /** Scope the token must hold; `''` or `[]` means any valid token (`RegisteredClient`). */
  readonly scope: ScopeInput;
  /**
   * Answers once the token passed.
   * @default a 200 JSON `{ path, method, clientId, scope }`
   */
  readonly handler?: ProtectedResourceHandler;
}

interface Entry {
  readonly prefix: string;
  readonly scope: readonly string[];
  readonly handler: ProtectedResourceHandler;
}

const defaultHandler: ProtectedResourceHandler = ({ request, clientId, token }) =>
  jsonResponse(200, {
    path: new URL(request.url).pathname,
    method: request.method,
    clientId,
    scope: formatScope(token.scope),
  });

/**
 * Normalizes a path prefix: a leading `/`, no trailing `/`.
 *
 * @throws TypeError if the path is not a string starting with `/`.
 */
function normalizePrefix(path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError(`a protected path must be a string starting with "/", got ${String(path)}`);
  }
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** The protected paths of one emulator; the longest matching prefix wins. @internal */
export class ProtectedResources {
  readonly #entries = new Map<string, Entry>();

  /** Protects `path` and everything under it; replaces an earlier protection of that path. */
  protect(path: string, options: ProtectOptions): void {
    const prefix = normalizePrefix(path);
    if (options.handler !== undefined && typeof options.handler !== 'function') {
      throw new TypeError('protect(path, { handler }): handler must be a function');
    }
    this.#entries.set(prefix, {
      prefix,
      scope: normalizeScope(options.scope),
      handler: options.handler ?? defaultHandler,
    });
  }

  /** Removes a protection. @returns Whether the path was protected. */
  unprotect(path: string): boolean {
    return this.#entries.delete(normalizePrefix(path));
  }

  /** The entry serving `pathname`, if any. */
  find(pathname: string): Entry | undefined {
    let best: Entry | undefined;
    for (const entry of this.#entries.values()) {
      const under =
        pathname === entry.prefix ||
        pathname.startsWith(entry.prefix === '/' ? '/' : `${entry.prefix}/`);
      if (under && (!best || entry.prefix.length > best.prefix.length)) best = entry;
    }
    return best;
  }
}

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
  entry: Entry,
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
async function runHandler(entry: Entry, request: Request, token: IssuedToken): Promise<Response> {
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
