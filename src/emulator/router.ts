/**
 * Which endpoint answers a path: the token and introspection endpoints of the runtime, push, the
 * admin API, then the protected resources (longest prefix).
 *
 * @module
 * @internal
 */

import { handleAdminRequest, matchAdminPath } from './admin.js';
import type { EmulatorContext } from './context.js';
import type { EmulatorRoute } from './faults.js';
import { handleIntrospection } from './introspection.js';
import { handlePushRequest, matchPushPath } from './push.js';
import { handleResourceRequest } from './resources.js';
import { handleTokenRequest } from './token-endpoint.js';

/** The endpoint serving a path: its name (for latency) and how it answers. @internal */
export interface Route {
  readonly name: EmulatorRoute;
  run(request: Request): Promise<Response>;
}

/**
 * Path of the token endpoint of a runtime.
 *
 * @param runtime - The runtime name, e.g. `mfp`.
 * @returns e.g. `/mfp/api/az/v1/token`.
 * @internal
 */
export function tokenPath(runtime: string): string {
  return `/${runtime}/api/az/v1/token`;
}

/**
 * Path of the introspection endpoint of a runtime.
 *
 * @param runtime - The runtime name, e.g. `mfp`.
 * @returns e.g. `/mfp/api/az/v1/introspection`.
 * @internal
 */
export function introspectionPath(runtime: string): string {
  return `/${runtime}/api/az/v1/introspection`;
}

/**
 * The endpoint serving a path, if any.
 *
 * @param ctx - Emulator state (its runtime and protected resources).
 * @param pathname - A URL path.
 * @returns The route, or `undefined` when the emulator does not serve the path (404).
 * @internal
 */
export function findRoute(ctx: EmulatorContext, pathname: string): Route | undefined {
  if (pathname === tokenPath(ctx.options.runtime)) {
    return { name: 'token', run: (request) => handleTokenRequest(ctx, request) };
  }
  if (pathname === introspectionPath(ctx.options.runtime)) {
    return { name: 'introspection', run: (request) => handleIntrospection(ctx, request) };
  }
  const push = matchPushPath(pathname);
  if (push) return { name: 'push', run: (request) => handlePushRequest(ctx, request, push) };
  const admin = matchAdminPath(pathname);
  if (admin) return { name: 'admin', run: (request) => handleAdminRequest(ctx, request, admin) };
  const resource = ctx.resources.find(pathname);
  if (resource) {
    return { name: 'resource', run: (request) => handleResourceRequest(ctx, request, resource) };
  }
  return undefined;
}
