/**
 * Over 300 lines on purpose: every body kind `fetch` accepts, how each is made replayable, and the
 * bounded stream reader they share are one table of cases, best read together.
 *
 * Makes a `fetch` request sendable more than once, so the authorized fetch can replay it after a
 * `401`/`403` (and resend it on a `307`/`308` redirect it follows itself).
 *
 * What each body kind costs:
 * | body | replayable | how |
 * |---|---|---|
 * | none (GET, HEAD…) | yes | nothing is copied or read |
 * | `string`, `Blob`/`File`, `URLSearchParams`, `ArrayBuffer`, typed array, `DataView` | yes | the same object is handed to every send; `fetch` extracts (copies) it each time, so each send carries the same bytes and content type |
 * | `FormData` | yes | handed to every send; `fetch` writes a new multipart boundary each time, always together with a matching `content-type` |
 * | `ReadableStream`, async iterable (Node `Readable`) | up to `maxBufferedBytes` | read into memory before the first send; past the limit the request is sent once, with the bytes already read followed by the rest of the stream |
 * | `Request` with a body | up to `maxBufferedBytes` | its body is read once into memory (its `content-type`, FormData boundary included, stays in its headers) |
 *
 * Mutating a body object (a buffer, a `URLSearchParams`) between the first send and a replay changes
 * what the replay sends: hand `fetch` a body you no longer touch.
 *
 * @see https://fetch.spec.whatwg.org/#concept-bodyinit-extract
 * @module
 */

import { defaults } from '../options/defaults.js';
/** `RequestInit` as Node's fetch (undici) reads it: `duplex` is needed for a stream body. */
export type ReplayableRequestInit = RequestInit & { duplex?: 'half' };

/** Why a request can be sent only once. */
export type NotReplayableReason =
  /** The stream body is larger than `maxBufferedBytes`. */
  | 'body-too-large'
  /** Reading the stream body failed; the first send reproduces the failure. */
  | 'body-stream-error'
  /** The stream yielded a chunk `fetch` will reject, or the body is of a kind this module does not know. */
  | 'unsupported-body'
  /** The `Request` body was already read by someone else; `fetch` will reject it. */
  | 'body-used';

/** Options of {@link prepareReplayableRequest}. */
export interface ReplayableRequestOptions {
  /**
   * The most bytes of a stream body (or of a `Request` body) held in memory to allow a replay.
   * Larger bodies are sent once, unbuffered past this prefix.
   * @default defaults.maxReplayBodyBytes (1 MiB), the client's `replay.maxBodyBytes` default
   */
  readonly maxBufferedBytes?: number;
}

/** A request, ready to be handed to `fetch` once, or any number of times when `replayable`. */
export interface ReplayableRequest {
  /** The request URL as given (`Request.url`, `URL.href` or the string). */
  readonly url: string;
  /** The method, normalized as `fetch` does (`post` → `POST`; extension methods keep their case). */
  readonly method: string;
  /** Whether {@link ReplayableRequest.build} may be called more than once. */
  readonly replayable: boolean;
  /** Why the request is not replayable; absent when it is. */
  readonly reason?: NotReplayableReason;
  /**
   * A fresh, mutable copy of the headers the request carries (`init.headers`, or the `Request`'s),
   * for the caller to add `Authorization` to. Each call returns a new copy.
   */
  headers(): Headers;
  /**
   * The arguments of one `fetch` call sending `headers` and a fresh copy of the body.
   * @param headers - The headers to send (usually from {@link ReplayableRequest.headers}).
   * @returns `[input, init]` for `fetch(input, init)`.
   * @throws {Error} When the request is not replayable and was already built once.
   */
  build(headers: Headers): [input: string | URL | Request, init: ReplayableRequestInit];
}

type Input = RequestInfo | URL;

// Standard methods fetch uppercases (Fetch §2.2.1 "normalize a method"); others keep their case.
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

function tag(value: object): string {
  return Object.prototype.toString.call(value);
}

function isRequest(input: Input): input is Request {
  return typeof input === 'object' && !(input instanceof URL) && tag(input) === '[object Request]';
}

/** Body kinds `fetch` extracts afresh on every call: the same object can be sent again. */
function isReusableBody(body: object): boolean {
  if (ArrayBuffer.isView(body)) return true;
  switch (tag(body)) {
    case '[object ArrayBuffer]':
    case '[object SharedArrayBuffer]':
    case '[object Blob]':
    case '[object File]':
    case '[object FormData]':
    case '[object URLSearchParams]':
      return true;
    default:
      return false;
  }
}

/**
 * The synchronous fast path of {@link prepareReplayableRequest}: for a URL input whose body needs
 * no reading (none, a string, bytes, a Blob, `URLSearchParams`, `FormData`), the prepared request
 * without a promise. `undefined` for `Request` inputs and stream bodies: use
 * {@link prepareReplayableRequest}.
 *
 * @param input - The request's URL.
 * @param init - Request options.
 * @returns The prepared request, or `undefined` when the body must be read first.
 */
