/**
 * Small Fetch-API helpers shared by the emulator's endpoints: JSON answers, OAuth error bodies,
 * form bodies, HTTP Basic credentials and Bearer challenges.
 *
 * @module
 * @internal
 */

/**
 * A JSON response.
 *
 * @param status - HTTP status.
 * @param body - Value to serialize.
 * @param headers - Extra headers.
 * @returns The response.
 */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * An RFC 6749 §5.2 error answer, `Cache-Control: no-store` as §5.1 asks of the token endpoint.
 *
 * @param status - HTTP status.
 * @param error - OAuth error code.
 * @param description - `error_description`.
 * @param headers - Extra headers.
 * @returns The response.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function oauthError(
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(
    status,
    { error, error_description: description },
    { 'cache-control': 'no-store', pragma: 'no-cache', ...headers },
  );
}

/** The media type of a request, lower case, without parameters; `''` when absent. */
export function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Reads an `application/x-www-form-urlencoded` body.
 *
 * @param request - The request.
 * @returns The parameters, or `undefined` if the body has another media type.
 */
export async function readForm(request: Request): Promise<URLSearchParams | undefined> {
  if (mediaType(request) !== 'application/x-www-form-urlencoded') return undefined;
  return new URLSearchParams(await request.text());
}

/** An ID (or user name) and a secret read from an `Authorization: Basic` header. */
export interface BasicCredentials {
  readonly id: string;
  readonly secret: string;
}

/**
 * Decodes `Authorization: Basic …`.
 *
 * @param header - The Authorization header value.
 * @returns The credentials, or `undefined` if the header is not a well-formed Basic header.
 * @see https://www.rfc-editor.org/rfc/rfc7617
 */
export function parseBasicAuth(header: string | null): BasicCredentials | undefined {
  const match = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  let decoded: string;
  try {
    decoded = atob(match[1]!);
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * Reads the token of `Authorization: Bearer …`.
 *
 * @param header - The Authorization header value.
 * @returns The token, or `undefined` if there is no Bearer token.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
export function parseBearer(header: string | null): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Formats a `WWW-Authenticate: Bearer` challenge exactly as MobileFirst writes it: bare `Bearer`
 * when no parameter is given, otherwise `Bearer error="…"` and `, scope="…"`.
 *
 * @param error - The error code, if any.
 * @param scope - The scope to announce, if any.
 * @returns The header value.
 */
export function bearerChallenge(error?: string, scope?: string): string {
  if (error === undefined) return 'Bearer';
  return scope === undefined
    ? `Bearer error="${error}"`
    : `Bearer error="${error}", scope="${scope}"`;
}

/** Whether two strings are equal, in time independent of where they differ. */
export function safeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  }
  return diff === 0;
}
