/**
 * `ClientAuthenticator`: reads the client's credentials at each token request (a function may
 * rotate them), chooses the authentication method, and puts the credentials on the request.
 *
 * @module
 */
import { ConfigurationError } from '../errors/configuration-error.js';
import type {
  BasicAuthEncoding,
  ClientAuthentication,
  CredentialSource,
  DispatcherLike,
  PrivateKeyInput,
} from '../options/types.js';
import { readDispatcher } from '../options/with-dispatcher.js';
import {
  importSigningKey,
  JWT_BEARER_ASSERTION,
  type SigningKey,
  signClientAssertion,
} from './client-assertion.js';
import { basicAuthorization, secretForms } from './client-authentication.js';
import type { ServerMetadata } from './server-metadata.js';

const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;
/** The forms of this many rotated secrets stay on the redaction list (besides the first). */
const REMEMBERED_SECRETS = 3;
/** The methods a secret can use, in the order they are chosen from what a server advertises. */
const SECRET_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'] as const;

/** What the authenticator is configured with (resolved and checked). */
export interface ClientAuthenticatorConfig {
  readonly clientId: string;
  /** The method given; `undefined`: chosen from the server's metadata (see {@link method}). */
  readonly method: ClientAuthentication | undefined;
  readonly basicAuthEncoding: BasicAuthEncoding;
  readonly clientSecret: CredentialSource<string> | undefined;
  readonly privateKey: CredentialSource<PrivateKeyInput> | undefined;
  /**
   * The `dispatcher` option when it is a function: the client certificate (mutual TLS) or CA it
   * carries may rotate, so it counts as a credential read at each token request.
   */
  readonly dispatcher?: (() => DispatcherLike | Promise<DispatcherLike>) | undefined;
  readonly assertion: {
    readonly alg: string | undefined;
    readonly kid: string | undefined;
    /** More protected header parameters. */
    readonly header: Readonly<Record<string, string>>;
    /** `'token_endpoint'`, `'issuer'`, or the `aud` itself. */
    readonly audience: string;
    /** Seconds. */
    readonly lifetime: number;
  };
  readonly now: () => number;
  /**
   * The client's redaction list, shared with its observer and errors: the forms of each secret
   * read are added to it (those of the last few rotated secrets are kept).
   */
  readonly secrets: string[];
}

/** The credentials read for one token request. */
export interface Credentials {
  readonly secret: string | undefined;
  readonly privateKey: PrivateKeyInput | undefined;
  /** The dispatcher read, when the option is a function (compared by identity). */
  readonly dispatcher?: DispatcherLike | undefined;
}

/** What {@link ClientAuthenticator.apply} put on a request, besides the form parameters. */
export interface Authentication {
  /** `Authorization` header value, for `client_secret_basic`. */
  readonly authorization: string | undefined;
  /** Strings of this request to scrub from its errors (the assertion). */
  readonly secrets: readonly string[];
}

