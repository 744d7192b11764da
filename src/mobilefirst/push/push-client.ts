import type { ConfidentialClient } from 'confidential-client';
import { InvalidInputError } from '../invalid-input-error.js';
import type { PushNotification } from './notification.js';
import { checkMessageId } from './path-segments.js';
import { PushCalls } from './push-calls.js';
import {
  type PushClientOptions,
  type ResolvedPushClientOptions,
  resolvePushClientOptions,
} from './push-client-options.js';
import type {
  PushBulkResult,
  PushCallOptions,
  PushMessageDetails,
  PushSendOutcome,
  PushSendResult,
  SendManyOptions,
} from './push-results.js';
import { runPool } from './run-pool.js';
import { validateNotification } from './validate-notification.js';
import type { Attempted } from './with-retries.js';

/** The most requests `sendAll`/`sendEach` keep in flight: far beyond what a push service takes. */
const MAX_CONCURRENCY = 1_024;

/**
 * A typed client of the MobileFirst push REST API (`/imfpush/v1`) for one application, on a
 * {@link ConfidentialClient}: each call asks the client for a token with the scope elements the
 * API reference lists for it, `messages.write push.application.<applicationId>` (for `get`:
 * `messages.read push.application.<applicationId>`), and sends through `client.fetch`, which
 * caches tokens, renews them and recovers once from a `401`.
 *
 * **Retries and duplicates.** A failure is retried (with backoff, and honouring `Retry-After`)
 * only when the push service surely did not act on the request: `429`, `408`, `503` with
 * `Retry-After`, and a connection that was never made (refused, DNS, TLS). A `429` holds every
 * call of this PushClient for its `Retry-After` (or the backoff), so that concurrent senders do
 * not all hammer a service that asked them to wait. Failures after which the service may have
 * acted (500, 502, 504, a 503 without `Retry-After`, a timeout or a connection lost once the
 * request was sent, an accepted answer whose body was unreadable) are never retried by `send`,
 * `sendBulk` or `delete`: they fail with a `PushError` whose `mayHaveBeenSent` is `true`, since a
 * second send could reach the devices twice. `sendAll`/`sendEach` retry them only with
 * `retryMaybeSent: true`. `get` has no effect, so it retries those too. Other `4xx` answers and
 * token errors are final.
 *
 * @example
 * ```ts
 * const push = new PushClient({ client, applicationId: 'com.acme.app' });
 * const { messageId } = await push.send({ message: { alert: 'Hello' }, target: { tagNames: ['news'] } });
 * const results = await push.sendAll(notifications, { concurrency: 8 });
 * ```
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-push-api-docs/html/refrest-push-service-api-docs/html/r_restapi_push_message_post.html
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/confidential-clients/
 */
export class PushClient implements AsyncDisposable {
  readonly #options: ResolvedPushClientOptions;
  readonly #calls: PushCalls;

  /**
   * @param options - The client (or its options), the application ID, where the push service is,
   *   time limit and retry policy; see {@link PushClientOptions}.
   * @throws {InvalidInputError} When `applicationId` is not a valid scope element and path segment.
   * @throws {ConfigurationError} When another option is missing or invalid (the message names it).
   */
  constructor(options: PushClientOptions) {
    this.#options = resolvePushClientOptions(options);
    this.#calls = new PushCalls(this.#options);
  }

  /** The push application ID. */
  get applicationId(): string {
    return this.#options.applicationId;
  }

  /** The base URL of the push REST API, e.g. `https://mfp.example.com/imfpush/v1`. */
  get pushUrl(): string {
    return this.#options.pushUrl;
  }

  /** The confidential client whose tokens are used. */
  get client(): ConfidentialClient {
    return this.#options.client;
  }

  /**
   * Sends one notification (`POST …/apps/{applicationId}/messages`, answered `202 Accepted`).
   *
   * @param notification - The message, settings and target; checked before anything is sent.
   * @param options - `signal`.
   * @returns The message's ID.
   * @throws {InvalidInputError} The notification is not what the API accepts (names the field).
   * @throws {PushError} The push service refused it (`status`, `serverMessage`), or no usable
   *   answer came; `mayHaveBeenSent` says whether it may have been delivered all the same.
   * @throws {TokenRequestError | NetworkError | TimeoutError} No token could be got: nothing sent.
   * @example
   * ```ts
   * const { messageId } = await push.send({
   *   message: { alert: 'Your order has shipped' },
   *   target: { userIds: ['alice'] },
   *   settings: { apns: { sound: 'default' }, gcm: { priority: 'high' } },
   * });
   * ```
   */
  async send(
    notification: PushNotification,
    options: PushCallOptions = {},
  ): Promise<PushSendResult> {
    validateNotification(notification);
    const { signal } = options;
    return settle(
      await this.#calls.send(notification, { token: signal, send: signal }, signal, false),
    );
  }

