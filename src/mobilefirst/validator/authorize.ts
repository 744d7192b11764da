/**
 * The framework-agnostic core of the middleware: from an `Authorization` header to either the
 * introspection data or the complete answer to send (status, headers, small JSON body). Every
 * adapter (node:http, Express, Fastify, fetch-style) is a few lines over it. No `node:` import:
 * it runs wherever `fetch` does.
 *
 * @module
 */

import type { Logger } from 'confidential-client';
import type { IntrospectionData } from './introspection-data.js';
import { isIntrospectionError } from './introspection-error.js';
import type { ValidationError, ValidationResult } from './validation-result.js';

/** Checks one header against the scope the middleware was made for. @internal */
export type CheckAuthorization = (authorization: unknown) => Promise<ValidationResult>;

/** A refused request: the complete answer. */
export interface Denial {
  readonly ok: false;
  /** 401, 403, 409, or 503 when the token could not be checked. */
  readonly status: 401 | 403 | 409 | 503;
  /**
   * Headers, names in lower case: `content-type`, `cache-control: no-store`, and
   * `www-authenticate` (401/403) or `mfp-conflict: true` (409).
   */
  readonly headers: Readonly<Record<string, string>>;
  /** `{"error":"…","error_description":"…"}`. */
  readonly body: string;
}

/**
 * The middleware's decision: go on with the data, or answer with a {@link Denial}. What
 * {@link TokenValidator.authorize} returns, to write an adapter for another framework.
 */
export type AuthorizationDecision =
  | { readonly ok: true; readonly data: IntrospectionData }
  | Denial;

const DESCRIPTIONS: Record<ValidationError | 'temporarily_unavailable', string> = {
  missing_token: 'the request has no Authorization: Bearer token',
  invalid_token: 'the access token is invalid or expired',
  insufficient_scope: 'the access token lacks the scope this resource requires',
  conflict: 'the authorization server answered 409 Conflict; send the request again',
  temporarily_unavailable: 'the access token could not be checked; try again later',
};

function denial(
  status: Denial['status'],
  error: keyof typeof DESCRIPTIONS,
  headers: Readonly<Record<string, string>>,
): Denial {
  return {
    ok: false,
    status,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error, error_description: DESCRIPTIONS[error] }),
  };
}

/**
 * Decides on one request. Never rejects: an {@link IntrospectionError} (or anything else thrown
 * while checking) becomes `503` with `Cache-Control: no-store` and a body without details, and is
 * reported to the logger as a warning. Never "valid" on a failure, never a stack trace.
 *
 * @param check - The validator's check, bound to the required scope.
 * @param authorization - The request's `Authorization` header value.
 * @param logger - Where failures are reported, if anywhere.
 * @returns The decision.
 * @internal
 */
export async function authorize(
  check: CheckAuthorization,
  authorization: unknown,
  logger: Logger | undefined,
): Promise<AuthorizationDecision> {
  try {
    const result = await check(authorization);
    if (result.ok) return result;
    return denial(result.status, result.error, result.headers);
  } catch (error) {
    try {
      logger?.warn('confidential-client: a token could not be checked; answered 503', {
        reason: isIntrospectionError(error) ? error.reason : 'unexpected',
        status: isIntrospectionError(error) ? error.status : undefined,
        message: error instanceof Error ? error.message : String(error),
      });
    } catch {
      // A failing logger must not turn a 503 into a crash.
    }
    return denial(503, 'temporarily_unavailable', { 'cache-control': 'no-store' });
  }
}
