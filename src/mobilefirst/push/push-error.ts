import { ConfidentialClientError, isConfidentialClientError } from 'confidential-client';

/** The push call that failed. */
export type PushOperation = 'send' | 'sendBulk' | 'get' | 'delete';

/**
 * Why a push call failed:
 * - `status`: the push service answered with an error status (`status`, `serverMessage`);
 * - `network`: no answer came (connection refused, reset or dropped);
 * - `timeout`: no answer within the `timeout`;
 * - `response`: a success status whose body could not be read (too large, not JSON, no
 *   `messageId`) — the request was accepted;
 * - `aborted`: the caller's signal aborted the call.
 */
export type PushErrorReason = 'status' | 'network' | 'timeout' | 'response' | 'aborted';

/** What a {@link PushError} carries. */
export interface PushErrorDetails {
  readonly operation: PushOperation;
  readonly reason: PushErrorReason;
  /** The URL called (no credentials in it). */
  readonly url: string;
  readonly mayHaveBeenSent: boolean;
  readonly status?: number | undefined;
  readonly serverMessage?: string | undefined;
  readonly retryAfter?: number | undefined;
  readonly response?: Response | undefined;
  readonly cause?: unknown;
}

/**
 * A call to the MobileFirst push REST API failed: the service answered an error status (400
 * invalid message, 401/403 token or scope refused, 404 application or message not found, 405
 * method or Content-Type, 406 Accept, 429 rate limited, 5xx), or no usable answer came.
 *
 * Errors that happen before a request is sent keep their own types: `InvalidInputError` for input,
 * and the core's `TokenRequestError`, `NetworkError`, `TimeoutError` for the token.
 *
 * {@link PushError.mayHaveBeenSent} says whether the push service may have acted on the request
 * even though the call failed (a reset or timeout after the request went out, a 5xx): such a
 * message must not be sent again blindly, or devices may get it twice.
 *
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-push-api-docs/html/refrest-push-service-api-docs/html/r_restapi_push_message_post.html
 */
export class PushError extends ConfidentialClientError {
  override name = 'PushError' as const;
  /** The call that failed. */
  readonly operation: PushOperation;
  /** Why it failed. */
  readonly reason: PushErrorReason;
  /** The URL called. */
  readonly url: string;
  /** The HTTP status, when the service answered (`reason: 'status'` or `'response'`). */
  readonly status: number | undefined;
  /**
   * The service's own message, when its answer had one (JSON `message`, or a plain-text body):
   * the token sent replaced with `[redacted]`, control characters removed, cut at 300 characters.
   */
  readonly serverMessage: string | undefined;
  /** How long the service asked to wait (`Retry-After`), in ms. */
  readonly retryAfter: number | undefined;
  /**
   * Whether the push service may have acted on the request: `true` after a 5xx (but a 503 with
   * `Retry-After`), a timeout or a connection lost once the request was out, or a success answer
   * that could not be read; `false` when it surely did not (a 4xx, a 429, a connection that was
   * never made, an abort before sending).
   */
  readonly mayHaveBeenSent: boolean;
  /** The raw response (its body read or cancelled). Not enumerable: it stays out of logs and JSON. */
  declare readonly response: Response | undefined;

  /**
   * @param message - What went wrong and what to check.
   * @param details - The call, the reason and the answer.
   */
  constructor(message: string, details: PushErrorDetails) {
    super(message, 'ERR_CC_PUSH', { cause: details.cause });
    this.operation = details.operation;
    this.reason = details.reason;
    this.url = details.url;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
    this.retryAfter = details.retryAfter;
    this.mayHaveBeenSent = details.mayHaveBeenSent;
    Object.defineProperty(this, 'response', { value: details.response, enumerable: false });
  }
}

/**
 * Whether `value` is a {@link PushError}, from any copy of the package (ESM or CJS).
 *
 * @param value - Anything caught.
 * @returns Whether it is one.
 * @example
 * ```ts
 * try {
 *   await push.send(notification);
 * } catch (error) {
 *   if (isPushError(error) && error.mayHaveBeenSent) console.warn('may have been delivered');
 * }
 * ```
 */
export function isPushError(value: unknown): value is PushError {
  return (
    isConfidentialClientError(value) && value.name === 'PushError' && value.code === 'ERR_CC_PUSH'
  );
}
