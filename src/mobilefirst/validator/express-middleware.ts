/**
 * The middleware for Express (4 and 5) and other connect-style frameworks. Written against the
 * node:http request and response that Express extends, so that nothing of Express is imported
 * (it is an optional peer dependency): the function is assignable to Express's `RequestHandler`.
 *
 * @module
 */

import type { Logger } from 'confidential-client';
import { authorize, type CheckAuthorization } from './authorize.js';
import type { IntrospectionData } from './introspection-data.js';
import type { NodeLikeRequest, NodeLikeResponse } from './node-listener.js';

declare global {
  // Express's own augmentation point (as passport's `req.user`): `req.mfp` is typed in every
  // handler once this module's types are loaded. Harmless where Express is not installed.
  namespace Express {
    interface Request {
      /** What introspection said about the request's token (set by `validator.express(…)`). */
      mfp?: IntrospectionData;
    }
  }
}

/** The parts of an Express request the middleware reads and writes. */
export interface ExpressLikeRequest extends NodeLikeRequest {
  /** Set to the introspection data when the request is authorized. */
  mfp?: IntrospectionData;
}

/**
 * A connect-style middleware: `app.get('/orders', validator.express('orders.read'), handler)`.
 * Authorized: sets `req.mfp` and calls `next()`. Refused: answers 401/403/409/503 and does not
 * call `next`.
 */
export type ExpressMiddleware = (
  req: ExpressLikeRequest,
  res: NodeLikeResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Makes an {@link ExpressMiddleware} over a validator's check.
 *
 * @param check - The validator's check, bound to the required scope.
 * @param logger - Where 503s are reported.
 * @returns The middleware.
 * @internal
 */
export function expressMiddleware(
  check: CheckAuthorization,
  logger: Logger | undefined,
): ExpressMiddleware {
  return (req, res, next) => {
    authorize(check, req.headers.authorization, logger).then((decision) => {
      if (decision.ok) {
        req.mfp = decision.data;
        next();
      } else if (!res.headersSent) {
        res.writeHead(decision.status, decision.headers);
        res.end(decision.body);
      }
    }, next);
  };
}