export function prepareReplayableRequestSync(
  input: Input,
  init?: ReplayableRequestInit,
): ReplayableRequest | undefined {
  if (isRequest(input)) return undefined;
  const body = init?.body;
  if (body === undefined || body === null || typeof body === 'string' || isReusableBody(body)) {
    const url = typeof input === 'string' ? input : input.href;
    return new Prepared(
      url,
      init?.method === undefined ? 'GET' : normalizeMethod(init.method),
      input,
      init,
      init?.headers,
      undefined,
    );
  }
  return undefined;
}

/**
 * Prepares a request so that it can be sent again after a `401`/`403` or a `307`/`308`.
 *
 * Takes the arguments of `fetch` unchanged. A `Request` combined with a non-empty `init` is first
 * merged as `fetch` would (`new Request(input, init)`). Stream bodies are read up to
 * `maxBufferedBytes` before this resolves; nothing else is read or copied, and a bodiless request
 * costs one small object.
 *
 * @param input - What `fetch` takes as its first argument.
 * @param init - What `fetch` takes as its second argument; never mutated.
 * @param options - `maxBufferedBytes`.
 * @returns The prepared request. The caller sends `fetch(...prepared.build(headers))`, and replays
 *   only when `prepared.replayable`.
 * @throws {RangeError} If `maxBufferedBytes` is negative or not a number.
 * @throws {TypeError} Where `new Request(input, init)` would, for a `Request` with an `init`.
 * @throws {DOMException} `init.signal`'s reason if it aborts while a stream body is read.
 * @example
 * ```ts
 * const prepared = await prepareReplayableRequest(input, init);
 * const headers = prepared.headers();
 * headers.set('authorization', `Bearer ${token}`);
 * let res = await fetch(...prepared.build(headers));
 * if (res.status === 401 && prepared.replayable) {
 *   headers.set('authorization', `Bearer ${await newToken()}`);
 *   res = await fetch(...prepared.build(headers));
 * }
 * ```
 * @see https://fetch.spec.whatwg.org/#dom-request
 */
export async function prepareReplayableRequest(
  input: Input,
  init?: ReplayableRequestInit,
  options?: ReplayableRequestOptions,
): Promise<ReplayableRequest> {
  const limit = options?.maxBufferedBytes ?? defaults.maxReplayBodyBytes;
  if (!(limit >= 0)) {
    throw new RangeError(
      `confidential-client: maxBufferedBytes must be a number >= 0 (got ${String(limit)})`,
    );
  }
  if (isRequest(input)) {
    // fetch(request, init) sends new Request(request, init): do the same merge up front.
    const request =
      init !== undefined && Object.keys(init).length > 0 ? new Request(input, init) : input;
    return prepareFromRequest(request, limit);
  }
  const url = typeof input === 'string' ? input : input.href;
  const method = init?.method === undefined ? 'GET' : normalizeMethod(init.method);
  const body = init?.body;
  if (body === undefined || body === null || typeof body === 'string' || isReusableBody(body)) {
    return new Prepared(url, method, input, init, init?.headers, undefined);
  }
  const source = chunkSource(body);
  if (source === undefined) {
    return new Prepared(url, method, input, init, init?.headers, {
      reason: 'unsupported-body',
      body,
    });
  }
  const read = await readUpTo(source, limit, init?.signal ?? undefined);
  return new Prepared(url, method, input, init, init?.headers, read);
}

async function prepareFromRequest(request: Request, limit: number): Promise<ReplayableRequest> {
  const method = normalizeMethod(request.method);
  if (request.body === null) {
    return new Prepared(request.url, method, request, undefined, request.headers, undefined);
  }
  if (request.bodyUsed) {
    // Leave the request as it is: fetch rejects a used body with its own TypeError.
    return new Prepared(request.url, method, request, undefined, request.headers, {
      reason: 'body-used',
      body: undefined,
    });
  }
  const read = await readUpTo(streamSource(request.body), limit, request.signal);
  return new Prepared(request.url, method, request, undefined, request.headers, read);
}

/** The body for every send (`replayable`), or the one-shot body and why there is only one. */
type PreparedBody =
  | { readonly reason?: undefined; readonly body: Uint8Array<ArrayBuffer> }
  | { readonly reason: NotReplayableReason; readonly body: BodyInit | undefined };

class Prepared implements ReplayableRequest {
  readonly replayable: boolean;
  readonly reason?: NotReplayableReason;
  readonly #isRequest: boolean;
  #built = false;

