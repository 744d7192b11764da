/**
 * The admin API's transactions as the emulator keeps them: synchronous writes that end at once,
 * asynchronous ones (`?async=true`) that stay `PENDING` for a few reads of
 * `GET …/transactions/{id}`, injected failures, and the hooks that run after a read of the client
 * list (to play a second administrator writing between a client's read and its write).
 *
 * @module
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-admin-api-docs/html/refrest-admin-service-api-docs/html/r_restapi_transaction_get.html
 */

import type { ConfidentialClientRegistration } from './options.js';

/**
 * The states of a MobileFirst admin transaction. Synchronous transactions end `SUCCESS` or
 * `FAILURE`; asynchronous ones may also be seen in the others. The emulator uses `PENDING`,
 * `SUCCESS` and `FAILURE`.
 */
export type AdminTransactionStatus =
  | 'PENDING'
  | 'PREPARING'
  | 'COMMITTING'
  | 'REJECTING'
  | 'SUCCESS'
  | 'FAILURE'
  | 'CANCELED';

/** The transaction object MobileFirst's admin service answers a change with. */
export interface AdminTransaction {
  readonly id: number;
  readonly status: AdminTransactionStatus;
  readonly type: 'UPLOAD_ARTIFACT';
  /** The runtime (the documented form is {@link AdminTransaction.project}). */
  readonly runtime: string;
  /** The runtime, as the API reference shows it. */
  readonly project: { readonly name: string };
  readonly userName: string;
  /** When the transaction started, ISO 8601 (the documented name is `timeCreated`). */
  readonly createdTimestamp: string;
  readonly timeCreated: string;
  readonly timeUpdated: string;
  readonly errors: readonly { readonly details: string }[];
}

/**
 * How the next write through the admin API fails (see
 * {@link MobileFirstEmulator.failNextAdminWrite}).
 */
export interface AdminWriteFault {
  /** The text of the transaction's error, `transaction.errors[0].details`. */
  readonly details: string;
  /** HTTP status of a synchronous `PUT` that fails, 400–599. @default 500 */
  readonly status?: number;
}

/** What a transaction does when it ends. @internal */
type Outcome =
  | { readonly kind: 'apply'; readonly clients: readonly ConfidentialClientRegistration[] }
  | { readonly kind: 'fail'; readonly details: string };

interface Stored {
  transaction: AdminTransaction;
  /** Reads that still answer `PENDING`. */
  remaining: number;
  /** What a `PENDING` transaction does when it ends. */
  readonly outcome: Outcome | undefined;
}

/** Transactions remembered, oldest dropped first. */
const KEPT = 100;

/** Admin API state of one emulator. @internal */
export class AdminTransactions {
  readonly #readHooks: (() => void | Promise<void>)[] = [];
  readonly #faults: Required<AdminWriteFault>[] = [];
  readonly #stored = new Map<number, Stored>();
  #pendingReads = 1;

  /** Queues a callback for the next read of the client list. */
  onNextRead(callback: () => void | Promise<void>): void {
    if (typeof callback !== 'function') {
      throw new TypeError('onNextAdminRead(callback): callback must be a function');
    }
    this.#readHooks.push(callback);
  }

  /** Takes the callback of this read, if one is queued. */
  takeReadHook(): (() => void | Promise<void>) | undefined {
    return this.#readHooks.shift();
  }

  /** Queues a failure for the next write. */
  failNextWrite(fault: AdminWriteFault): void {
    const status = fault?.status ?? 500;
    if (typeof fault?.details !== 'string' || fault.details === '') {
      throw new TypeError('failNextAdminWrite(fault): fault.details must be a non-empty string');
    }
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError('failNextAdminWrite(fault): fault.status must be between 400 and 599');
    }
    this.#faults.push({ details: fault.details, status });
  }

  /** Takes the failure of this write, if one is queued. */
  takeFault(): Required<AdminWriteFault> | undefined {
    return this.#faults.shift();
  }

  /** Sets how many reads of an asynchronous transaction answer `PENDING` before it ends. */
  setPendingReads(reads: number): void {
    if (!(Number.isInteger(reads) || reads === Number.POSITIVE_INFINITY) || reads < 0) {
      throw new RangeError(
        'setAdminTransactionReads(reads): reads must be an integer ≥ 0 or Infinity',
      );
    }
    this.#pendingReads = reads;
  }

  /**
   * Remembers a transaction, for `GET …/transactions/{id}`.
   *
   * @param transaction - As answered to the write.
   * @param outcome - For a `PENDING` transaction, what it does when it ends.
   */
  record(transaction: AdminTransaction, outcome?: Outcome): void {
    this.#stored.set(transaction.id, {
      transaction,
      remaining: outcome ? this.#pendingReads : 0,
      outcome,
    });
    if (this.#stored.size > KEPT) this.#stored.delete(this.#stored.keys().next().value!);
  }

  /**
   * Reads a transaction, ending it when its pending reads are used up.
   *
   * @param id - The transaction ID.
   * @param end - Applies the outcome: replaces the client list, stamps the time.
   * @returns The transaction, or `undefined` if the emulator does not know it.
   */
  read(
    id: number,
    end: (outcome: Outcome, transaction: AdminTransaction) => AdminTransaction,
  ): AdminTransaction | undefined {
    const stored = this.#stored.get(id);
    if (!stored) return undefined;
    if (stored.transaction.status === 'PENDING' && stored.outcome) {
      if (stored.remaining > 0) stored.remaining--;
      else stored.transaction = end(stored.outcome, stored.transaction);
    }
    return stored.transaction;
  }

  /** Forgets queued hooks and faults, and sets pending reads back to 1. */
  clear(): void {
    this.#readHooks.length = 0;
    this.#faults.length = 0;
    this.#pendingReads = 1;
  }
}

export type { Outcome as AdminTransactionOutcome };
