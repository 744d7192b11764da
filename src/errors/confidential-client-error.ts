/** A stable, machine-readable code for each kind of error this package throws. */
export type ErrorCode =
  | 'ERR_CC_CONFIGURATION'
  | 'ERR_CC_TOKEN_REQUEST'
  | 'ERR_CC_TOKEN_RESPONSE'
  | 'ERR_CC_NETWORK'
  | 'ERR_CC_TIMEOUT'
  | 'ERR_CC_INSUFFICIENT_SCOPE'
  | 'ERR_CC_CLOSED'
  | 'ERR_CC_DISCOVERY'
  // confidential-client/mobilefirst
  | 'ERR_CC_INVALID_INPUT'
  | 'ERR_CC_PUSH'
  | 'ERR_CC_INTROSPECTION'
  | 'ERR_CC_ADMIN'
  | 'ERR_CC_ADMIN_CONFLICT';

/** Marks every error this package creates, across duplicate ESM/CJS copies of the package. */
export const ERROR_BRAND: unique symbol = Symbol.for('confidential-client.error') as never;

/**
 * The root of every error `confidential-client` throws. Catch this to handle them all.
 *
 * Messages start with `confidential-client:` and say what to check. They never hold a client
 * secret or a token, nor do any of the error's properties.
 *
 * Prefer the guards (`isConfidentialClientError()` and friends) to `instanceof`: a dual ESM/CJS
 * package can be loaded twice, and `instanceof` then fails across the two copies.
 */
export class ConfidentialClientError extends Error {
  override name: string = 'ConfidentialClientError';
  /** A stable code for this kind of error. */
  readonly code: ErrorCode;
  declare readonly [ERROR_BRAND]: true;

  /**
   * @param message - What went wrong and what to check; prefixed with the package name.
   * @param code - The stable error code.
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(message: string, code: ErrorCode, options?: { cause?: unknown }) {
    super(`confidential-client: ${message}`, options);
    this.code = code;
    Object.defineProperty(this, ERROR_BRAND, { value: true });
  }
}

/**
 * Whether `value` is an error thrown by `confidential-client` (any copy of it).
 *
 * @param value - Anything caught.
 * @returns `true` for every error of this package.
 */
export function isConfidentialClientError(value: unknown): value is ConfidentialClientError {
  return (
    value instanceof Error &&
    (value as unknown as Record<symbol, unknown>)[ERROR_BRAND] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/** @internal Builds a guard for one subclass, checking the brand, `name` and `code`. */
export function guardFor<T extends ConfidentialClientError>(
  name: T['name'],
  code: ErrorCode,
): (value: unknown) => value is T {
  return (value: unknown): value is T =>
    isConfidentialClientError(value) && value.name === name && value.code === code;
}
