import { cancelBody } from '../util/cancel-body.js';
import type { Exchange } from './exchange.js';

/** The redirect statuses `fetch` follows. */
export const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** As many as `fetch` follows. */
const MAX_REDIRECTS = 20;

const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];

/** Where a chain of redirects ended. */
export interface Followed {
  /** The final response. */
  readonly response: Response;
  /**
   * The final URL when it is on another origin than the request the caller made (no token went
   * there, so its 401/403 is not about our token); `undefined` otherwise.
   */
  readonly foreign: URL | undefined;
}

/**
 * Follows redirects by hand, as `fetch` would (303 and POST-on-301/302 turn into GET, at most 20
 * hops, `http:`/`https:` targets only), but the token goes only to hops on the origin of the
 * request the caller made, whatever the `fetch` implementation would do. What the caller set
 * besides method, headers and body (dispatcher, keepalive, cache…) travels with every hop.
 *
 * @param fetchImpl - The `fetch` to send hops with.
 * @param exchange - The request.
 * @param first - Its first response, a redirect.
 * @param sendInit - What the first send was made with.
 * @param authorize - Puts the token (and, for a DPoP token, a proof for this hop's method and URL)
 *   on the headers of a same-origin hop.
 * @returns The final response and, if it is on another origin, its URL.
 * @throws {TypeError} After 20 hops, or on a redirect to another scheme (as `fetch` does).
 */
export async function followRedirects(
  fetchImpl: typeof fetch,
  exchange: Exchange,
  first: Response,
  sendInit: RequestInit,
  authorize: (headers: Headers, method: string, url: URL) => void | Promise<void>,
): Promise<Followed> {
  const { prepared, input, target, signal } = exchange;
  const { url } = target;
  let response = first;
  let current = url;
  let method = prepared.method;
  let body = sendInit.body;
  const {
    body: _body,
    headers: _headers,
    duplex: _duplex,
    ...base
  } = (
    input instanceof Request ? { ...requestOptions(input), ...sendInit } : sendInit
  ) as RequestInit & { duplex?: 'half' };
  let foreign = false;
  let hop = 0;
  for (; REDIRECTS.has(response.status); hop++) {
    const location = response.headers.get('location');
    if (location === null) break;
    if (hop >= MAX_REDIRECTS) {
      cancelBody(response);
      throw new TypeError(
        `confidential-client: more than ${MAX_REDIRECTS} redirects from ${target.resource}`,
      );
    }
    const next = new URL(location, current);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      // What fetch does too: a redirect may only lead to another HTTP(S) URL.
      cancelBody(response);
      throw new TypeError(
        `confidential-client: ${target.resource} redirected to a ${next.protocol} URL; only http: and https: redirects are followed.`,
      );
    }
    const status = response.status;
    if (
      status === 303 ? method !== 'HEAD' : (status === 301 || status === 302) && method === 'POST'
    ) {
      method = 'GET';
      body = undefined;
    } else if (body !== undefined && body !== null && !prepared.replayable) {
      break; // A one-shot body cannot be sent again; let the caller see the redirect.
    }
    cancelBody(response);
    const hopHeaders = prepared.headers();
    if (body === undefined || body === null) {
      for (const name of BODY_HEADERS) hopHeaders.delete(name);
    }
    // Same origin as the request the caller made: the token goes along; any other: it does not.
    foreign = next.origin !== url.origin;
    if (!foreign) await authorize(hopHeaders, method, next);
    const hopInit: RequestInit & { duplex?: 'half' } = {
      ...base,
      method,
      headers: hopHeaders,
      redirect: 'manual',
    };
    const hopBody =
      body === undefined || body === null ? undefined : prepared.build(hopHeaders)[1].body;
    if (hopBody !== undefined && hopBody !== null) {
      hopInit.body = hopBody;
      if (hopBody instanceof ReadableStream) hopInit.duplex = 'half';
    }
    if (signal !== undefined) hopInit.signal = signal;
    response = await fetchImpl(next.href, hopInit);
    current = next;
  }
  // As fetch reports it for a redirected response.
  if (hop > 0) Object.defineProperty(response, 'redirected', { value: true });
  return { response, foreign: foreign ? current : undefined };
}

/** The options of a `Request` that fetch would apply to a redirect hop. */
function requestOptions(request: Request): RequestInit {
  return {
    cache: request.cache,
    credentials: request.credentials,
    integrity: request.integrity,
    keepalive: request.keepalive,
    mode: request.mode,
    referrer: request.referrer,
    referrerPolicy: request.referrerPolicy,
  };
}
