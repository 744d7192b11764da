/**
 * The push calls themselves, once their input is checked: the URL and scope of each, its retries
 * under the shared pause, and how its success answer is read. {@link PushClient} checks input and
 * settles; `sendAll`/`sendEach` turn each message into a result that never rejects.
 *
 * @module
 * @internal
 */

import {
  type ConfidentialClientError,
  isConfidentialClientError,
  TimeoutError,
} from 'confidential-client';
import { cancelBody } from '../../util/cancel-body.js';
import { onAbort } from '../../util/on-abort.js';
import type { PushNotification } from './notification.js';
import { PauseGate } from './pause-gate.js';
import { type PushCall, RESULT_BODY_LIMIT, readResult, responseError } from './push-answer.js';
import type { ResolvedPushClientOptions } from './push-client-options.js';
import type { PushOperation } from './push-error.js';
import { abortedError, heldError, requestError } from './push-failures.js';
import type {
  PushBulkResult,
  PushMessageDetails,
  PushSendOutcome,
  PushSendResult,
} from './push-results.js';
import { type AttemptSignals, type PushRequest, PushTransport } from './push-transport.js';
import { validateNotification } from './validate-notification.js';
import { type Attempted, withRetries } from './with-retries.js';

/** Bytes read per message of a bulk answer, on top of {@link RESULT_BODY_LIMIT}. */
const BULK_BYTES_PER_MESSAGE = 16 * 1024;

/** The push calls of one application. @internal */
export class PushCalls {
  readonly #options: ResolvedPushClientOptions;
  readonly #transport: PushTransport;
  /** One pause for every call of this PushClient. */
  readonly #gate = new PauseGate();
  readonly #writeScope: readonly string[];
  readonly #readScope: readonly string[];

  constructor(options: ResolvedPushClientOptions) {
    this.#options = options;
    this.#transport = new PushTransport(options.client);
    const app = `push.application.${options.applicationId}`;
    // Elements, never a string to split: the application ID is one element whatever it holds.
    this.#writeScope = ['messages.write', app];
    this.#readScope = ['messages.read', app];
  }

  /** `POST …/messages`: the message's ID. */
  send(
    notification: PushNotification,
    signals: AttemptSignals,
    signal: AbortSignal | undefined,
    retryMaybeSent: boolean,
  ): Promise<Attempted<PushSendResult>> {
    const request = this.#request('send', '/messages', 'POST', JSON.stringify(notification));
    const read = async (response: Response) => {
      const body = await readResult(request.call, response, RESULT_BODY_LIMIT);
      const messageId = (body as { messageId?: unknown } | undefined)?.messageId;
      if (typeof messageId !== 'string' || messageId === '') {
        throw responseError(request.call, response, 'its answer has no messageId');
      }
      return { messageId };
    };
    return this.#retried(request, read, signals, signal, retryMaybeSent);
  }

