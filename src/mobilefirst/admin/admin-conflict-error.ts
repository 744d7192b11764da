import { ConfidentialClientError, isConfidentialClientError } from 'confidential-client';

/** The IDs an error message names at most. */
const SHOWN = 10;

/**
 * The confidential-client list changed between the read an `upsert` or `remove` started from and
 * the check made right before its write: someone else wrote in between. **Nothing was written.**
 * Read the list again and decide, or pass `{ retries }` to reapply the change on the new list.
 *
 * The admin API has no ETag or `If-Match`, so this check narrows the window for a lost update but
 * cannot close it: a writer that lands between the check and the `PUT` is not detected.
 *
 * @example
 * ```ts
 * try {
 *   await admin.remove('old-backend');
 * } catch (error) {
 *   if (isAdminConflictError(error)) console.warn('changed meanwhile:', error.changedIds);
 *   else throw error;
 * }
 * ```
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-admin-api-docs/html/refrest-admin-service-api-docs/html/r_restapi_confidential_clients_put.html
 */
export class AdminConflictError extends ConfidentialClientError {
  override name = 'AdminConflictError' as const;
  /** The ID of the client the call was writing. */
  readonly clientId: string;
  /** IDs of the clients the other writer added, removed or changed (`[]` if it only reordered). */
  readonly changedIds: readonly string[];
  /** How many times the change was tried (1 + retries used). */
  readonly attempts: number;

  /**
   * @param operation - `upsert` or `remove`.
   * @param clientId - The client being written.
   * @param changedIds - What the other writer changed.
   * @param attempts - How many times the change was tried.
   */
  constructor(
    operation: 'upsert' | 'remove',
    clientId: string,
    changedIds: readonly string[],
    attempts: number,
  ) {
    const names =
      changedIds.length === 0
        ? 'reordered the clients'
        : `changed client${changedIds.length === 1 ? '' : 's'} ${changedIds
            .slice(0, SHOWN)
            .map((id) => JSON.stringify(id))
            .join(
              ', ',
            )}${changedIds.length > SHOWN ? ` and ${changedIds.length - SHOWN} more` : ''}`;
    super(
      `the confidential-client list changed between the read and the write of ${operation}(${JSON.stringify(clientId)}) (another writer ${names}; ${attempts} attempt${attempts === 1 ? '' : 's'}); nothing was written. Read the list again and decide, or pass { retries } to reapply the change on the new list.`,
      'ERR_CC_ADMIN_CONFLICT',
    );
    this.clientId = clientId;
    this.changedIds = Object.freeze([...changedIds]);
    this.attempts = attempts;
  }
}

/**
 * Whether `value` is an {@link AdminConflictError} (from any copy of the package).
 *
 * @param value - Anything caught.
 * @returns Whether it is one.
 */
export function isAdminConflictError(value: unknown): value is AdminConflictError {
  return (
    isConfidentialClientError(value) &&
    value.name === 'AdminConflictError' &&
    value.code === 'ERR_CC_ADMIN_CONFLICT'
  );
}
