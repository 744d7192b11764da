import { ConfidentialClientError, guardFor } from './confidential-client-error.js';

/**
 * The token endpoint answered 2xx, but not with a usable token: not JSON (an HTML error page from a
 * proxy, say), or a field missing or of the wrong type. {@link field} names the field.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export class TokenResponseError extends ConfidentialClientError {
  override name = 'TokenResponseError' as const;
  /** The offending field (`access_token`, `token_type`, `expires_in`, `scope`), or `body`. */
  readonly field: string;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The raw response (body consumed). Not enumerable. */
  declare readonly response: Response | undefined;

  /**
   * @param field - The offending field, or `body` when the body itself is unusable.
   * @param message - What is wrong with it.
   * @param details - The status, the response, and the underlying error, if any.
   */
  constructor(
    field: string,
    message: string,
    details: { status: number; response?: Response | undefined; cause?: unknown },
  ) {
    super(message, 'ERR_CC_TOKEN_RESPONSE', { cause: details.cause });
    this.field = field;
    this.status = details.status;
    Object.defineProperty(this, 'response', { value: details.response, enumerable: false });
  }
}

/** Whether `value` is a {@link TokenResponseError}. */
export const isTokenResponseError = guardFor<TokenResponseError>(
  'TokenResponseError',
  'ERR_CC_TOKEN_RESPONSE',
);
