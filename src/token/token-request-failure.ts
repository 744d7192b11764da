import { isCertificateFailure, isNetworkError } from '../errors/network-error.js';
import { isTimeoutError } from '../errors/timeout-error.js';
import {
  isTokenRequestError,
  TokenRequestError,
  type TokenRequestErrorDetails,
} from '../errors/token-request-error.js';
import { formatScope } from '../scope.js';
import { cancelBody } from '../util/cancel-body.js';
import { parseRetryAfter } from '../util/parse-retry-after.js';
import { readBodyText, TOO_LARGE } from '../util/read-body-text.js';
import { redact } from '../util/redact.js';

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Hints appended to RFC 6749 §5.2 error codes: what the user should check. */

const HINTS: Record<string, string> = {
  invalid_client:
    'Check clientId and clientSecret, and that the client is registered on the server.',
  invalid_scope:
    "The client's allowed scope does not cover the requested scope; widen it on the server or request less.",
  unauthorized_client:
    'This client may not use the client_credentials grant; check its registration.',
  unsupported_grant_type:
    'The server does not accept the client_credentials grant at this endpoint.',
  invalid_request:
    'The server rejected the request format; check tokenParams and clientAuthentication.',
  invalid_dpop_proof:
    "The server rejected the DPoP proof; check the dpop key and alg (the server's dpop_signing_alg_values_supported) and this machine's clock.",
  use_dpop_nonce:
    'The server kept asking for a DPoP nonce after the client sent the one it gave; check for a proxy that drops the DPoP-Nonce header.',
};

const MAX_ERROR_BODY_BYTES = 65_536;

/** Options of one {@link TokenEndpoint.request} call. */

/** What {@link tokenRequestFailure} needs besides the answer. */
export interface FailureContext {
  /** The token endpoint URL, for messages. */
  readonly tokenUrl: string;
  /** The scope requested, for an `invalid_scope` message. */
  readonly scope: readonly string[];
  /** The clock, for an HTTP-date `Retry-After`. */
  readonly now: () => number;
  /** Every form of the secret, scrubbed from every text field. */
  readonly secrets: readonly string[];
  /** Aborts reading the error body (the attempt timed out or the client closed). */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Turns a failed token endpoint answer into a {@link TokenRequestError}, classified in a fixed
 * order: redirect → retryable status → RFC 6749 §5.2 error body → `WWW-Authenticate` challenge →
 * generic HTTP error. Reads at most 64 KiB of the body.
 *
 * @param response - A non-2xx answer.
 * @param context - URL, scope, clock and secrets.
 * @returns The error, every text field of it scrubbed of the secret.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export async function tokenRequestFailure(
  response: Response,
  context: FailureContext,
): Promise<TokenRequestError> {
  const { status } = response;
  const url = context.tokenUrl;
  const wwwAuthenticate = response.headers.get('www-authenticate') ?? undefined;
  // Every text field is scrubbed the same way: a server may echo the secret anywhere, and the
  // error travels to logs, hooks, `inspect` and JSON.
  const scrub = (text: string | undefined) =>
    text === undefined ? undefined : redact(text, context.secrets);
  const make = (message: string, extra: Partial<TokenRequestErrorDetails> = {}) =>
    new TokenRequestError(scrub(message) as string, {
      status,
      response,
      ...extra,
      error: scrub(extra.error),
      errorDescription: scrub(extra.errorDescription),
      errorUri: scrub(extra.errorUri),
      wwwAuthenticate: scrub(wwwAuthenticate),
    });

  if (status >= 300 && status < 400) {
    cancelBody(response);
    const location = response.headers.get('location');
    return make(
      `the token endpoint ${url} redirected (${status}${location ? ` to ${location}` : ''}); credentials are never sent on a redirect, so set tokenUrl to the final URL.`,
    );
  }

  let text: string | typeof TOO_LARGE = '';
  try {
    text = await readBodyText(response, MAX_ERROR_BODY_BYTES, context.signal);
  } catch {
    // An unreadable body leaves the status to speak.
  }
  const oauth = text === TOO_LARGE ? undefined : parseOAuthError(text);

  if (RETRYABLE_STATUSES.has(status)) {
    return make(
      `the token endpoint ${url} answered ${status}${oauth ? ` (${oauth.error})` : ''}; the server is unavailable or overloaded.`,
      {
        ...oauth,
        retryAfter: parseRetryAfter(response.headers.get('retry-after'), context.now()),
      },
    );
  }
  if (oauth !== undefined) {
    const description = oauth.errorDescription ? `: ${oauth.errorDescription}` : '';
    const scopeNote =
      oauth.error === 'invalid_scope' ? ` (requested scope: "${formatScope(context.scope)}")` : '';
    return make(
      `the token endpoint refused the request with ${status} ${oauth.error}${description}${scopeNote}. ${HINTS[oauth.error] ?? ''}`.trimEnd(),
      oauth,
    );
  }
  if (status === 401) {
    return make(
      `the token endpoint answered 401 (${wwwAuthenticate ?? 'no challenge'}). ${HINTS.invalid_client}`,
      {
        error: 'invalid_client',
      },
    );
  }
  return make(
    `the token endpoint ${url} answered HTTP ${status}; check serverUrl, runtime and tokenUrl${status === 404 ? ' (404: no token endpoint there)' : ''}.`,
  );
}

/**
 * Whether a token-request failure is worth another attempt: a network error, a timeout, or a
 * {@link RETRYABLE_STATUSES} status.
 *
 * @param error - What the attempt threw.
 * @returns Whether to retry.
 */
export function isRetryable(error: unknown): boolean {
  // A certificate the runtime refuses is refused again on every retry.
  if (isNetworkError(error)) return !isCertificateFailure(error.causeCode);
  if (isTimeoutError(error)) return true;
  return isTokenRequestError(error) && RETRYABLE_STATUSES.has(error.status);
}

/**
 * Reads an RFC 6749 §5.2 error body, if `text` is one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
function parseOAuthError(
  text: string,
):
  | { error: string; errorDescription: string | undefined; errorUri: string | undefined }
  | undefined {
  if (text === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const body = json as { error?: unknown; error_description?: unknown; error_uri?: unknown } | null;
  if (
    typeof body !== 'object' ||
    body === null ||
    typeof body.error !== 'string' ||
    body.error === ''
  )
    return undefined;
  return {
    error: body.error.slice(0, 100),
    errorDescription:
      typeof body.error_description === 'string' ? body.error_description.slice(0, 500) : undefined,
    errorUri: typeof body.error_uri === 'string' ? body.error_uri.slice(0, 500) : undefined,
  };
}
