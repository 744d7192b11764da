/**
 * What the push calls take as options and give back.
 *
 * @module
 */

import type { ConfidentialClientError } from 'confidential-client';
import type { PushNotification } from './notification.js';

/** Options of one push call. */
export interface PushCallOptions {
  /**
   * Aborts the call: the wait for a token, the request, the waits between retries. A call aborted
   * while its request was under way rejects with a `PushError` whose `mayHaveBeenSent` is `true`.
   */
  readonly signal?: AbortSignal | undefined;
}

/** What `send()` resolves with. */
export interface PushSendResult {
  /** The ID the push service gave the message (for `get` and `delete`). */
  readonly messageId: string;
}

/** What `sendBulk()` resolves with. */
export interface PushBulkResult {
  /**
   * The IDs of the messages, in the order sent, when the service's answer lists them (an array of
   * `{ messageId }`, one per message, as the emulator answers). The API reference documents no
   * bulk answer: for any other success answer this is `undefined`, and the messages were accepted
   * all the same.
   */
  readonly messageIds: readonly string[] | undefined;
}

/** What `get()` resolves with: the service's details of a message. */
export interface PushMessageDetails {
  readonly messageId: string;
  /** The message text, when the answer has it. */
  readonly alert: string | undefined;
  /** The whole answer, as the service sent it. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** Options of `sendAll()` and `sendEach()`. */
export interface SendManyOptions {
  /**
   * How many messages are under way at once (each with its retries).
   * @default 8
   */
  readonly concurrency?: number | undefined;
  /**
   * Stops scheduling: no further message is sent, nor retried. Messages whose request is under
   * way are not cut off, so that their result says for sure whether they were accepted; every
   * other message not yet sent is reported failed with a `PushError` of reason `aborted`.
   */
  readonly signal?: AbortSignal | undefined;
  /**
   * Also retry failures after which the service may have acted on the message (500, 502, 504,
   * 503 without `Retry-After`, a timeout or a connection lost once the request was sent). Devices
   * may then get such a message twice.
   * @default false
   */
  readonly retryMaybeSent?: boolean | undefined;
}

/** A message `sendAll()`/`sendEach()` sent. */
export interface PushSendSuccess {
  readonly ok: true;
  /** Its position in the input, from 0. */
  readonly index: number;
  readonly notification: PushNotification;
  readonly messageId: string;
  /** Attempts it took (1 without retries). */
  readonly attempts: number;
}

/** A message `sendAll()`/`sendEach()` could not send. */
export interface PushSendFailure {
  readonly ok: false;
  /** Its position in the input, from 0. */
  readonly index: number;
  readonly notification: PushNotification;
  /**
   * Why: a `PushError` (an error status, no answer, an abort), an `InvalidInputError` (never
   * sent), or the core's error when no token could be got (never sent).
   */
  readonly error: ConfidentialClientError;
  /**
   * Whether the push service may have acted on it all the same (see `PushError.mayHaveBeenSent`),
   * for any of its attempts. Check before sending it again.
   */
  readonly mayHaveBeenSent: boolean;
  /** Attempts made (0 when it was invalid, or aborted before its first). */
  readonly attempts: number;
}

/** The result of one message of `sendAll()`/`sendEach()`. */
export type PushSendOutcome = PushSendSuccess | PushSendFailure;
