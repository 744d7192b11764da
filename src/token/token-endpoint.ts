import pRetry from 'p-retry';
import { isConfidentialClientError } from '../errors/confidential-client-error.js';
import { NetworkError } from '../errors/network-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { TokenRequestError, type TokenRequestErrorDetails } from '../errors/token-request-error.js';
import { TokenResponseError } from '../errors/token-response-error.js';
import type { Observer } from '../observer.js';
import { redact } from '../observer.js';
import type { ResolvedOptions } from '../options.js';
import { formatScope } from '../scope.js';
import { onAbort } from '../util/on-abort.js';
import { sleep } from '../util/sleep.js';
import type { AccessToken } from './access-token.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { parseTokenResponse } from './parse-token-response.js';
import { readBodyText, TOO_LARGE } from './read-body-text.js';

/** Statuses worth another try: the server or a proxy is overloaded or hiccupped. */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Hints appended to RFC 6749 §5.2 error codes: what the user should check. */
const HINTS: Record<string, string> = {
  invalid_client:
    'Check clientId and clientSecret, and that the client is registered on the server.',
  invalid_scope:
    "The client's allowed scope does not cover the requested scope; widen it on the server or request less.",
  unauthorized_client:
    'This client may not use the client_credentials grant; check its registration.',
  unsupported_grant_type:
    'The server does not accept the client_credentials grant at this endpoint.',
  invalid_request:
    'The server rejected the request format; check tokenParams and clientAuthentication.',
};

const TIMED_OUT = Symbol('timed out');

/** The most read of an error answer's body: an RFC 6749 error body is a few hundred bytes. */
const MAX_ERROR_BODY_BYTES = 65_536;

/** Options of one {@link TokenEndpoint.request} call. */
export interface TokenEndpointRequest {
  /** Scope elements to request; `[]` sends no `scope` parameter. */
  scope: readonly string[];
  /** Aborts the request and its retries (the client's `close()`). */
  signal: AbortSignal;
  /** Whether this renews a still-valid token. */
  background: boolean;
}

