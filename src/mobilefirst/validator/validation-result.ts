/**
 * What {@link TokenValidator.validate} answers: the introspection data of an active token that
 * covers the required scope, or the exact answer MobileFirst gives a request it refuses.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/confidential-clients/#possible-responses
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */

import { formatChallenge, formatScope } from 'confidential-client';
import type { IntrospectionData } from './introspection-data.js';

/** A request the token admits: the introspection data, for the protected handler. */
export interface ValidationSuccess {
  readonly ok: true;
  /** What the introspection endpoint said about the token. */
  readonly data: IntrospectionData;
}

/**
 * Why a request was refused:
 * - `missing_token`: no `Authorization: Bearer <token>` header, or one that is not exactly that
 *   (another scheme, no token, two tokens) → `401`, `WWW-Authenticate: Bearer`;
 * - `invalid_token`: introspection says the token is not active (unknown, expired, revoked) →
 *   `401`, `Bearer error="invalid_token"`;
 * - `insufficient_scope`: the token lacks a required scope element → `403`,
 *   `Bearer error="insufficient_scope", scope="<required>"`;
 * - `conflict`: introspection answered `409` → `409`, `MFP-Conflict: true`, no challenge (the
 *   MobileFirst client SDK then sends its request again).
 */
export type ValidationError = 'missing_token' | 'invalid_token' | 'insufficient_scope' | 'conflict';

/** A request the token does not admit, with the answer to send. */
export interface ValidationFailure {
  readonly ok: false;
  /** Why. */
  readonly error: ValidationError;
  /** The status to answer with. */
  readonly status: 401 | 403 | 409;
  /** The `WWW-Authenticate` value, for 401 and 403. */
  readonly wwwAuthenticate?: string;
  /**
   * Every header to answer with, names in lower case: `www-authenticate` (401/403) or
   * `mfp-conflict: true` (409), and `cache-control: no-store`.
   */
  readonly headers: Readonly<Record<string, string>>;
  /** For `insufficient_scope`: the scope the request needs (sorted elements). */
  readonly requiredScope?: readonly string[];
}

/** The outcome of a validation. */
export type ValidationResult = ValidationSuccess | ValidationFailure;

const NO_STORE = 'no-store';

function challenged(
  error: ValidationError,
  status: 401 | 403,
  params: Record<string, string>,
  requiredScope?: readonly string[],
): ValidationFailure {
  const wwwAuthenticate = formatChallenge({ scheme: 'Bearer', params });
  const failure: ValidationFailure = {
    ok: false,
    error,
    status,
    wwwAuthenticate,
    headers: Object.freeze({ 'www-authenticate': wwwAuthenticate, 'cache-control': NO_STORE }),
    ...(requiredScope === undefined ? {} : { requiredScope }),
  };
  return Object.freeze(failure);
}

/** `401 WWW-Authenticate: Bearer`: no usable token in the request. @internal */
export const MISSING_TOKEN: ValidationFailure = challenged('missing_token', 401, {});

/** `401 WWW-Authenticate: Bearer error="invalid_token"`. @internal */
export const INVALID_TOKEN: ValidationFailure = challenged('invalid_token', 401, {
  error: 'invalid_token',
});

/** `409` with `MFP-Conflict: true` and no challenge. @internal */
export const CONFLICT: ValidationFailure = Object.freeze({
  ok: false,
  error: 'conflict',
  status: 409,
  headers: Object.freeze({ 'mfp-conflict': 'true', 'cache-control': NO_STORE }),
});

/**
 * `403 WWW-Authenticate: Bearer error="insufficient_scope", scope="<required>"`.
 *
 * @param required - The scope the request needs (sorted elements, already checked as scope
 *   tokens, so the challenge can carry them).
 * @returns The failure.
 * @internal
 */
export function insufficientScope(required: readonly string[]): ValidationFailure {
  return challenged(
    'insufficient_scope',
    403,
    { error: 'insufficient_scope', scope: formatScope(required) },
    Object.freeze([...required]),
  );
}
