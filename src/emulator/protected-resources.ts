/**
 * The registry of protected paths: which path prefix needs which scope, and which handler answers
 * once the token passed. Pure state, no request handling (see `resources.ts`), so that the
 * emulator's context can hold it without importing the endpoint.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/#protecting-resources
 */

import { formatScope, normalizeScope, type ScopeInput } from '../scope.js';
import { jsonResponse } from './http-util.js';
import type { IssuedToken } from './issued-tokens.js';

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

/** One protected path prefix. @internal */
export interface ProtectedResourceEntry {
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
  readonly #entries = new Map<string, ProtectedResourceEntry>();

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
  find(pathname: string): ProtectedResourceEntry | undefined {
    let best: ProtectedResourceEntry | undefined;
    for (const entry of this.#entries.values()) {
      const under =
        pathname === entry.prefix ||
        pathname.startsWith(entry.prefix === '/' ? '/' : `${entry.prefix}/`);
      if (under && (!best || entry.prefix.length > best.prefix.length)) best = entry;
    }
    return best;
  }
}
