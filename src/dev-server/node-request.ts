/**
 * Turns a node:http `IncomingMessage` into the Fetch API `Request` the emulator answers: the request
 * target checked and resolved against the dev server's own origin, hop-by-hop headers dropped, and
 * the body streamed lazily under a size cap.
 *
 * @module
 * @internal
 * @see https://www.rfc-editor.org/rfc/rfc9112#section-3.2
 */

import type { IncomingMessage } from 'node:http';

/** The largest request body the dev server accepts, in bytes (1 MiB); larger bodies answer 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

// The Fetch API's `new Request` refuses these ("forbidden methods"), and no emulated route serves them.
const UNSUPPORTED_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/**
 * Whether the dev server cannot serve a method at all (`new Request` refuses it).
 *
 * @param method - The request method as received.
 * @returns `true` for `CONNECT`, `TRACE` and `TRACK`, in any case.
 * @internal
 */
export function isUnsupportedMethod(method: string): boolean {
  return UNSUPPORTED_METHODS.has(method.toUpperCase());
}

/**
 * The path and query of a request target. Origin-form (`/path?query`) is kept as it is;
 * absolute-form (`http://host/path?query`, which RFC 9112 §3.2.2 says a server must accept) is
 * reduced to its path and query, since the dev server answers for its own origin only.
 *
 * @param target - `req.url` as node:http parsed it.
 * @returns The path and query, or `undefined` for asterisk-form (`*`), authority-form or anything
 *   else that names no path.
 * @internal
 */
export function requestPath(target: string): string | undefined {
  if (target.startsWith('/')) return target;
  if (!/^https?:\/\//i.test(target)) return undefined;
  try {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}

/**
 * The `Content-Length` a request declares.
 *
 * @param req - The request.
 * @returns The length in bytes, or `undefined` when the header is absent (no body, or chunked).
 * @internal
 */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/**
 * The body of one `IncomingMessage`, read only when the emulator reads the `Request` body (a 404,
 * a 405 or a 401 leaves it unread) and capped at `limit` bytes, also while discarding what was not
 * read so that a keep-alive connection can go on.
 *
 * @internal
 */
export class CappedBody {
  readonly #req: IncomingMessage;
  readonly #limit: number;
  #received = 0;
  #tooLarge = false;

  constructor(req: IncomingMessage, limit: number) {
    this.#req = req;
    this.#limit = limit;
  }

  /** Whether the body went over the limit (the answer must then be 413). */
  get tooLarge(): boolean {
    return this.#tooLarge;
  }

  /** Whether the request carries a body at all. */
  get present(): boolean {
    const length = declaredLength(this.#req);
    return length === undefined ? this.#req.headers['transfer-encoding'] !== undefined : length > 0;
  }

  /**
   * A stream of the body's chunks, without copies. Nothing is read from the socket until the
   * stream is pulled (`highWaterMark: 0`). Going over the limit errors the stream.
   */
  stream(): ReadableStream<Uint8Array> {
    const req = this.#req;
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          // Paused first, so that the `data` listener does not start the flow.
          req.pause();
          req.on('data', (chunk: Buffer) => {
            // Backpressure: the next chunk comes when the consumer pulls again.
            req.pause();
            try {
              if (this.#count(chunk)) controller.enqueue(chunk);
              else
                controller.error(new RangeError(`the request body is over ${this.#limit} bytes`));
            } catch {
              // The stream was cancelled or errored: nobody reads this body any more.
            }
          });
          req.once('end', () => {
            try {
              controller.close();
            } catch {
              // Already errored or cancelled.
            }
          });
          req.once('error', (error) => controller.error(error));
        },
        pull: () => {
          req.resume();
        },
      },
      { highWaterMark: 0 },
    );
  }

  /**
   * Reads and drops what the emulator did not read, so that the next request on a keep-alive
   * connection can be parsed; past the limit, the connection is destroyed instead.
   */
  discardRest(): void {
    const req = this.#req;
    if (req.complete || this.#tooLarge) return;
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      if (!this.#count(chunk)) req.socket.destroy();
    });
    req.resume();
  }

  #count(chunk: Buffer): boolean {
    this.#received += chunk.length;
    if (this.#received > this.#limit) this.#tooLarge = true;
    return !this.#tooLarge;
  }
}

/**
 * Builds the Fetch API request for the emulator.
 *
 * @param req - The node:http request.
 * @param url - The absolute URL (the dev server's origin and the request's path).
 * @param body - The request's body.
 * @param signal - Aborted when the client goes away or the server closes.
 * @returns The request.
 * @throws TypeError if `new Request` refuses the URL or the method.
 * @internal
 */
export function toFetchRequest(
  req: IncomingMessage,
  url: string,
  body: CappedBody,
  signal: AbortSignal,
): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    // Pseudo-headers and hop-by-hop fields mean nothing to the emulator and some are forbidden.
    if (name.startsWith(':') || /^(connection|keep-alive|transfer-encoding)$/i.test(name)) continue;
    headers.append(name, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD' && body.present;
  // `duplex` is required by Node's fetch for a stream body; lib.dom's RequestInit lacks it.
  const init: RequestInit & { duplex?: 'half' } = {
    method,
    headers,
    signal,
    ...(hasBody ? { body: body.stream(), duplex: 'half' } : {}),
  };
  return new Request(url, init);
}
