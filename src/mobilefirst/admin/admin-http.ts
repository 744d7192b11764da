import { TimeoutError } from 'confidential-client';
import { onAbort } from '../../util/on-abort.js';
import { readBodyText, TOO_LARGE } from '../../util/read-body-text.js';
import { AdminError } from './admin-error.js';
import { redactServerText } from './redact-server-text.js';
import type { ResolvedAdminOptions } from './resolve-admin-options.js';

/** The most bytes read of an answer: a list of thousands of clients is well under 1 MB. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

const TIMED_OUT = Symbol('timed out');

/** One answer of the admin API, its body read. @internal */
export interface AdminAnswer {
  readonly status: number;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  readonly json: unknown;
  /** The body as text. */
  readonly text: string;
  readonly response: Response;
}

/** The part of the options the HTTP layer uses. @internal */
export type AdminHttpConfig = Pick<
  ResolvedAdminOptions,
  'runtimeUrl' | 'runtime' | 'authorization' | 'fetch' | 'timeout'
>;

/**
 * Sends requests to the admin API of one runtime: HTTP Basic, JSON, a time limit per request
 * (body included), no redirect followed (the password would go with it), bounded bodies.
 *
 * @internal
 */
export class AdminHttp {
  readonly #config: AdminHttpConfig;

  /** @param config - Base URL, credentials, fetch and timeout. */
  constructor(config: AdminHttpConfig) {
    this.#config = config;
  }

  /**
   * Sends one request and reads its answer, whatever its status.
   *
   * @param method - `GET` or `PUT`.
   * @param path - Relative to the runtime, e.g. `confidentialclients?async=true`.
   * @param body - JSON to send, if any.
   * @param signal - The caller's signal.
   * @returns The answer.
   * @throws {AdminError} Of kind `timeout` or `network` (or `invalid-response` for a body over
   *   8 MB); the signal's reason when it aborts.
   */
  async send(
    method: 'GET' | 'PUT',
    path: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<AdminAnswer> {
    const { timeout, authorization } = this.#config;
    const url = this.#config.runtimeUrl + path;
    signal?.throwIfAborted();
    const controller = new AbortController();
    const unsubscribe = signal ? onAbort(signal, (reason) => controller.abort(reason)) : () => {};
    const timer = setTimeout(() => controller.abort(TIMED_OUT), timeout);
    const written =
      method === 'PUT' ? ' The change may or may not have been applied: check with list().' : '';
    try {
      const response = await this.#config.fetch(url, {
        method,
        headers: {
          authorization,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
        signal: controller.signal,
      });
      const text = await readBodyText(response, MAX_BODY_BYTES);
      if (text === TOO_LARGE) {
        throw new AdminError(
          `${method} ${url} answered ${response.status} with a body over ${MAX_BODY_BYTES} bytes; check serverUrl.${written}`,
          { kind: 'invalid-response', status: response.status, response },
        );
      }
      return { status: response.status, json: parseJson(text), text, response };
    } catch (error) {
      if (controller.signal.reason === TIMED_OUT) {
        throw new AdminError(
          `${method} ${url} got no answer within ${timeout} ms (option timeout).${written}`,
          { kind: 'timeout', cause: new TimeoutError(url, timeout) },
        );
      }
      if (controller.signal.aborted) throw controller.signal.reason;
      if (error instanceof AdminError) throw error;
      throw new AdminError(
        `could not reach the admin API at ${url}: ${describeError(error)}. Check serverUrl and that the server is up.${written}`,
        { kind: 'network', cause: error },
      );
    } finally {
      clearTimeout(timer);
      unsubscribe();
    }
  }

  /**
   * The error for an answer a call does not expect.
   *
   * @param answer - The answer.
   * @param what - What the call was doing, e.g. `reading the client list`.
   * @param secrets - Every secret to keep out of the message.
   * @returns The error (kind `http`, or `invalid-response` for a 2xx).
   */
  failure(answer: AdminAnswer, what: string, secrets: readonly string[]): AdminError {
    const { status, response } = answer;
    const quoted = redactServerText(serverMessage(answer), secrets);
    const said = quoted === undefined ? '' : ` The server said: ${quoted}`;
    const kind = status >= 200 && status < 300 ? 'invalid-response' : 'http';
    return new AdminError(`${what}: ${this.#describe(answer)}${said}`, { kind, status, response });
  }

  #describe({ status, response }: AdminAnswer): string {
    const { runtime, runtimeUrl } = this.#config;
    if (status === 401)
      return 'the administrator credentials were refused (401); check username and password.';
    if (status === 403) {
      return 'the user may not manage confidential clients (403); it needs role mfpadmin or mfpdeployer.';
    }
    if (status === 404) {
      return `not found (404): no runtime "${runtime}", or no admin service at ${runtimeUrl}; check serverUrl and runtime.`;
    }
    if ((status >= 300 && status < 400) || response.type === 'opaqueredirect') {
      const location = response.headers.get('location');
      return `the server answered a redirect (${status}${location ? ` to ${location}` : ''}), which is not followed with the administrator's credentials; check serverUrl.`;
    }
    if (status >= 500)
      return `the admin service failed (${status}); try again later, or check the server's logs.`;
    if (status >= 200 && status < 300)
      return `the answer (${status}) is not what the admin API documents; check serverUrl.`;
    return `unexpected answer ${status}.`;
  }
}

/** `fetch failed (connect ECONNREFUSED 127.0.0.1:1)`: undici keeps the reason in `cause`. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && cause !== error.message ? `${error.message} (${cause})` : error.message;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The server's own words: a JSON `message`, or a short text body. Never a 2xx body. */
function serverMessage({ status, json, text }: AdminAnswer): string {
  if (status >= 200 && status < 300) return '';
  const message = (json as { message?: unknown } | null | undefined)?.message;
  if (typeof message === 'string') return message;
  return json === undefined ? text : '';
}