/**
 * Talks to the OAuth 2.0 token endpoint: builds the client-credentials request, sends it with a
 * per-attempt timeout, retries transient failures with p-retry (honouring `Retry-After`), and
 * turns answers into an {@link AccessToken} or a typed error.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export class TokenEndpoint {
  readonly #options: ResolvedOptions;
  readonly #observer: Observer;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #secrets: readonly string[];

  /**
   * @param options - Resolved client options.
   * @param observer - Stats, logs and hooks.
   */
  constructor(options: ResolvedOptions, observer: Observer) {
    this.#options = options;
    this.#observer = observer;
    this.#secrets = secretForms(options);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
      accept: 'application/json',
    };
    if (options.clientAuthentication === 'client_secret_basic') {
      headers.authorization = basicAuthorization(
        options.clientId,
        options.clientSecret,
        options.basicAuthEncoding,
      );
    }
    this.#headers = headers;
  }

  /**
   * Requests a token, retrying transient failures.
   *
   * @param request - Scope, abort signal, and whether it is a background refresh.
   * @returns The new token.
   * @throws {TokenRequestError} The server refused (OAuth error) or kept failing.
   * @throws {TokenResponseError} The server's 2xx answer held no usable token.
   * @throws {NetworkError} The server could not be reached.
   * @throws {TimeoutError} The last attempt timed out.
   */
  request(options: TokenEndpointRequest): Promise<AccessToken> {
    if (options.signal.aborted) return Promise.reject(options.signal.reason);
    // A signal of this request's own, linked to the client's: p-retry and each attempt listen to
    // it, and the client's signal keeps one listener however many requests run at once.
    const controller = new AbortController();
    const unsubscribe = onAbort(options.signal, (reason) => controller.abort(reason));
    const request = { ...options, signal: controller.signal };
    const { retry } = this.#options;
    const body = this.#body(request.scope);
    const started = this.#options.now();
    return pRetry((attempt) => this.#attempt(body, request, attempt), {
      retries: retry.retries,
      factor: retry.factor,
      minTimeout: retry.minTimeout,
      maxTimeout: retry.maxTimeout,
      randomize: retry.randomize,
      maxRetryTime: retry.maxRetryTime,
      signal: request.signal,
      unref: true,
      shouldRetry: async ({ error, attemptNumber, retriesLeft }) => {
        if (!isRetryable(error)) return false;
        const retryAfter = error instanceof TokenRequestError ? error.retryAfter : undefined;
        if (retryAfter !== undefined) {
          const elapsed = this.#options.now() - started;
          if (retryAfter > retry.maxRetryAfter || elapsed + retryAfter > retry.maxRetryTime) {
            this.#observer.log(
              'warn',
              `the token endpoint asked to retry after ${retryAfter} ms, more than retry.maxRetryAfter or the time left in retry.maxRetryTime allows; giving up.`,
            );
            return false;
          }
          await sleep(retryAfter, request.signal, true);
        }
        this.#observer.stats.retries++;
        this.#observer.log('debug', `token request attempt ${attemptNumber} failed; retrying.`, {
          error: error.message,
          retriesLeft,
        });
        this.#observer.hook('onRetry', {
          attempt: attemptNumber,
          retriesLeft,
          error,
          scope: request.scope,
        });
        return true;
      },
    }).finally(unsubscribe);
  }

  #body(scope: readonly string[]): string {
    const params = new URLSearchParams();
    params.set('grant_type', 'client_credentials');
    if (scope.length > 0) params.set('scope', formatScope(scope));
    for (const [name, value] of this.#options.tokenParams) params.set(name, value);
    if (this.#options.clientAuthentication === 'client_secret_post') {
      params.set('client_id', this.#options.clientId);
      params.set('client_secret', this.#options.clientSecret);
    }
    return params.toString();
  }

  async #attempt(
    body: string,
    request: TokenEndpointRequest,
    attempt: number,
  ): Promise<AccessToken> {
    const { tokenUrl, timeout, fetch: fetchImpl, now } = this.#options;
    const observer = this.#observer;
    observer.stats.tokenRequests++;
    observer.hook('onTokenRequest', {
      tokenUrl,
      scope: request.scope,
      attempt,
      background: request.background,
    });

    const controller = new AbortController();
    const onAbort = () => controller.abort(request.signal.reason);
    request.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(TIMED_OUT), timeout);
    (timer as { unref?: () => void }).unref?.();

    const sentAt = now();
    try {
      let response: Response;
      try {
        response = await fetchImpl(tokenUrl, {
          method: 'POST',
          headers: this.#headers,
          body,
          signal: controller.signal,
          // Never follow a redirect with credentials in the request: it could lead them to
          // another origin.
          redirect: 'manual',
        });
      } catch (error) {
        throw this.#transportError(error, controller.signal);
      }
      try {
        return await this.#handle(response, request.scope, sentAt);
      } catch (error) {
        // Ours (a typed answer) as it is; anything else came from reading the body: the
        // connection was reset or timed out mid-body, a network failure like one before the
        // headers.
        if (controller.signal.aborted || !isConfidentialClientError(error)) {
          throw this.#transportError(error, controller.signal);
        }
        throw error;
      }
    } finally {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
    }
  }

  #transportError(error: unknown, signal: AbortSignal): unknown {
    if (signal.aborted && signal.reason === TIMED_OUT)
      return new TimeoutError(this.#options.tokenUrl, this.#options.timeout);
    if (signal.aborted) return signal.reason; // closed by the client: not a network failure.
    return new NetworkError(this.#options.tokenUrl, error);
  }

  async #handle(
    response: Response,
    scope: readonly string[],
    sentAt: number,
  ): Promise<AccessToken> {
    const { status } = response;
    if (status >= 200 && status < 300) {
      const limit = this.#options.maxTokenResponseBytes;
      const text = await readBodyText(response, limit);
      if (text === TOO_LARGE) {
        throw new TokenResponseError(
          'body',
          `the token endpoint answered ${status} with a body larger than ${limit} bytes (maxTokenResponseBytes; decompressed bytes count); a token response is a few KB, so check serverUrl/tokenUrl, or raise maxTokenResponseBytes.`,
          { status, response },
        );
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        // No `cause`: JSON.parse's message quotes the body, which may be a bare token.
        const type = response.headers.get('content-type') ?? 'no content type';
        throw new TokenResponseError(
          'body',
          `the token endpoint answered ${status} with a body that is not JSON (${type}); check serverUrl/tokenUrl, or a proxy in between.`,
          { status, response },
        );
      }
      return parseTokenResponse(json, {
        sentAt,
        requestedScope: scope,
        defaultExpiresIn: this.#options.defaultExpiresIn,
        status,
        response,
        warn: (message, details) => this.#observer.log('warn', message, details),
      });
    }
    throw await this.#errorFor(response, scope);
  }

  /**
   * Classifies a failed answer, in a fixed order: redirect → retryable status → RFC 6749 §5.2
   * error body → `WWW-Authenticate` challenge → generic HTTP error.
   */
  async #errorFor(response: Response, scope: readonly string[]): Promise<TokenRequestError> {
    const { status } = response;
    const url = this.#options.tokenUrl;
    const wwwAuthenticate = response.headers.get('www-authenticate') ?? undefined;
    // Every text field is scrubbed the same way: a server may echo the secret anywhere, and the
    // error travels to logs, hooks, `inspect` and JSON.
    const scrub = (text: string | undefined) =>
      text === undefined ? undefined : redact(text, this.#secrets);
    const make = (message: string, extra: Partial<TokenRequestErrorDetails> = {}) =>
      new TokenRequestError(scrub(message) as string, {
        status,
        response,
        ...extra,
        error: scrub(extra.error),
        errorDescription: scrub(extra.errorDescription),
        errorUri: scrub(extra.errorUri),
        wwwAuthenticate: scrub(wwwAuthenticate),
      });

    if (status >= 300 && status < 400) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      return make(
        `the token endpoint ${url} redirected (${status}${location ? ` to ${location}` : ''}); credentials are never sent on a redirect, so set tokenUrl to the final URL.`,
      );
    }

    let text: string | typeof TOO_LARGE = '';
    try {
      text = await readBodyText(response, MAX_ERROR_BODY_BYTES);
    } catch {
      // An unreadable body leaves the status to speak.
    }
    const oauth = text === TOO_LARGE ? undefined : parseOAuthError(text);

    if (RETRYABLE_STATUSES.has(status)) {
      return make(
        `the token endpoint ${url} answered ${status}${oauth ? ` (${oauth.error})` : ''}; the server is unavailable or overloaded.`,
        {
          ...oauth,
          retryAfter: parseRetryAfter(response.headers.get('retry-after'), this.#options.now()),
        },
      );
    }
    if (oauth !== undefined) {
      const description = oauth.errorDescription ? `: ${oauth.errorDescription}` : '';
      const scopeNote =
        oauth.error === 'invalid_scope' ? ` (requested scope: "${formatScope(scope)}")` : '';
      return make(
        `the token endpoint refused the request with ${status} ${oauth.error}${description}${scopeNote}. ${HINTS[oauth.error] ?? ''}`.trimEnd(),
        oauth,
      );
    }
    if (status === 401) {
      return make(
        `the token endpoint answered 401 (${wwwAuthenticate ?? 'no challenge'}). ${HINTS.invalid_client}`,
        {
          error: 'invalid_client',
        },
      );
    }
    return make(
      `the token endpoint ${url} answered HTTP ${status}; check serverUrl, runtime and tokenUrl${status === 404 ? ' (404: no token endpoint there)' : ''}.`,
    );
  }
}

