/**
 * RFC 6750 §2.1 credentials: `"Bearer" 1*SP b64token`, the scheme in any case, and nothing else:
 * no leading or trailing whitespace, no tab, no second token, no auth-params. (`1*SP` is the RFC's
 * grammar, so `Bearer  abc` is accepted; RFC 9110 §11.4 writes credentials the same way.)
 */
const BEARER_CREDENTIALS = /^[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * Reads the access token of an `Authorization` header value, strictly. Anything that is not
 * exactly one Bearer token (another scheme, an empty token, two tokens, a comma-joined repeat
 * of the header, characters outside the b64token set) gives `undefined`, which MobileFirst
 * answers as a missing token: `401 WWW-Authenticate: Bearer`.
 *
 * The token is only ever read as an opaque string: nothing in it (a JWT's claims, a key in its
 * header) is trusted; only the introspection endpoint says whether it is valid.
 *
 * @param header - The header value (`req.headers.authorization`, `request.headers.get(…)`);
 *   anything but a string gives `undefined`.
 * @returns The token, or `undefined`.
 * @example
 * ```ts
 * parseBearerAuthorization('bearer eyJhbGciOi…'); // 'eyJhbGciOi…'
 * parseBearerAuthorization('Bearer a b');          // undefined
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export function parseBearerAuthorization(header: unknown): string | undefined {
  if (typeof header !== 'string') return undefined;
  return BEARER_CREDENTIALS.exec(header)?.[1];
}
