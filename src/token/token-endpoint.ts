import pRetry from 'p-retry';
import type { DpopProof, DpopProver } from '../dpop/dpop-prover.js';
import { isConfidentialClientError } from '../errors/confidential-client-error.js';
import { NetworkError } from '../errors/network-error.js';
import { TimeoutError } from '../errors/timeout-error.js';
import { isTokenRequestError } from '../errors/token-request-error.js';
import { TokenResponseError } from '../errors/token-response-error.js';
import type { Observer } from '../observer.js';
import type { RetryOptions } from '../options/types.js';
import { formatScope } from '../scope.js';
import { onAbort } from '../util/on-abort.js';
import { readBodyText, TOO_LARGE } from '../util/read-body-text.js';
import { sleep } from '../util/sleep.js';
import type { AccessToken } from './access-token.js';
import type { ClientAuthenticator, Credentials } from './client-authenticator.js';
import { parseTokenResponse } from './parse-token-response.js';
import type { ServerMetadata } from './server-metadata.js';
import { isRetryable, tokenRequestFailure } from './token-request-failure.js';

const TIMED_OUT = Symbol('timed out');

/** Where {@link TokenEndpoint} notes the status of an answer for `onTokenResponse`. */
/** One attempt's request, credentials on. */
interface Sending {
  readonly tokenUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Strings of this attempt to scrub from its errors (a client assertion). */
  readonly secrets: readonly string[];
}

/** A token request under way: its options, and how many HTTP requests it has sent so far. */
interface InFlight extends TokenEndpointRequest {
  sent: number;
}

/** What one HTTP request to the token endpoint got back, besides the token or the error. */
interface Outcome {
  /** The answer's status, for `onTokenResponse`. */
  status?: number | undefined;
  /** Whether it brought a DPoP nonce other than the one the proof carried. */
  newNonce: boolean;
}

/** The retry policy of one token request (see `RetryOptions`). */
export type RequestRetry = Pick<
  Required<RetryOptions>,
  | 'retries'
  | 'minTimeout'
  | 'maxTimeout'
  | 'factor'
  | 'randomize'
  | 'maxRetryTime'
  | 'maxRetryAfter'
>;

/** What the token endpoint client is configured with (resolved and checked). */
export interface TokenEndpointConfig {
  /**
   * The server: known at once (`tokenUrl`, `serverUrl`, `metadata`) or discovered on first use.
   * Rejects with a `DiscoveryError`, which is not retried here.
   */
  readonly server: (signal: AbortSignal) => ServerMetadata | Promise<ServerMetadata>;
  /** Reads the credentials and puts them on each request. */
  readonly authenticator: ClientAuthenticator;
  /** Extra form parameters, sorted by name. */
  readonly tokenParams: ReadonlyArray<readonly [string, string]>;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  /** Per attempt, ms. */
  readonly timeout: number;
  readonly retry: RequestRetry;
  /** The most bytes read of a 2xx answer. */
  readonly maxResponseBytes: number;
  /** Seconds, when an answer says nothing about the lifetime. */
  readonly defaultExpiresIn: number;
  /** Every form of the secret, scrubbed from errors (grows as rotated secrets are read). */
  readonly secrets: readonly string[];
}

/** Options of one {@link TokenEndpoint.request} call. */
export interface TokenEndpointRequest {
  /** Scope elements to request; `[]` sends no `scope` parameter. */
  scope: readonly string[];
  /** RFC 8707 resource indicators, one `resource` parameter each. */
  resource?: readonly string[] | undefined;
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
  readonly #options: TokenEndpointConfig;
  readonly #observer: Observer;
  readonly #dpop: TokenEndpointDpop | undefined;

  /**
   * @param options - The endpoint's configuration.
   * @param observer - Stats, logs and hooks.
   * @param dpop - With the `dpop` option: signs a proof for each request (RFC 9449 §5).
   */
  constructor(options: TokenEndpointConfig, observer: Observer, dpop?: DpopProver) {
    this.#options = options;
    this.#observer = observer;
    this.#dpop = dpop === undefined ? undefined : new TokenEndpointDpop(dpop);
  }

