import type { AccessToken } from './token/access-token.js';

/** Passed to {@link Hooks.onTokenRequest} before each HTTP request to the token endpoint. */
export interface TokenRequestEvent {
  /** The token endpoint URL. */
  tokenUrl: string;
  /** The scope requested (sorted elements; `[]` when none is sent). */
  scope: readonly string[];
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
  /** Whether this request renews a token that is still valid (a background refresh). */
  background: boolean;
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
 */
export interface Hooks {
  /** Before each HTTP request to the token endpoint (each retry too). */
  onTokenRequest?: (event: TokenRequestEvent) => void;
  /** After a new token has been received and cached. */
  onToken?: (event: TokenEvent) => void;
  /** After a failed attempt, before the retry. */
  onRetry?: (event: RetryEvent) => void;
  /** When getting a token failed for good (or a background refresh failed). */
  onError?: (event: ErrorEvent) => void;
}
