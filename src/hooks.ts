import type { AccessToken } from './token/access-token.js';

/** Passed to {@link Hooks.onTokenRequest} before each HTTP request to the token endpoint. */
export interface TokenRequestEvent {
  /** The token endpoint URL. */
  tokenUrl: string;
  /** The scope requested (sorted elements; `[]` when none is sent). */
  scope: readonly string[];
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /**
   * How many HTTP requests this token request sent before this one: retries, and the request
   * sent again with a server's DPoP nonce (OpenTelemetry's `http.request.resend_count`).
   */
  resend: number;
  /** Whether this request renews a token that is still valid (a background refresh). */
  background: boolean;
}

/**
 * Passed to {@link Hooks.onTokenResponse} when an HTTP request to the token endpoint has ended,
 * one for each {@link Hooks.onTokenRequest}.
 */
export interface TokenResponseEvent {
  /** The very object {@link Hooks.onTokenRequest} received for this request (a key for a span). */
  request: TokenRequestEvent;
  /** The HTTP status, when an answer came. */
  status: number | undefined;
  /**
   * Why this request failed (as `onRetry`/`onError` see it): `TokenRequestError`,
   * `TokenResponseError`, `NetworkError`, `TimeoutError`, or the client's `ClientClosedError`.
   * `undefined`: it brought a token.
   */
  error: unknown;
}

/** Passed to {@link Hooks.onCacheLookup} each time a token is looked up for a caller. */
export interface CacheLookupEvent {
  /** The scope looked up. */
  scope: readonly string[];
  /** Whether a valid token answered at once (counted as `stats().cacheHits`, else `cacheMisses`). */
  hit: boolean;
}

/** Passed to {@link Hooks.onRefresh} when a background refresh of a still-valid token starts. */
export interface RefreshEvent {
  /** The scope being renewed. */
  scope: readonly string[];
}

/**
 * Passed to {@link Hooks.onReauthentication} and {@link Hooks.onStepUp} when `client.fetch`
 * replays a request with a new token.
 */
export interface ReplayEvent {
  /** The resource that rejected the token: origin and path, without the query. */
  resource: string;
  /** The scope of the new token (for a step-up, the union of the old and the required scope). */
  scope: readonly string[];
  /** The status of the response that caused the replay (`401` to re-authenticate, `403` to step up). */
  status: number;
}

/** Passed to {@link Hooks.onToken} for each new token. */
export interface TokenEvent {
  /** The new token; its `toJSON`/`inspect` never show the token itself. */
  token: AccessToken;
  /** The scope requested. */
  scope: readonly string[];
  /** Whether it renewed a token that was still valid (a background refresh). */
  background: boolean;
}

/** Passed to {@link Hooks.onRetry} before waiting for the next attempt. */
export interface RetryEvent {
  /** The attempt that failed (1 = the first). */
  attempt: number;
  /** How many retries are left. */
  retriesLeft: number;
  /** Why it failed. */
  error: unknown;
  /** The scope requested. */
  scope: readonly string[];
}

/** Passed to {@link Hooks.onError} when getting a token finally failed. */
export interface ErrorEvent {
  /** The error, as callers receive it. */
  error: unknown;
  /** The scope requested. */
  scope: readonly string[];
  /**
   * `true` when a background refresh failed: callers keep getting the current, still valid
   * token, and the refresh is tried again with backoff.
   */
  background: boolean;
}

/**
 * Callbacks for observability (metrics, tracing, alerts). A hook that throws is logged and
 * otherwise ignored: it never breaks a token request. Hooks run synchronously; keep them quick.
 * Each one mirrors a counter of `client.stats()`. The `hooks` option also takes a list of these
 * objects (your own next to `openTelemetryHooks()` from `confidential-client/opentelemetry`).
 */
export interface Hooks {
  /** Before each HTTP request to the token endpoint (each retry too): `stats().tokenRequests`. */
  onTokenRequest?: (event: TokenRequestEvent) => void;
  /** When that request has ended, with a token or with an error. */
  onTokenResponse?: (event: TokenResponseEvent) => void;
  /** Each cache lookup for a caller: `stats().cacheHits` / `cacheMisses`. */
  onCacheLookup?: (event: CacheLookupEvent) => void;
  /** A background refresh starts: `stats().refreshes`. */
  onRefresh?: (event: RefreshEvent) => void;
  /** `client.fetch` replays after a `401` with a new token: `stats().reauthentications`. */
  onReauthentication?: (event: ReplayEvent) => void;
  /** `client.fetch` replays after a `403 insufficient_scope` with a wider scope: `stats().stepUps`. */
  onStepUp?: (event: ReplayEvent) => void;
  /** After a new token has been received and cached. */
  onToken?: (event: TokenEvent) => void;
  /** After a failed attempt, before the retry. */
  onRetry?: (event: RetryEvent) => void;
  /** When getting a token failed for good (or a background refresh failed): `stats().failures`. */
  onError?: (event: ErrorEvent) => void;
}