  /**
   * Requests a token, retrying transient failures. With credentials read from a function, an
   * `invalid_client` answer reads them once more and, if they changed, sends the request once
   * more with the new ones.
   *
   * @param request - Scope, resource, abort signal, and whether it is a background refresh.
   * @returns The new token.
   * @throws {DiscoveryError} The server's metadata could not be read.
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
    const request: InFlight = { ...options, signal: controller.signal, sent: 0 };
    return this.#request(request).finally(unsubscribe);
  }

  async #request(request: InFlight): Promise<AccessToken> {
    const server = await this.#options.server(request.signal);
    const { authenticator } = this.#options;
    const credentials = await authenticator.read();
    try {
      return await this.#withRetries(server, credentials, request);
    } catch (error) {
      if (!authenticator.rotating || !isInvalidClient(error)) throw error;
      // A rotated credential: the one read may have been replaced since (or the server may have
      // dropped it first). Read again; only a different value is worth one more request.
      const fresh = await authenticator.read();
      if (!authenticator.changed(credentials, fresh)) throw error;
      this.#observer.log(
        'info',
        'the token endpoint answered invalid_client and the credential has changed since it was read; trying once with the new one.',
      );
      return this.#withRetries(server, fresh, request);
    }
  }

  #withRetries(
    server: ServerMetadata,
    credentials: Credentials,
    request: InFlight,
  ): Promise<AccessToken> {
    const { retry } = this.#options;
    const started = this.#options.now();
    return pRetry((attempt) => this.#attempt(server, credentials, request, attempt), {
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
        const retryAfter = isTokenRequestError(error) ? error.retryAfter : undefined;
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
    });
  }

  async #attempt(
    server: ServerMetadata,
    credentials: Credentials,
    request: InFlight,
    attempt: number,
  ): Promise<AccessToken> {
    const { authenticator } = this.#options;
    const method = authenticator.method(server);
    // With mutual TLS, the server's mTLS alias of the token endpoint when it has one (RFC 8705 §5).
    const tokenUrl =
      (method === 'tls_client_auth' || method === 'self_signed_tls_client_auth'
        ? server.mtlsEndpointAliases?.token_endpoint
        : undefined) ?? server.tokenEndpoint;
    // Built for each send: an assertion is signed anew each time (a server refuses a jti it has
    // seen), a DPoP nonce retry included.
    const prepare = async (): Promise<Sending> => {
      const params = new URLSearchParams();
      params.set('grant_type', 'client_credentials');
      if (request.scope.length > 0) params.set('scope', formatScope(request.scope));
      for (const resource of request.resource ?? []) params.append('resource', resource);
      for (const [name, value] of this.#options.tokenParams) params.set(name, value);
      const auth = await authenticator.apply(credentials, server, params, tokenUrl);
      const headers: Record<string, string> = {
        'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
        accept: 'application/json',
      };
      if (auth.authorization !== undefined) headers.authorization = auth.authorization;
      return { tokenUrl, headers, body: params.toString(), secrets: auth.secrets };
    };
    const outcome: Outcome = { newNonce: false };
    try {
      return await this.#counted(await prepare(), request, attempt, outcome);
    } catch (error) {
      if (!outcome.newNonce || !isUseDpopNonce(error)) throw error;
      // Once more, with a proof that carries the nonce the server has just handed out (RFC 9449
      // §8), and a new client assertion (a jti is used once).
      this.#observer.log('debug', 'the token endpoint asked for a DPoP nonce; sending again.');
      return this.#counted(await prepare(), request, attempt, { newNonce: false });
    }
  }

  /** One HTTP request, counted and reported to the hooks. */
  async #counted(
    sending: Sending,
    request: InFlight,
    attempt: number,
    outcome: Outcome,
  ): Promise<AccessToken> {
    const observer = this.#observer;
    observer.stats.tokenRequests++;
    const event = {
      tokenUrl: sending.tokenUrl,
      scope: request.scope,
      attempt,
      resend: request.sent,
      background: request.background,
    };
    request.sent++;
    observer.hook('onTokenRequest', event);
    if (!observer.listens('onTokenResponse')) return this.#send(sending, request, outcome);
    try {
      const token = await this.#send(sending, request, outcome);
      observer.hook('onTokenResponse', {
        request: event,
        status: outcome.status,
        error: undefined,
      });
      return token;
    } catch (error) {
      observer.hook('onTokenResponse', { request: event, status: outcome.status, error });
      throw error;
    }
  }

  /** One HTTP request to the token endpoint; what came back goes into `outcome`. */
  async #send(
    sending: Sending,
    request: TokenEndpointRequest,
    outcome: Outcome,
  ): Promise<AccessToken> {
    const { timeout, fetch: fetchImpl, now } = this.#options;
    const { tokenUrl } = sending;
    const controller = new AbortController();
    const onAbort = () => controller.abort(request.signal.reason);
    request.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(TIMED_OUT), timeout);
    (timer as { unref?: () => void }).unref?.();

    try {
      const proof = await this.#dpop?.proof(tokenUrl);
      const headers =
        proof === undefined ? sending.headers : { ...sending.headers, dpop: proof.jwt };
      const sentAt = now();
      let response: Response;
      try {
        response = await fetchImpl(tokenUrl, {
          method: 'POST',
          headers,
          body: sending.body,
          signal: controller.signal,
          // Never follow a redirect with credentials in the request: it could lead them to
          // another origin.
          redirect: 'manual',
        });
      } catch (error) {
        throw this.#transportError(error, controller.signal, tokenUrl);
      }
      outcome.status = response.status;
      if (this.#dpop !== undefined) {
        // A nonce other than the one this proof carried is worth one more request.
        const nonce = this.#dpop.observe(tokenUrl, response);
        outcome.newNonce = nonce !== undefined && nonce !== proof?.nonce;
      }
      try {
        return await this.#handle(
          response,
          request.scope,
          sentAt,
          tokenUrl,
          sending.secrets,
          controller.signal,
        );
      } catch (error) {
        // Ours (a typed answer) as it is; anything else came from reading the body: the
        // connection was reset or timed out mid-body, a network failure like one before the
        // headers.
        if (controller.signal.aborted || !isConfidentialClientError(error)) {
          throw this.#transportError(error, controller.signal, tokenUrl);
        }
        throw error;
      }
    } finally {
      clearTimeout(timer);
      request.signal.removeEventListener('abort', onAbort);
    }
  }

  #transportError(error: unknown, signal: AbortSignal, tokenUrl: string): unknown {
    if (signal.aborted && signal.reason === TIMED_OUT)
      return new TimeoutError(tokenUrl, this.#options.timeout);
    if (signal.aborted) return signal.reason; // closed by the client: not a network failure.
    return new NetworkError(tokenUrl, error);
  }

  async #handle(
    response: Response,
    scope: readonly string[],
    sentAt: number,
    tokenUrl: string,
    requestSecrets: readonly string[],
    signal: AbortSignal,
  ): Promise<AccessToken> {
    const { status } = response;
    if (status >= 200 && status < 300) {
      const limit = this.#options.maxResponseBytes;
      const text = await readBodyText(response, limit, signal);
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
      const token = parseTokenResponse(json, {
        sentAt,
        requestedScope: scope,
        defaultExpiresIn: this.#options.defaultExpiresIn,
        status,
        response,
        dpop: this.#dpop !== undefined,
        warn: (message, details) => this.#observer.log('warn', message, details),
      });
      if (this.#dpop !== undefined && token.tokenType !== 'DPoP') {
        this.#observer.warnOnce(
          'dpop bearer',
          `the token endpoint ${tokenUrl} answered a DPoP token request with a ${token.tokenType} token (it does not bind tokens to the DPoP key); it is used as a Bearer token.`,
        );
      }
      return token;
    }
    const { now } = this.#options;
    const secrets =
      requestSecrets.length === 0
        ? this.#options.secrets
        : [...this.#options.secrets, ...requestSecrets];
    throw await tokenRequestFailure(response, { tokenUrl, scope, now, secrets, signal });
  }
}

function isInvalidClient(error: unknown): boolean {
  return isTokenRequestError(error) && (error.error === 'invalid_client' || error.status === 401);
}

/** The DPoP side of token requests: a proof per send, and the nonces the endpoint hands out. */
class TokenEndpointDpop {
  readonly #prover: DpopProver;

  constructor(prover: DpopProver) {
    this.#prover = prover;
  }

  /** A fresh proof for a token request (`htm` POST, `htu` the token URL). */
  proof(tokenUrl: string): Promise<DpopProof> {
    return this.#prover.proof('POST', new URL(tokenUrl));
  }

  /** Remembers the endpoint's `DPoP-Nonce`, and returns it. */
  observe(tokenUrl: string, response: Response): string | undefined {
    return this.#prover.nonces.observe(new URL(tokenUrl).origin, response);
  }
}

/** `use_dpop_nonce`, as an RFC 6749 error body or a `WWW-Authenticate: DPoP` challenge. */
function isUseDpopNonce(error: unknown): boolean {
  return (
    isTokenRequestError(error) &&
    (error.error === 'use_dpop_nonce' ||
      (error.wwwAuthenticate !== undefined && /use_dpop_nonce/.test(error.wwwAuthenticate)))
  );
}
