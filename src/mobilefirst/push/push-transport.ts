/**
 * One attempt of a push request through the client's `fetch`: the token first, then the request,
 * each failure typed with whether the push service may have acted on it.
 *
 * @module
 * @internal
 */

import type { ConfidentialClient } from 'confidential-client';
import { type PushCall, statusError } from './push-answer.js';
import { abortedError, requestError } from './push-failures.js';

/** One push request. @internal */
export interface PushRequest {
  readonly call: PushCall;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Scope elements of the token, each one element whatever it holds. */
  readonly scope: readonly string[];
  /** JSON text. */
  readonly body?: string | undefined;
}

/** The signals of one attempt. @internal */
export interface AttemptSignals {
  /** Aborts the wait for a token (nothing has been sent then). */
  readonly token: AbortSignal | undefined;
  /** Aborts the request itself once it is under way. */
  readonly send: AbortSignal | undefined;
}

/**
 * Sends push requests through a {@link ConfidentialClient}'s `fetch`, which attaches the token,
 * replays once after a `401` or `403 insufficient_scope`, and follows redirects.
 *
 * The token is got first, on its own: a failure there (a token endpoint down, a scope the client
 * may not have, an abort) surely sent nothing, while `client.fetch` then finds the token cached
 * and sends at once, so that any failure after that point is one of the request itself.
 *
 * @internal
 */
export class PushTransport {
  readonly #client: ConfidentialClient;

  /** @param client - The client whose tokens and `fetch` are used. */
  constructor(client: ConfidentialClient) {
    this.#client = client;
  }

  /**
   * One attempt.
   *
   * @param request - What to send.
   * @param signals - What aborts the token wait and the request.
   * @returns The response, status 2xx; its body is the caller's to read.
   * @throws {PushError} For an error status, a lost connection, a timeout, an abort.
   * @throws The core's errors when no token could be got (`TokenRequestError`, `NetworkError`…).
   */
  async attempt(request: PushRequest, signals: AttemptSignals): Promise<Response> {
    const { call, method, scope, body } = request;
    let token: string;
    try {
      token = (await this.#client.getToken({ scope, signal: signals.token })).accessToken;
    } catch (error) {
      if (signals.token?.aborted && error === signals.token.reason) {
        throw abortedError(call, error, false);
      }
      throw error;
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#client.fetch(call.url, {
        method,
        headers,
        body: body ?? null,
        scope,
        // The caller's deadline: it covers the answer's body too, unlike a timeout.
        signal: signals.send ?? null,
      });
    } catch (error) {
      throw requestError(call, error, signals.send);
    }
    if (response.status < 200 || response.status > 299) {
      // The token client.fetch sent (unless a 401 made it get another): kept out of the message.
      throw await statusError(call, response, [token]);
    }
    return response;
  }
}
