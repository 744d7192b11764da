import { ConfidentialClientError, guardFor } from './confidential-client-error.js';

/** What the token endpoint answered, as a {@link TokenRequestError} carries it. */
export interface TokenRequestErrorDetails {
  /** The HTTP status. */
  status: number;
  /** The RFC 6749 §5.2 `error` code (`invalid_client`, `invalid_scope`, …), if the body had one. */
  error?: string | undefined;
  /** The `error_description`, if any. */
  errorDescription?: string | undefined;
  /** The `error_uri`, if any. */
  errorUri?: string | undefined;
  /** The `WWW-Authenticate` header of the answer, if any. */
  wwwAuthenticate?: string | undefined;
  /** How long the server asked to wait (`Retry-After`), in ms, if it did. */
  retryAfter?: number | undefined;
  /** The raw response (its body already read). Not enumerable: it stays out of logs and JSON. */
  response?: Response | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The token endpoint refused the request: an RFC 6749 §5.2 error answer (`invalid_client`,
 * `invalid_scope`, `unauthorized_client`, …) or another non-2xx status that retries did not cure.
 *
 * OAuth error answers are final: they are never retried, since asking again with the same
 * credentials and scope gets the same answer.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export class TokenRequestError extends ConfidentialClientError {
  override name = 'TokenRequestError' as const;
  /** The HTTP status of the answer. */
  readonly status: number;
  /** The OAuth `error` code, when the answer had an RFC 6749 error body. */
  readonly error: string | undefined;
  /** The OAuth `error_description`, if any. */
  readonly errorDescription: string | undefined;
  /** The OAuth `error_uri`, if any. */
  readonly errorUri: string | undefined;
  /** The `WWW-Authenticate` header of the answer, if any. */
  readonly wwwAuthenticate: string | undefined;
  /** How long the server asked to wait before trying again (`Retry-After`), in ms. */
  readonly retryAfter: number | undefined;
  /** The raw response (body consumed). Not enumerable. */
  declare readonly response: Response | undefined;

  /**
   * @param message - What went wrong and what to check.
   * @param details - The answer's status, OAuth error fields and response.
   */
  constructor(message: string, details: TokenRequestErrorDetails) {
    super(message, 'ERR_CC_TOKEN_REQUEST', { cause: details.cause });
    this.status = details.status;
    this.error = details.error;
    this.errorDescription = details.errorDescription;
    this.errorUri = details.errorUri;
    this.wwwAuthenticate = details.wwwAuthenticate;
    this.retryAfter = details.retryAfter;
    Object.defineProperty(this, 'response', { value: details.response, enumerable: false });
  }
}

/** Whether `value` is a {@link TokenRequestError}. */
export const isTokenRequestError = guardFor<TokenRequestError>(
  'TokenRequestError',
  'ERR_CC_TOKEN_REQUEST',
);
