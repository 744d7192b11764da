import { ConfidentialClientError, isConfidentialClientError } from 'confidential-client';

/**
 * Why an introspection failed:
 * - `token`: the validator could not get its own `authorization.introspect` token (the token
 *   endpoint refused or was unreachable, or the client was closed); see `cause`;
 * - `unreachable`: the introspection request got no answer (network error, time limit);
 * - `rejected`: the introspection endpoint refused the validator's token (401/403) twice, the
 *   second time with a brand-new token: its client's allowed scope probably lacks
 *   `authorization.introspect`;
 * - `status`: an answer with a status that is neither 200, 401, 403 nor 409 (5xx, 400, 404, a
 *   redirect);
 * - `malformed`: a 200 whose body is not an introspection answer (not JSON, no boolean `active`,
 *   too large).
 */
export type IntrospectionFailure = 'token' | 'unreachable' | 'rejected' | 'status' | 'malformed';

/**
 * The token validator could not learn whether a token is valid: the introspection endpoint (or
 * the token endpoint behind it) failed. The token is neither valid nor invalid: the middleware
 * answers `503 Service Unavailable`, never `500` and never "valid".
 *
 * The message says what to check; it never holds the validated token, the validator's token or
 * its client secret.
 *
 * @example
 * ```ts
 * try {
 *   await validator.validate(req.headers.authorization, 'orders.read');
 * } catch (error) {
 *   if (isIntrospectionError(error)) console.warn(error.reason, error.status);
 * }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.3
 */
export class IntrospectionError extends ConfidentialClientError {
  override name = 'IntrospectionError' as const;
  /** What failed. */
  readonly reason: IntrospectionFailure;
  /** The introspection endpoint's status, when it answered. */
  readonly status: number | undefined;
  /** The introspection endpoint: origin and path (no query, which may carry a key). */
  readonly introspectionUrl: string;

  /**
   * @param reason - What failed.
   * @param introspectionUrl - The introspection endpoint.
   * @param message - What went wrong and what to check (no token, no secret).
   * @param options - `status` of the answer, if any; `cause`: the underlying error.
   */
  constructor(
    reason: IntrospectionFailure,
    introspectionUrl: string,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(
      `introspection at ${introspectionUrl} failed: ${message}`,
      'ERR_CC_INTROSPECTION',
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.reason = reason;
    this.status = options.status;
    this.introspectionUrl = introspectionUrl;
  }
}

/**
 * Whether `value` is an {@link IntrospectionError} (from any copy of the package).
 *
 * @param value - Anything caught.
 * @returns Whether it is one.
 */
export function isIntrospectionError(value: unknown): value is IntrospectionError {
  return (
    isConfidentialClientError(value) &&
    value.name === 'IntrospectionError' &&
    value.code === 'ERR_CC_INTROSPECTION'
  );
}
