import { ConfidentialClientError, isConfidentialClientError } from 'confidential-client';

/**
 * What went wrong with a call to the admin REST API:
 * - `http`: an HTTP status the call does not expect (401, 403, 404, 5xx, a redirect…);
 * - `transaction-failed`: the server ran the write and it ended `FAILURE` (or `CANCELED`);
 *   {@link AdminError.details} holds the server's `errors[].details`;
 * - `transaction-timeout`: the write started a transaction that was still not done after
 *   `transactionTimeout` ms; it may still end either way;
 * - `timeout`: one request took longer than `timeout` ms (`cause` is the core's `TimeoutError`);
 * - `network`: the server could not be reached (`cause` is what `fetch` threw);
 * - `invalid-response`: a 2xx answer that is not what the API documents.
 */
export type AdminErrorKind =
  | 'http'
  | 'transaction-failed'
  | 'transaction-timeout'
  | 'timeout'
  | 'network'
  | 'invalid-response';

/** What an {@link AdminError} is made from. */
export interface AdminErrorInit {
  readonly kind: AdminErrorKind;
  /** HTTP status of the answer, when there was one. */
  readonly status?: number | undefined;
  /** The transaction's `errors[].details`, redacted. */
  readonly details?: readonly string[] | undefined;
  /** The transaction the write started, when it started one. */
  readonly transaction?:
    | { readonly id: number | string | undefined; readonly status: string }
    | undefined;
  /** The answer (its body has been read). */
  readonly response?: Response | undefined;
  readonly cause?: unknown;
}

/**
 * A call to MobileFirst's admin REST API for confidential clients failed: an HTTP error, a write
 * whose transaction ended `FAILURE`, a transaction still `PENDING` after `transactionTimeout`, a
 * timeout or a network failure. The message says what to check; neither it nor any property holds
 * the administrator's password or a client secret (the server's texts are redacted).
 *
 * @example
 * ```ts
 * try {
 *   await admin.upsert({ id: 'backend', secret, allowedScope: ['accessRestricted'] });
 * } catch (error) {
 *   if (isAdminError(error) && error.kind === 'transaction-failed') console.error(error.details);
 *   else throw error;
 * }
 * ```
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-admin-api-docs/html/refrest-admin-service-api-docs/html/r_restapi_confidential_clients_put.html
 */
export class AdminError extends ConfidentialClientError {
  override name = 'AdminError' as const;
  /** What went wrong (see {@link AdminErrorKind}). */
  readonly kind: AdminErrorKind;
  /** HTTP status of the answer, when there was one. */
  readonly status: number | undefined;
  /** The server's `errors[].details` of a failed transaction (redacted); `[]` otherwise. */
  readonly details: readonly string[];
  /** ID of the transaction the write started, when it started one. */
  readonly transactionId: number | string | undefined;
  /** Last known status of that transaction (`FAILURE`, `PENDING`…). */
  readonly transactionStatus: string | undefined;
  /** The answer, when there was one (its body has been read). Not enumerable. */
  declare readonly response: Response | undefined;

  /**
   * @param message - What went wrong and what to check (already redacted).
   * @param init - The kind of failure and its context.
   */
  constructor(message: string, init: AdminErrorInit) {
    super(message, 'ERR_CC_ADMIN', init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status;
    this.details = Object.freeze([...(init.details ?? [])]);
    this.transactionId = init.transaction?.id;
    this.transactionStatus = init.transaction?.status;
    Object.defineProperty(this, 'response', { value: init.response, enumerable: false });
  }
}

/**
 * Whether `value` is an {@link AdminError} (from any copy of the package).
 *
 * @param value - Anything caught.
 * @returns Whether it is one.
 */
export function isAdminError(value: unknown): value is AdminError {
  return (
    isConfidentialClientError(value) && value.name === 'AdminError' && value.code === 'ERR_CC_ADMIN'
  );
}