/**
 * Client authentication at the token endpoint: `client_secret_basic`, `client_secret_post`,
 * `client_secret_jwt` and `private_key_jwt`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
export class ClientAuthenticator {
  readonly #config: ClientAuthenticatorConfig;
  readonly #baseSecrets: readonly string[];
  readonly #rotated: string[][] = [];
  /** The last private key imported, and what it was imported from. */
  #signingKey: { from: PrivateKeyInput; key: Promise<SigningKey> } | undefined;

  /** @param config - Credentials and how to send them. */
  constructor(config: ClientAuthenticatorConfig) {
    this.#config = config;
    this.#baseSecrets = [...config.secrets];
  }

  /** Whether a credential is a function, so that it may have changed since it was read. */
  get rotating(): boolean {
    return (
      typeof this.#config.clientSecret === 'function' ||
      typeof this.#config.privateKey === 'function' ||
      this.#config.dispatcher !== undefined
    );
  }

  /**
   * Reads the credentials (calling the functions that give them).
   *
   * @returns The credentials of one token request.
   * @throws {ConfigurationError} A function returned no usable value (it is never shown).
   */
  async read(): Promise<Credentials> {
    const { clientSecret, privateKey, dispatcher } = this.#config;
    const secret =
      typeof clientSecret === 'function' ? this.#checkSecret(await clientSecret()) : clientSecret;
    const key = typeof privateKey === 'function' ? checkKey(await privateKey()) : privateKey;
    if (dispatcher === undefined) return { secret, privateKey: key };
    return { secret, privateKey: key, dispatcher: await readDispatcher(dispatcher) };
  }

  /**
   * Whether credentials read later differ from earlier ones (another secret, another key).
   *
   * @param before - Read first.
   * @param after - Read later.
   * @returns `true` when a retry with `after` may succeed where `before` failed.
   */
  changed(before: Credentials, after: Credentials): boolean {
    return (
      before.secret !== after.secret ||
      !sameKey(before.privateKey, after.privateKey) ||
      before.dispatcher !== after.dispatcher
    );
  }

  /**
   * The method used with a server: the one given; else `private_key_jwt` with a private key; else
   * the first of `client_secret_basic`, `client_secret_post`, `client_secret_jwt` the server
   * advertises; `client_secret_basic` when it advertises none of them (RFC 8414's default).
   *
   * @param server - What the client knows of the server.
   * @returns The method.
   */
  method(server: ServerMetadata): ClientAuthentication {
    const { method, privateKey } = this.#config;
    if (method !== undefined) return method;
    if (privateKey !== undefined) return 'private_key_jwt';
    const advertised = server.tokenEndpointAuthMethods;
    return SECRET_METHODS.find((m) => advertised?.includes(m)) ?? 'client_secret_basic';
  }

  /**
   * Puts the credentials on one token request attempt: a Basic header, or form parameters (a
   * fresh assertion for each attempt: servers refuse a `jti` twice).
   *
   * @param credentials - As {@link read} returned them.
   * @param server - The server, for the method and the assertion's `aud`.
   * @param params - The request's form, completed in place.
   * @param tokenUrl - Where the request goes (the mTLS alias with mutual TLS).
   * @returns The `Authorization` header and the strings to scrub from this request's errors.
   */
  async apply(
    credentials: Credentials,
    server: ServerMetadata,
    params: URLSearchParams,
    tokenUrl: string = server.tokenEndpoint,
  ): Promise<Authentication> {
    const { clientId, basicAuthEncoding } = this.#config;
    const method = this.method(server);
    if (method === 'tls_client_auth' || method === 'self_signed_tls_client_auth') {
      // The certificate on the connection authenticates the client (RFC 8705 §2).
      params.set('client_id', clientId);
      return { authorization: undefined, secrets: [] };
    }
    if (method === 'private_key_jwt') {
      const signing = await this.#signingKeyFor(credentials.privateKey);
      return this.#assert(params, server, tokenUrl, signing.key, signing.alg, signing.kid);
    }
    const secret = credentials.secret;
    if (secret === undefined) {
      throw new ConfigurationError('clientSecret', `is required for ${method}.`);
    }
    if (method === 'client_secret_basic') {
      return {
        authorization: basicAuthorization(clientId, secret, basicAuthEncoding),
        secrets: [],
      };
    }
    if (method === 'client_secret_post') {
      params.set('client_id', clientId);
      params.set('client_secret', secret);
      return { authorization: undefined, secrets: [] };
    }
    const { alg = 'HS256', kid } = this.#config.assertion;
    return this.#assert(params, server, tokenUrl, new TextEncoder().encode(secret), alg, kid);
  }

  async #assert(
    params: URLSearchParams,
    server: ServerMetadata,
    tokenUrl: string,
    key: CryptoKey | Uint8Array,
    alg: string,
    kid: string | undefined,
  ): Promise<Authentication> {
    const { clientId, assertion, now } = this.#config;
    const audience =
      assertion.audience === 'token_endpoint'
        ? tokenUrl
        : assertion.audience === 'issuer'
          ? (server.issuer ?? server.tokenEndpoint)
          : assertion.audience;
    let jwt: string;
    try {
      jwt = await signClientAssertion(key, {
        clientId,
        audience,
        lifetime: assertion.lifetime,
        now: now(),
        alg,
        kid,
        header: assertion.header,
      });
    } catch (error) {
      // WebCrypto's reason (a key of another algorithm or hash), never the key itself.
      throw new ConfigurationError(
        'clientAssertion.alg',
        `${alg} cannot sign with this key: ${error instanceof Error ? error.message : String(error)}.`,
      );
    }
    params.set('client_id', clientId);
    params.set('client_assertion_type', JWT_BEARER_ASSERTION);
    params.set('client_assertion', jwt);
    return { authorization: undefined, secrets: [jwt] };
  }

  #signingKeyFor(input: PrivateKeyInput | undefined): Promise<SigningKey> {
    if (input === undefined) {
      return Promise.reject(
        new ConfigurationError('privateKey', 'is required for private_key_jwt.'),
      );
    }
    // Importing a PEM or JWK costs more than signing: the last one is kept (as a non-extractable
    // CryptoKey) until the function hands out another.
    if (this.#signingKey === undefined || !sameKey(this.#signingKey.from, input)) {
      const { alg, kid } = this.#config.assertion;
      const key = importSigningKey(input, alg, kid);
      this.#signingKey = { from: input, key };
      key.catch(() => {
        if (this.#signingKey?.key === key) this.#signingKey = undefined;
      });
    }
    return this.#signingKey.key;
  }

  #checkSecret(value: unknown): string {
    if (typeof value !== 'string' || value === '' || !PRINTABLE_ASCII.test(value)) {
      // Never echo the value.
      throw new ConfigurationError(
        'clientSecret',
        'returned something other than a non-empty string of printable ASCII characters.',
      );
    }
    this.#remember(value);
    return value;
  }

  /** Adds the forms of a secret read from a function to the shared redaction list. */
  #remember(secret: string): void {
    const list = this.#config.secrets;
    if (list.includes(secret)) return;
    this.#rotated.push(secretForms({ clientId: this.#config.clientId, clientSecret: secret }));
    if (this.#rotated.length > REMEMBERED_SECRETS) this.#rotated.shift();
    list.length = 0;
    list.push(...this.#baseSecrets, ...this.#rotated.flat());
  }
}

function checkKey(value: unknown): PrivateKeyInput {
  if (
    (typeof value !== 'string' || value === '') &&
    (typeof value !== 'object' || value === null)
  ) {
    throw new ConfigurationError(
      'privateKey',
      'returned something other than a CryptoKey, a PEM string or a JWK.',
    );
  }
  return value as PrivateKeyInput;
}

function sameKey(a: PrivateKeyInput | undefined, b: PrivateKeyInput | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (isCryptoKey(a) || isCryptoKey(b)) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function isCryptoKey(value: object): boolean {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
}