/** Whether a token-request failure is worth another attempt. */
function isRetryable(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof TimeoutError) return true;
  return error instanceof TokenRequestError && RETRYABLE_STATUSES.has(error.status);
}

/**
 * Reads an RFC 6749 §5.2 error body, if `text` is one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
function parseOAuthError(
  text: string,
):
  | { error: string; errorDescription: string | undefined; errorUri: string | undefined }
  | undefined {
  if (text === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const body = json as { error?: unknown; error_description?: unknown; error_uri?: unknown } | null;
  if (
    typeof body !== 'object' ||
    body === null ||
    typeof body.error !== 'string' ||
    body.error === ''
  )
    return undefined;
  return {
    error: body.error.slice(0, 100),
    errorDescription:
      typeof body.error_description === 'string' ? body.error_description.slice(0, 500) : undefined,
    errorUri: typeof body.error_uri === 'string' ? body.error_uri.slice(0, 500) : undefined,
  };
}

/**
 * The `Authorization: Basic` value for a client ID and secret.
 *
 * @param id - Client ID.
 * @param secret - Client secret.
 * @param encoding - `form` (RFC 6749 §2.3.1: form-urlencode each first) or `plain` (RFC 7617).
 * @returns `Basic <base64>`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function basicAuthorization(id: string, secret: string, encoding: 'form' | 'plain'): string {
  const pair = encoding === 'form' ? `${formEncode(id)}:${formEncode(secret)}` : `${id}:${secret}`;
  // Credentials are printable ASCII (checked by the options), so btoa's Latin-1 rule holds.
  return `Basic ${btoa(pair)}`;
}

/**
 * Every form in which the client secret leaves this process: as it is, form-encoded (request
 * bodies, the RFC 6749 Basic form) and inside each Basic header value. All are scrubbed from text
 * that leaves the library.
 *
 * @param options - The client's ID and secret.
 * @returns The strings to redact.
 */
export function secretForms(options: { clientId: string; clientSecret: string }): string[] {
  const { clientId, clientSecret } = options;
  return [
    ...new Set([
      clientSecret,
      formEncode(clientSecret),
      encodeURIComponent(clientSecret),
      // As a server may echo it: inside an RFC 9110 quoted-string, or a JSON string.
      clientSecret.replace(/["\\]/g, '\\$&'),
      JSON.stringify(clientSecret).slice(1, -1),
      basicAuthorization(clientId, clientSecret, 'form').slice(6),
      basicAuthorization(clientId, clientSecret, 'plain').slice(6),
    ]),
  ];
}

function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}
