/**
 * The middleware for Fastify (4 and 5): a `preHandler` hook. Written against the parts of
 * Fastify's request and reply it uses, so that nothing of Fastify is imported (it is an optional
 * peer dependency).
 *
 * @module
 */

import type { Logger } from 'confidential-client';
import { authorize, type CheckAuthorization } from './authorize.js';
import type { IntrospectionData } from './introspection-data.js';

/** The parts of a Fastify request the hook reads and writes. */
export interface FastifyLikeRequest {
  readonly headers: { readonly authorization?: string | undefined };
  /** Set to the introspection data when the request is authorized. */
  mfp?: IntrospectionData;
}

/** The parts of a Fastify reply the hook writes. */
export interface FastifyLikeReply {
  /** Sets the status code. */
  code(statusCode: number): unknown;
  /** Sets the headers (`WWW-Authenticate`, `Content-Type`). */
  headers(values: Record<string, string>): unknown;
  /** Sends the body. */
  send(payload: string): unknown;
}

/**
 * A Fastify `preHandler` hook: `{ preHandler: validator.fastify('orders.read') }` on a route, or
 * `app.addHook('preHandler', …)`. Authorized: sets `request.mfp`. Refused: sends 401/403/409/503
 * and the route handler does not run.
 *
 * To type `request.mfp` in handlers, declare it once in the app:
 * `declare module 'fastify' { interface FastifyRequest { mfp?: IntrospectionData } }`.
 */
export type FastifyPreHandler = <Reply extends FastifyLikeReply>(
  request: FastifyLikeRequest,
  reply: Reply,
) => Promise<Reply | undefined>;

/**
 * Makes a {@link FastifyPreHandler} over a validator's check.
 *
 * @param check - The validator's check, bound to the required scope.
 * @param logger - Where 503s are reported.
 * @returns The hook.
 * @internal
 */
export function fastifyPreHandler(
  check: CheckAuthorization,
  logger: Logger | undefined,
): FastifyPreHandler {
  return async (request, reply) => {
    const decision = await authorize(check, request.headers.authorization, logger);
    if (decision.ok) {
      request.mfp = decision.data;
      return undefined;
    }
    reply.code(decision.status);
    reply.headers({ ...decision.headers });
    reply.send(decision.body);
    // An async hook that answered returns the reply, so that Fastify stops there.
    return reply;
  };
}
