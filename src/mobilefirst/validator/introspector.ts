import type { AccessToken, ConfidentialClient } from 'confidential-client';
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
    const { client } = this.#config;
    const url = this.#shown;
    let own = await this.#ownToken();
    let response = await this.#send(own, token);
    if (response.status === 401 || response.status === 403) {
      cancelBody(response);
      own = await this.#ownToken(own);
      response = await this.#send(own, token);
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
    const data = parseIntrospectionResponse(await this.#read(response), url);
    return data === undefined ? INACTIVE : { kind: 'active', data };
  }

  /**
   * The validator's token; a new one when `refused` is the token the endpoint just refused
   * (compare-and-invalidate: a newer token another call already got is used as it is).
   */
  async #ownToken(refused?: AccessToken): Promise<AccessToken> {
    const { client } = this.#config;
    const url = this.#shown;
    try {
      if (refused !== undefined) await client.invalidate(refused);
      return await client.getToken({ scope: INTROSPECTION_SCOPE });
    } catch (cause) {
      throw new IntrospectionError(
        'token',
        url,
        `client "${client.clientId}" could not get a token with scope ${INTROSPECTION_SCOPE} (${describe(cause)}); check its credentials and that its allowed scope includes ${INTROSPECTION_SCOPE}.`,
        { cause },
      );
    }
  }

  async #send(own: AccessToken, token: string): Promise<Response> {
    const { client, url: endpoint, timeout } = this.#config;
    try {
      // Our own Authorization header: client.fetch sends it as is, with no 401/403 recovery of
      // its own (that is done above), and applies the time limit.
      return await client.fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization: own.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
        redirect: 'manual',
        timeout,
      });
    } catch (cause) {
      // A custom fetch's error is not ours: keep both tokens out of its message.
      const why = redact(describe(cause), [token, own.accessToken]);
      throw new IntrospectionError('unreachable', this.#shown, `no answer (${why}).`, { cause });
    }
  }

  async #read(response: Response): Promise<string> {
    const url = this.#shown;
    let text: string | typeof TOO_LARGE;
    try {
      text = await readBodyText(response, MAX_INTROSPECTION_RESPONSE_BYTES);
    } catch (cause) {
      throw new IntrospectionError('unreachable', url, `the answer was cut off.`, {
        status: 200,
        cause,
      });
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
