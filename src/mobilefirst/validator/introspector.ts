import { type AccessToken, type ConfidentialClient, TimeoutError } from 'confidential-client';
import { cancelBody } from '../../util/cancel-body.js';
import { readBodyText, TOO_LARGE } from '../../util/read-body-text.js';
import { redact } from '../../util/redact.js';
import type { IntrospectionData } from './introspection-data.js';
import { IntrospectionError } from './introspection-error.js';
import { parseIntrospectionResponse } from './parse-introspection-response.js';

/** The scope element a caller of the introspection endpoint needs. */
export const INTROSPECTION_SCOPE = 'authorization.introspect';

/** The most bytes read of an introspection answer: a few hundred are usual. */
export const MAX_INTROSPECTION_RESPONSE_BYTES = 256 * 1024;

/** What the introspection endpoint said about one token. @internal */
export type IntrospectionAnswer =
  | { readonly kind: 'active'; readonly data: IntrospectionData }
  | { readonly kind: 'inactive' }
  | { readonly kind: 'conflict' };

/** What the introspector is configured with. @internal */
export interface IntrospectorConfig {
  /** The client whose `authorization.introspect` token authenticates the calls. */
  readonly client: ConfidentialClient;
  /** The introspection endpoint. */
  readonly url: string;
  /** Time limit of one introspection request, ms. */
  readonly timeout: number;
}

/**
 * An endpoint as messages show it: origin and path, without a query that may carry a key.
 *
 * @param url - An absolute URL.
 * @returns Its origin and path.
 * @internal
 */
export function shownUrl(url: string): string {
  const { origin, pathname } = new URL(url);
  return `${origin}${pathname}`;
}

const INACTIVE: IntrospectionAnswer = Object.freeze({ kind: 'inactive' });
const CONFLICT: IntrospectionAnswer = Object.freeze({ kind: 'conflict' });

/**
 * Asks the introspection endpoint about one token, as IBM's validators do: `POST` a form
 * `token=…&token_type_hint=access_token` with the validator's own Bearer token (scope
 * `authorization.introspect`, cached and single-flight in its `ConfidentialClient`).
 *
 * A `401` or `403` means the validator's token was refused: it is dropped (compare-and-invalidate)
 * and the call is made once more with a new one. Every other failure is an
 * {@link IntrospectionError}: nothing is retried blindly, since the middleware answers `503` and
 * the app's client retries.
 *
 * @internal
 * @see https://mobilefirstplatform.ibmcloud.com/api-ref/rest-api-docs/html/refrest-mfp-server-runtime/html/introspectUsingPOST_1.html
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.1
 */
export class Introspector {
  readonly #config: IntrospectorConfig;
  /** The endpoint as errors name it. */
  readonly #shown: string;

  /** @param config - Client, endpoint and time limit. */
  constructor(config: IntrospectorConfig) {
    this.#config = config;
    this.#shown = shownUrl(config.url);
  }

  /**
   * Introspects a token.
   *
   * @param token - The access token to check.
   * @returns Active (with its data), inactive, or conflict (409).
   * @throws {IntrospectionError} The answer could not be had or read.
   */
  async introspect(token: string): Promise<IntrospectionAnswer> {
    // One deadline for the whole check: the validator's own token, the request and the body (a
    // server that sends its headers, then stalls, must not hold a resource's request open).
    const { timeout } = this.#config;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new TimeoutError(this.#shown, timeout)), timeout);
    try {
      return await this.#introspect(token, deadline.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  async #introspect(token: string, signal: AbortSignal): Promise<IntrospectionAnswer> {
    const { client } = this.#config;
    const url = this.#shown;
    let own = await this.#ownToken(signal);
    let response = await this.#send(own, token, signal);
    if (response.status === 401 || response.status === 403) {
      cancelBody(response);
      own = await this.#ownToken(signal, own);
      response = await this.#send(own, token, signal);
      if (response.status === 401 || response.status === 403) {
        cancelBody(response);
        throw new IntrospectionError(
          'rejected',
          url,
          `the endpoint refused a new token of client "${client.clientId}" (${response.status}); check that its allowed scope includes ${INTROSPECTION_SCOPE}.`,
          { status: response.status },
        );
      }
    }
    if (response.status === 409) {
      cancelBody(response);
      return CONFLICT;
    }
    if (response.status !== 200) {
      cancelBody(response);
      throw new IntrospectionError(
        'status',
        url,
        `unexpected status ${response.status}; expected 200.`,
        { status: response.status },
      );
    }
    const data = parseIntrospectionResponse(await this.#read(response, signal), url);
    return data === undefined ? INACTIVE : { kind: 'active', data };
  }

  /**
   * The validator's token; a new one when `refused` is the token the endpoint just refused
   * (compare-and-invalidate: a newer token another call already got is used as it is).
   */
  async #ownToken(signal: AbortSignal, refused?: AccessToken): Promise<AccessToken> {
    const { client } = this.#config;
    const url = this.#shown;
    try {
      if (refused !== undefined) await client.invalidate(refused);
      return await client.getToken({ scope: INTROSPECTION_SCOPE, signal });
    } catch (cause) {
      throw new IntrospectionError(
        'token',
        url,
        `client "${client.clientId}" could not get a token with scope ${INTROSPECTION_SCOPE} (${describe(cause)}); check its credentials and that its allowed scope includes ${INTROSPECTION_SCOPE}.`,
        { cause },
      );
    }
  }

  async #send(own: AccessToken, token: string, signal: AbortSignal): Promise<Response> {
    const { client, url: endpoint } = this.#config;
    try {
      // Our own Authorization header: client.fetch sends it as is, with no 401/403 recovery of
      // its own (that is done above). The signal covers the body too, unlike a timeout.
      return await client.fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: own.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        redirect: 'manual',
        signal,
      });
    } catch (cause) {
      // A custom fetch's error is not ours: keep both tokens out of its message.
      const why = redact(describe(cause), [token, own.accessToken]);
      throw new IntrospectionError('unreachable', this.#shown, `no answer (${why}).`, { cause });
    }
  }

  async #read(response: Response, signal: AbortSignal): Promise<string> {
    const url = this.#shown;
    let text: string | typeof TOO_LARGE;
    try {
      text = await readBodyText(response, MAX_INTROSPECTION_RESPONSE_BYTES);
    } catch (cause) {
      const why = signal.aborted
        ? `no complete answer within ${this.#config.timeout} ms (introspectionTimeout)`
        : 'the answer was cut off';
      throw new IntrospectionError('unreachable', url, `${why}.`, { status: 200, cause });
    }
    if (text === TOO_LARGE) {
      throw new IntrospectionError(
        'malformed',
        url,
        `the answer is larger than ${MAX_INTROSPECTION_RESPONSE_BYTES} bytes.`,
        { status: 200 },
      );
    }
    return text;
  }
}

/** A short description of a caught value for a message: core errors never hold a secret. */
function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message.replace(/^confidential-client: /, '');
  return String(cause);
}