  constructor(
    readonly url: string,
    readonly method: string,
    private readonly input: Input,
    private readonly init: ReplayableRequestInit | undefined,
    private readonly headerSource: HeadersInit | undefined,
    // undefined: send init's body (or the Request's) as it is, any number of times.
    private readonly prepared: PreparedBody | undefined,
  ) {
    this.#isRequest = isRequest(input);
    this.replayable = prepared?.reason === undefined;
    if (prepared?.reason !== undefined) this.reason = prepared.reason;
  }

  headers(): Headers {
    return new Headers(this.headerSource);
  }

  build(headers: Headers): [input: string | URL | Request, init: ReplayableRequestInit] {
    if (!this.replayable && this.#built) {
      throw new Error(
        `confidential-client: this request body can be sent only once (${this.reason}); do not replay it`,
      );
    }
    this.#built = true;
    // A Request input already carries everything but the headers (and a body we read out of it).
    const init: ReplayableRequestInit = this.#isRequest ? { headers } : { ...this.init, headers };
    const prepared = this.prepared;
    if (prepared !== undefined && prepared.body !== undefined) {
      init.body = prepared.body;
      // Node's fetch needs duplex for a stream body.
      if (prepared.body instanceof ReadableStream) init.duplex = 'half';
    }
    return [this.input, init];
  }
}

/** Pull-based reading of a stream body, whatever its kind. */
interface ChunkSource {
  next(): Promise<IteratorResult<unknown>>;
  cancel(reason: unknown): Promise<void>;
}

function chunkSource(body: object): ChunkSource | undefined {
  if (typeof (body as ReadableStream).getReader === 'function') {
    return streamSource(body as ReadableStream);
  }
  const iterate = (body as AsyncIterable<unknown>)[Symbol.asyncIterator];
  if (typeof iterate === 'function') {
    const iterator = iterate.call(body);
    return {
      next: () => iterator.next(),
      cancel: async (reason) => {
        await iterator.return?.(reason);
      },
    };
  }
  return undefined;
}

function streamSource(stream: ReadableStream): ChunkSource {
  const reader = stream.getReader();
  return {
    next: () => reader.read() as Promise<IteratorResult<unknown>>,
    cancel: (reason) => reader.cancel(reason),
  };
}

/**
 * A stream chunk as bytes, as Node's fetch (undici) accepts it: bytes, a string (UTF-8), any
 * ArrayBuffer view or ArrayBuffer; `undefined` for what it rejects. (The Fetch standard accepts
 * only `Uint8Array` chunks; runtimes that follow it reject the others on the first send already.)
 */
function toBytes(chunk: unknown): Uint8Array | undefined {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  if (ArrayBuffer.isView(chunk))
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  return undefined;
}

/**
 * Reads a stream body until it ends (→ one buffer, replayable) or until it passes `limit`, errors
 * or yields a chunk fetch rejects (→ a one-shot stream: the chunks read so far, then the rest).
 */
async function readUpTo(
  source: ChunkSource,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<PreparedBody> {
  signal?.throwIfAborted();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const onAbort = () => {
    source.cancel(signal?.reason).catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      let result: IteratorResult<unknown>;
      try {
        result = await source.next();
      } catch (error) {
        signal?.throwIfAborted();
        return { reason: 'body-stream-error', body: resume(chunks, undefined, source, error) };
      }
      signal?.throwIfAborted();
      if (result.done) return { body: concat(chunks, size) };
      const bytes = toBytes(result.value);
      if (bytes === undefined) {
        return { reason: 'unsupported-body', body: resume(chunks, result.value, source) };
      }
      chunks.push(bytes);
      size += bytes.byteLength;
      if (size > limit)
        return { reason: 'body-too-large', body: resume(chunks, undefined, source) };
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  // One chunk (the common case for small streams) is sent as it is: fetch copies it on each send.
  if (chunks.length === 1) return chunks[0] as Uint8Array<ArrayBuffer>;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const NO_ERROR = Symbol('no error');

/**
 * A stream that yields the chunks already read, then `pending` (a chunk fetch will reject, passed
 * on as it is), then the rest of the source, or fails with the error the source failed with.
 */
function resume(
  prefix: Uint8Array[],
  pending: unknown,
  source: ChunkSource,
  error: unknown = NO_ERROR,
): ReadableStream {
  const queue: unknown[] = pending === undefined ? prefix : [...prefix, pending];
  let index = 0;
  return new ReadableStream(
    {
      async pull(controller) {
        if (index < queue.length) {
          controller.enqueue(queue[index]);
          // Let the chunk go as soon as it is handed on.
          queue[index++] = undefined;
          return;
        }
        if (error !== NO_ERROR) {
          controller.error(error);
          return;
        }
        const result = await source.next();
        if (result.done) {
          controller.close();
          return;
        }
        controller.enqueue(toBytes(result.value) ?? result.value);
      },
      cancel: (reason) => source.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}
