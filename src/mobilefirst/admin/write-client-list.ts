/**
 * Writes the whole client list (`PUT …/confidentialclients`) and follows the transaction it starts
 * to its end (`GET …/transactions/{id}`), bounded by `transactionTimeout`.
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-admin-api-docs/html/refrest-admin-service-api-docs/html/r_restapi_confidential_clients_put.html
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-admin-api-docs/html/refrest-admin-service-api-docs/html/r_restapi_transaction_get.html
 */

import { sleep } from '../../util/sleep.js';
import { AdminError } from './admin-error.js';
import type { AdminHttp } from './admin-http.js';
import type { WireClient } from './client-list-wire.js';
import { redactServerText } from './redact-server-text.js';
import type { ResolvedAdminOptions } from './resolve-admin-options.js';

/** States of a transaction that has not ended (the API reference lists them). */
const RUNNING = new Set(['PENDING', 'PREPARING', 'COMMITTING', 'REJECTING']);
/** States of a transaction that has ended; only `SUCCESS` means the list was written. */
const ENDED = new Set(['SUCCESS', 'FAILURE', 'CANCELED']);

/** A transaction as the admin API reports it. @internal */
export interface TransactionState {
  readonly id: number | string | undefined;
  readonly status: string;
  /** `errors[].details`, as sent. */
  readonly errors: readonly string[];
}

/** The part of the options a write uses. @internal */
export type WriteConfig = Pick<
  ResolvedAdminOptions,
  'async' | 'transactionTimeout' | 'pollInterval'
>;

/**
 * Reads a transaction object.
 *
 * @param value - `transaction` of a `PUT` answer, or the body of `GET …/transactions/{id}`.
 * @returns The transaction, or `undefined` if `value` has no string `status`.
 * @internal
 */
export function parseTransaction(value: unknown): TransactionState | undefined {
  const tx = value as { id?: unknown; status?: unknown; errors?: unknown } | null | undefined;
  if (typeof tx?.status !== 'string') return undefined;
  const id = typeof tx.id === 'number' || typeof tx.id === 'string' ? tx.id : undefined;
  const errors = Array.isArray(tx.errors)
    ? tx.errors.flatMap((e) => {
        const details = (e as { details?: unknown } | null)?.details;
        return typeof details === 'string' ? [details] : [];
      })
    : [];
  return { id, status: tx.status, errors };
}

/**
 * Replaces the client list and waits until the server has applied it.
 *
 * @param http - The admin API.
 * @param list - The whole new list.
 * @param config - `async`, `transactionTimeout`, `pollInterval`.
 * @param secrets - Every secret to keep out of errors.
 * @param signal - The caller's signal.
 * @throws {AdminError} `transaction-failed` (with the server's details), `transaction-timeout`,
 *   `http`, `timeout`, `network` or `invalid-response`.
 * @internal
 */
export async function writeClientList(
  http: AdminHttp,
  list: readonly WireClient[],
  config: WriteConfig,
  secrets: readonly string[],
  signal: AbortSignal | undefined,
): Promise<void> {
  const path = config.async ? 'confidentialclients?async=true' : 'confidentialclients';
  const answer = await http.send('PUT', path, JSON.stringify({ clients: list }), signal);
  const ok = answer.status >= 200 && answer.status < 300;
  const tx = parseTransaction((answer.json as { transaction?: unknown } | undefined)?.transaction);
  if (!ok && tx && ENDED.has(tx.status)) throw failed(tx, answer.status, secrets, answer.response);
  if (!ok) throw http.failure(answer, 'writing the client list', secrets);
  if (!tx) {
    throw new AdminError(
      `writing the client list: the server answered ${answer.status} without a transaction; the list may have been written: check with list().`,
      { kind: 'invalid-response', status: answer.status, response: answer.response },
    );
  }
  const ended = await follow(http, tx, config, secrets, signal);
  if (ended.status !== 'SUCCESS') throw failed(ended, undefined, secrets, undefined);
}

async function follow(
  http: AdminHttp,
  first: TransactionState,
  config: WriteConfig,
  secrets: readonly string[],
  signal: AbortSignal | undefined,
): Promise<TransactionState> {
  const deadline = Date.now() + config.transactionTimeout;
  const never = new AbortController().signal;
  let tx = first;
  while (!ENDED.has(tx.status)) {
    if (!RUNNING.has(tx.status) || tx.id === undefined) {
      throw new AdminError(
        `writing the client list: the transaction is ${JSON.stringify(tx.status)}${tx.id === undefined ? ' and has no id to follow' : ', a state the admin API does not document'}; check the list with list().`,
        { kind: 'invalid-response', transaction: { id: tx.id, status: tx.status } },
      );
    }
    const wait = Math.min(config.pollInterval, deadline - Date.now());
    if (wait <= 0) {
      throw new AdminError(
        `writing the client list: transaction ${tx.id} is still ${tx.status} after ${config.transactionTimeout} ms (option transactionTimeout); it may still be applied or fail: check with list() later.`,
        { kind: 'transaction-timeout', transaction: { id: tx.id, status: tx.status } },
      );
    }
    await sleep(wait, signal ?? never);
    const answer = await http.send(
      'GET',
      `transactions/${encodeURIComponent(tx.id)}`,
      undefined,
      signal,
    );
    const next =
      answer.status >= 200 && answer.status < 300 ? parseTransaction(answer.json) : undefined;
    if (!next) throw http.failure(answer, `reading transaction ${tx.id}`, secrets);
    tx = { ...next, id: next.id ?? tx.id };
  }
  return tx;
}

function failed(
  tx: TransactionState,
  status: number | undefined,
  secrets: readonly string[],
  response: Response | undefined,
): AdminError {
  const details = tx.errors.map(
    (text) => redactServerText(text, secrets) ?? '[not shown: it may hold a secret]',
  );
  const said = details.length === 0 ? 'no details given' : details.join('; ');
  return new AdminError(
    `writing the client list: transaction ${tx.id ?? '(no id)'} ended ${tx.status}${status === undefined ? '' : ` (HTTP ${status})`}: ${said}.`,
    {
      kind: 'transaction-failed',
      status,
      details,
      transaction: { id: tx.id, status: tx.status },
      response,
    },
  );
}
