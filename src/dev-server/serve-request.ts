/**
 * Serves one node:http request with the emulator: the checks the Fetch API's `Request` would
 * refuse, the capped body, the emulator's answer written back (or the connection dropped, for the
 * `drop` fault).
 *
 * @module
 * @internal
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { jsonResponse } from '../emulator/http-util.js';
import type { RequestHandler } from './console/dev-console.js';
import {
  CappedBody,
  declaredLength,
  isUnsupportedMethod,
  MAX_BODY_BYTES,
  requestPath,
  toFetchRequest,
} from './node-request.js';

/** Sends a Fetch API response on a node:http response. @internal */
export async function send(
  req: IncomingMessage,
  res: ServerResponse,
  response: Response,
  closeConnection = false,
): Promise<void> {
  // A view on the ArrayBuffer, not a copy.
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (closeConnection) headers.connection = 'close';
  res.writeHead(response.status, { ...headers, 'content-length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The 413 answer to a body over {@link MAX_BODY_BYTES}. @internal */
export function tooLarge(): Response {
  return jsonResponse(413, {
    message: `the MobileFirst dev server accepts request bodies up to ${MAX_BODY_BYTES} bytes`,
  });
}

/**
 * Checks what `new Request` would refuse or the emulator cannot route: a method it cannot serve
 * (501), a request target that names no path (400), a declared body over the cap (413).
 *
 * @returns The path and query to serve, or the answer to send at once.
 */
function checkRequestLine(req: IncomingMessage): string | Response {
  const method = req.method ?? 'GET';
  if (isUnsupportedMethod(method)) {
    return jsonResponse(501, {
      message: `the MobileFirst dev server does not implement ${method}`,
    });
  }
  const path = requestPath(req.url ?? '/');
  if (path === undefined) {
    return jsonResponse(400, {
      message: `the request target must be a path such as /mfp/api/az/v1/token, got "${req.url}"`,
    });
  }
  if ((declaredLength(req) ?? 0) > MAX_BODY_BYTES) return tooLarge();
  return path;
}

/**
 * Answers one request with the emulator. A client that goes away (`signal` aborts) gets nothing.
 *
 * @param emulator - The emulator to ask (or the console in front of it).
 * @param origin - The dev server's own origin, to build the `Request` URL.
 * @param req - The node:http request.
 * @param res - Its response.
 * @param signal - Aborted when the client goes away or the server closes.
 * @internal
 */
export async function serveRequest(
  emulator: RequestHandler,
  origin: string,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const checked = checkRequestLine(req);
  if (checked instanceof Response) {
    // The body, if any, is not read: close the connection rather than parse it.
    await send(req, res, checked, !req.complete);
    return;
  }
  const body = new CappedBody(req, MAX_BODY_BYTES);
  let response: Response;
  try {
    response = await emulator.handle(toFetchRequest(req, `${origin}${checked}`, body, signal));
  } catch (error) {
    if (signal.aborted) return;
    response = jsonResponse(500, {
      message: `the MobileFirst dev server failed: ${(error as Error).message}`,
    });
  }
  if (signal.aborted) return;
  if (body.tooLarge) {
    await send(req, res, tooLarge(), true);
    return;
  }
  if (response.type === 'error') {
    // The `drop` fault: close the connection without an answer, as a crashed server would.
    req.socket.destroy();
    return;
  }
  body.discardRest();
  await send(req, res, response);
}
