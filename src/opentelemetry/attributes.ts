/**
 * What the OpenTelemetry instruments and spans say about a token request: the server it went to
 * and how it ended, in the names of the OpenTelemetry semantic conventions where they have one
 * (`server.address`, `url.full`, `error.type`, `http.response.status_code`) and under
 * `confidential_client.` where they do not. Nothing here ever holds a secret or a token.
 *
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/
 * @module
 */
import {
  isNetworkError,
  isTimeoutError,
  isTokenRequestError,
  isTokenResponseError,
} from 'confidential-client';

/** How one token request (or one acquisition) ended: the `confidential_client.outcome` values. */
export type Outcome =
  | 'success'
  | 'error_response'
  | 'invalid_response'
  | 'network_error'
  | 'timeout'
  | 'cancelled';

/** The classification of a failure. */
export interface Failure {
  readonly outcome: Exclude<Outcome, 'success'>;
  /** `error.type`: the HTTP status as a string, or the error's class. */
  readonly errorType: string;
  /** The OAuth `error` code of the answer (RFC 6749 §5.2), or `_OTHER` for one not registered. */
  readonly oauthError: string | undefined;
}

/**
 * OAuth error codes an answer may carry (RFC 6749 §5.2, RFC 8707, RFC 9449, and the common
 * `server_error`/`temporarily_unavailable`): any other becomes `_OTHER`, so that a server cannot
 * make the metric's attribute values grow without bound.
 */
const OAUTH_ERRORS = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'invalid_dpop_proof',
  'use_dpop_nonce',
  'access_denied',
  'server_error',
  'temporarily_unavailable',
]);

/**
 * @param error - What a token request failed with (as `onTokenResponse` and `onError` see it).
 * @returns Its outcome, `error.type` and OAuth error code.
 */
export function classifyFailure(error: unknown): Failure {
  if (isTokenRequestError(error)) {
    const code = error.error;
    return {
      outcome: 'error_response',
      errorType: String(error.status),
      oauthError: code === undefined ? undefined : OAUTH_ERRORS.has(code) ? code : '_OTHER',
    };
  }
  const named = (outcome: Failure['outcome'], errorType: string): Failure => ({
    outcome,
    errorType,
    oauthError: undefined,
  });
  if (isTokenResponseError(error)) return named('invalid_response', error.name);
  if (isTimeoutError(error)) return named('timeout', error.name);
  if (isNetworkError(error)) return named('network_error', error.name);
  // The client was closed (ClientClosedError), or another abort reason.
  return named('cancelled', error instanceof Error ? error.name : '_OTHER');
}

/** The semantic-convention attributes of a token endpoint URL. */
export interface ServerAttributes {
  readonly 'server.address': string;
  readonly 'server.port': number;
  readonly 'url.full': string;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'https:': 443, 'http:': 80 };

/**
 * `server.address`, `server.port` and `url.full` of a token URL. `url.full` never carries
 * credentials: user information becomes `REDACTED:REDACTED` and every query value `REDACTED`
 * (a gateway's key travels there; the conventions name a few such keys, a token URL has no other
 * use for a query), and the fragment is dropped.
 *
 * @param tokenUrl - The token endpoint URL.
 * @returns The attributes.
 * @see https://opentelemetry.io/docs/specs/semconv/registry/attributes/url/
 */
export function serverAttributes(tokenUrl: string): ServerAttributes {
  const url = new URL(tokenUrl);
  if (url.username !== '' || url.password !== '') {
    url.username = 'REDACTED';
    url.password = 'REDACTED';
  }
  if (url.search !== '') {
    const redacted = new URLSearchParams();
    for (const key of url.searchParams.keys()) redacted.append(key, 'REDACTED');
    url.search = redacted.toString();
  }
  url.hash = '';
  return {
    'server.address': url.hostname.replace(/^\[(.*)\]$/, '$1'),
    'server.port': url.port === '' ? (DEFAULT_PORTS[url.protocol] ?? 0) : Number(url.port),
    'url.full': url.href,
  };
}
