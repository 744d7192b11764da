/**
 * The middleware for a plain node:http (or node:https, http2 compatibility) server: a request
 * listener that runs the handler only for authorized requests, with the introspection data as its
 * third argument. Written against the parts of node:http it uses (any compatible server fits);
 * `node:http` is imported for its types only, as the defaults.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'confidential-client';
import { authorize, type CheckAuthorization } from './authorize.js';
import type { IntrospectionData } from './introspection-data.js';

/** The parts of a node:http request the middleware reads. */
export interface NodeLikeRequest {
  readonly headers: { readonly authorization?: string | undefined };
}

/** The parts of a node:http response the middleware writes. */
export interface NodeLikeResponse {
  readonly headersSent: boolean;
  /** Writes the status and the headers (`WWW-Authenticate`, `Content-Type`). */
  writeHead(status: number, headers: Readonly<Record<string, string>>): unknown;
  /** Writes the body and ends the response. */
  end(body: string): unknown;
}

/**
 * A node:http handler of authorized requests.
 *
 * @param req - The request.
 * @param res - The response.
 * @param data - What introspection said about the request's token.
 */
export type ProtectedHandler<
  Req extends NodeLikeRequest = IncomingMessage,
  Res extends NodeLikeResponse = ServerResponse,
> = (req: Req, res: Res, data: IntrospectionData) => unknown;

/**
 * A node:http request listener (`http.createServer(listener)`). Its promise settles once the
 * refusal is sent or the handler has returned (or its promise settled); it rejects only if the
 * handler throws.
 */
export type ProtectedListener<
  Req extends NodeLikeRequest = IncomingMessage,
  Res extends NodeLikeResponse = ServerResponse,
> = (req: Req, res: Res) => Promise<void>;

/**
 * Wraps a handler so that it runs only for requests whose token is valid and covers the scope.
 *
 * @param check - The validator's check, bound to the required scope.
 * @param handler - The protected handler.
 * @param logger - Where 503s are reported.
 * @returns The listener.
 * @internal
 */
export function protectListener<Req extends NodeLikeRequest, Res extends NodeLikeResponse>(
  check: CheckAuthorization,
  handler: ProtectedHandler<Req, Res>,
  logger: Logger | undefined,
): ProtectedListener<Req, Res> {
  return async (req, res) => {
    const decision = await authorize(check, req.headers.authorization, logger);
    if (decision.ok) {
      await handler(req, res, decision.data);
      return;
    }
    if (res.headersSent) return;
    res.writeHead(decision.status, decision.headers);
    res.end(decision.body);
  };
}
