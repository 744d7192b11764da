/** The body was larger than the limit; what was read is discarded and the rest cancelled. */
export const TOO_LARGE = Symbol('too large');

/**
 * Reads a response body as UTF-8 text, but no more than `limit` bytes of it. The bytes counted are
 * those the body stream yields, that is after `Content-Encoding` is undone, so a small gzip body
 * that inflates past the limit is stopped as soon as it does.
 *
 * A `Content-Length` above the limit is refused before a byte is read.
 *
 * @param response - The response whose body to read.
 * @param limit - The most bytes read.
 * @param signal - Aborts the read (the body is cancelled). A `fetch` is meant to abort its body
 *   when the request's signal fires, but mocks and some implementations do not: a body that
 *   stops mid-way would then hang the read past any timeout.
 * @returns The text, or {@link TOO_LARGE} (the body is cancelled then).
 * @throws Whatever reading the body throws (a reset connection, an abort: the signal's reason).
 */
export async function readBodyText(
  response: Response,
  limit: number,
  signal?: AbortSignal,
): Promise<string | typeof TOO_LARGE> {
  const body = response.body;
  if (body === null) return '';
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) {
    // Not awaited: some mocks never settle a cancel (mswjs/interceptors#799).
    body.cancel().catch(() => undefined);
    return TOO_LARGE;
  }
  signal?.throwIfAborted();
  const reader = body.getReader();
  // Cancelling the reader settles its pending read (with done), and the loop then throws.
  const cancel = () => reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) return text + decoder.decode();
      size += value.byteLength;
      if (size > limit) {
        reader.cancel().catch(() => undefined);
        return TOO_LARGE;
      }
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}