  /**
   * Sends several notifications in one request (`POST …/messages/bulk`, a JSON array). The service
   * takes or refuses them together. No limit on their number is documented, and none is applied.
   *
   * @param notifications - A non-empty array, each checked before anything is sent.
   * @param options - `signal`.
   * @returns The messages' IDs when the answer lists them (see {@link PushBulkResult}).
   * @throws {InvalidInputError} Naming the field, e.g. `notifications[2].target`.
   * @throws {PushError} As {@link PushClient.send}.
   */
  async sendBulk(
    notifications: readonly PushNotification[],
    options: PushCallOptions = {},
  ): Promise<PushBulkResult> {
    if (!Array.isArray(notifications) || notifications.length === 0) {
      throw new InvalidInputError('notifications', 'must be a non-empty array of notifications.');
    }
    notifications.forEach((notification, i) => {
      validateNotification(notification, `notifications[${i}]`);
    });
    return settle(await this.#calls.sendBulk(notifications, options.signal));
  }

  /**
   * Gets a message's details (`GET …/messages/{messageId}`, scope `messages.read`). The server
   * keeps sent messages only when its message persistence is configured.
   *
   * @param messageId - An ID `send()` returned.
   * @param options - `signal`.
   * @returns The details: `messageId`, `alert`, and the whole answer.
   * @throws {InvalidInputError} For a `messageId` that cannot be a path segment.
   * @throws {PushError} `status: 404` when there is no such message; see {@link PushClient.send}.
   * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-push-api-docs/html/refrest-push-service-api-docs/html/r_restapi_push_message_get.html
   */
  async get(messageId: string, options: PushCallOptions = {}): Promise<PushMessageDetails> {
    return settle(await this.#calls.get(checkMessageId(messageId), options.signal));
  }

  /**
   * Deletes a message (`DELETE …/messages/{messageId}`, scope `messages.write`).
   *
   * @param messageId - An ID `send()` returned.
   * @param options - `signal`.
   * @throws {InvalidInputError} For a `messageId` that cannot be a path segment.
   * @throws {PushError} `status: 404` when there is no such message; see {@link PushClient.send}.
   * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-push-api-docs/html/refrest-push-service-api-docs/html/r_restapi_push_message_delete.html
   */
  async delete(messageId: string, options: PushCallOptions = {}): Promise<void> {
    settle(await this.#calls.delete(checkMessageId(messageId), options.signal));
  }

  /**
   * Sends many notifications, one request each, `concurrency` at a time, with retries (see the
   * class documentation for what is retried). Every notification gets exactly one result, in input
   * order: sent with its ID, or failed with its typed error and whether it may have been sent.
   * Invalid notifications fail with an `InvalidInputError` and are never sent; the others go on.
   *
   * @param notifications - The notifications (any iterable; read at once).
   * @param options - `concurrency` (default 8), `signal`, `retryMaybeSent`.
   * @returns One result per notification, in input order. Never rejects for a message's failure.
   * @throws {InvalidInputError} For bad options (`concurrency`…), before anything is sent.
   * @example
   * ```ts
   * const results = await push.sendAll(notifications, { concurrency: 8 });
   * for (const r of results) if (!r.ok) console.error(r.index, r.error.message, r.mayHaveBeenSent);
   * ```
   */
  async sendAll(
    notifications: Iterable<PushNotification>,
    options: SendManyOptions = {},
  ): Promise<PushSendOutcome[]> {
    const items = Array.from(notifications);
    const results: (PushSendOutcome | undefined)[] = new Array(items.length);
    for await (const result of this.sendEach(items, options)) results[result.index] = result;
    // Items the pool never took (it stops taking on abort) are reported, not dropped.
    // Array.from, not map: map skips the holes, which are exactly the items never reported.
    return Array.from(
      results,
      (result, index) =>
        result ?? this.#calls.aborted(items[index] as PushNotification, index, options.signal),
    );
  }

  /**
   * The streaming form of {@link PushClient.sendAll}: results are yielded as messages complete (each
   * with its `index`), and the source is read only as fast as messages are sent, so it can be an
   * endless or lazy async iterable. On abort, no further notification is taken from the source;
   * those taken and not sent are yielded as aborted. Leaving the loop early stops sending; the
   * messages under way finish before the loop ends, their results unseen.
   *
   * @param notifications - The notifications, sync or async iterable.
   * @param options - `concurrency` (default 8), `signal`, `retryMaybeSent`.
   * @returns The results, in completion order.
   * @throws {InvalidInputError} For bad options, at once.
   * @example
   * ```ts
   * for await (const result of push.sendEach(readNotifications(), { concurrency: 16 })) {
   *   if (!result.ok) console.error(`#${result.index}: ${result.error.message}`);
   * }
   * ```
   */
  sendEach(
    notifications: Iterable<PushNotification> | AsyncIterable<PushNotification>,
    options: SendManyOptions = {},
  ): AsyncGenerator<PushSendOutcome, void, undefined> {
    const { concurrency = 8, signal, retryMaybeSent = false } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
      throw new InvalidInputError(
        'concurrency',
        `must be a whole number from 1 to ${MAX_CONCURRENCY} (each is a request in flight and a worker).`,
      );
    }
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new InvalidInputError('signal', 'must be an AbortSignal.');
    }
    if (typeof retryMaybeSent !== 'boolean') {
      throw new InvalidInputError('retryMaybeSent', 'must be true or false.');
    }
    if (notifications === null || typeof notifications !== 'object') {
      throw new InvalidInputError('notifications', 'must be an iterable of notifications.');
    }
    const work = (notification: PushNotification, index: number) =>
      this.#calls.sendOne(notification, index, signal, retryMaybeSent);
    return runPool(notifications, work, { concurrency, signal });
  }

  /**
   * Closes the ConfidentialClient if this PushClient made it from options; a client passed in is
   * left open (it is the caller's).
   */
  async close(): Promise<void> {
    if (this.#options.ownsClient) await this.#options.client.close();
  }

  /** `await using push = new PushClient(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The value of a call, or its failure thrown. */
function settle<T>(run: Attempted<T>): T {
  if (!run.ok) throw run.error;
  return run.value;
}