  /** `POST …/messages/bulk`: the IDs, when the answer lists one per message. */
  sendBulk(
    notifications: readonly PushNotification[],
    signal: AbortSignal | undefined,
  ): Promise<Attempted<PushBulkResult>> {
    const request = this.#request(
      'sendBulk',
      '/messages/bulk',
      'POST',
      JSON.stringify(notifications),
    );
    const limit = RESULT_BODY_LIMIT + notifications.length * BULK_BYTES_PER_MESSAGE;
    const read = async (response: Response) => {
      // The bulk answer is not documented: one that cannot be read still means "accepted".
      const body = await readResult(request.call, response, limit).catch(() => undefined);
      const ids = Array.isArray(body) ? body.map((entry) => entry?.messageId) : [];
      const listed =
        ids.length === notifications.length && ids.every((id) => typeof id === 'string');
      return { messageIds: listed ? (ids as string[]) : undefined };
    };
    return this.#retried(request, read, { token: signal, send: signal }, signal, false);
  }

  /** `GET …/messages/{id}` (scope `messages.read`): the details. */
  get(messageId: string, signal: AbortSignal | undefined): Promise<Attempted<PushMessageDetails>> {
    const path = `/messages/${encodeURIComponent(messageId)}`;
    const request = this.#request('get', path, 'GET', undefined, messageId);
    const read = async (response: Response) => {
      const body = await readResult(request.call, response, RESULT_BODY_LIMIT);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw responseError(request.call, response, 'its body is not a JSON object');
      }
      const { messageId: answered, alert } = body as Record<string, unknown>;
      return {
        messageId: typeof answered === 'string' ? answered : messageId,
        alert: typeof alert === 'string' ? alert : undefined,
        body: body as Record<string, unknown>,
      };
    };
    return this.#retried(request, read, { token: signal, send: signal }, signal, false);
  }

  /** `DELETE …/messages/{id}`. */
  delete(messageId: string, signal: AbortSignal | undefined): Promise<Attempted<void>> {
    const path = `/messages/${encodeURIComponent(messageId)}`;
    const request = this.#request('delete', path, 'DELETE', undefined, messageId);
    const release = async (response: Response) => cancelBody(response);
    return this.#retried(request, release, { token: signal, send: signal }, signal, false);
  }

  /**
   * One message of `sendAll`/`sendEach`, as a result that never rejects. The request itself is
   * not given the signal: once under way it finishes, so that its result says for sure whether the
   * message was accepted. The signal still ends the wait for a token and the waits between tries.
   */
  async sendOne(
    notification: PushNotification,
    index: number,
    signal: AbortSignal | undefined,
    retryMaybeSent: boolean,
  ): Promise<PushSendOutcome> {
    if (signal?.aborted) return this.aborted(notification, index, signal);
    const failed = (error: unknown, attempts: number, mayHaveBeenSent: boolean) => ({
      ok: false as const,
      index,
      notification,
      error: asClientError(error, this.#request('send', '/messages', 'POST').call),
      mayHaveBeenSent,
      attempts,
    });
    try {
      validateNotification(notification);
    } catch (error) {
      return failed(error, 0, false);
    }
    let run: Attempted<PushSendResult>;
    try {
      run = await this.send(
        notification,
        { token: signal, send: undefined },
        signal,
        retryMaybeSent,
      );
    } catch (error) {
      // Never expected, but a batch must not lose its other results over one message: reported
      // as possibly sent, since nothing tells otherwise.
      return failed(error, 1, true);
    }
    if (!run.ok) return failed(run.error, run.attempts, run.mayHaveBeenSent);
    const { messageId } = run.value;
    return { ok: true, index, notification, messageId, attempts: run.attempts };
  }

  /** The result of a message that was never sent because the signal aborted. */
  aborted(
    notification: PushNotification,
    index: number,
    signal: AbortSignal | undefined,
  ): PushSendOutcome {
    const call = this.#request('send', '/messages', 'POST').call;
    const error = abortedError(call, signal?.reason, false);
    return { ok: false, index, notification, error, mayHaveBeenSent: false, attempts: 0 };
  }

  #retried<T>(
    request: PushRequest,
    read: (response: Response) => Promise<T>,
    signals: AttemptSignals,
    signal: AbortSignal | undefined,
    retryMaybeSent: boolean,
  ): Promise<Attempted<T>> {
    const { timeout } = this.#options;
    const once = async () => {
      // One deadline for the request and its answer's body: a service that sends its headers,
      // then stalls, must not hold a message (and its batch) forever. The caller's signal still
      // ends it early.
      const deadline = new AbortController();
      const timer = setTimeout(
        () => deadline.abort(new TimeoutError(request.call.url, timeout)),
        timeout,
      );
      const caller = signals.send;
      if (caller?.aborted) deadline.abort(caller.reason);
      const unlink =
        caller?.aborted === false ? onAbort(caller, (r) => deadline.abort(r)) : undefined;
      try {
        const response = await this.#transport.attempt(request, {
          token: signals.token,
          send: deadline.signal,
        });
        return await read(response);
      } finally {
        clearTimeout(timer);
        unlink?.();
      }
    };
    return withRetries(once, {
      policy: this.#options.retry,
      gate: this.#gate,
      signal,
      retryMaybeSent,
      aborted: (reason, mayHaveBeenSent) => abortedError(request.call, reason, mayHaveBeenSent),
      held: (left) => heldError(request.call, left),
    });
  }

  #request(
    operation: PushOperation,
    path: string,
    method: PushRequest['method'],
    body?: string,
    messageId?: string,
  ): PushRequest {
    const { applicationId, pushUrl } = this.#options;
    const scope = method === 'GET' ? this.#readScope : this.#writeScope;
    const url = `${pushUrl}/apps/${encodeURIComponent(applicationId)}${path}`;
    const call: PushCall = { operation, url, applicationId, scope: scope.join(' '), messageId };
    return { call, method, scope, body };
  }
}

/** Every failure as the package's own error type: anything else is wrapped as a network failure. */
function asClientError(error: unknown, call: PushCall): ConfidentialClientError {
  return isConfidentialClientError(error) ? error : requestError(call, error, undefined);
}
