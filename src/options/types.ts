// Over 300 lines on purpose: the public option types, most of it the TSDoc of each field (what it
// does, its @default, an example); splitting them would scatter what a user reads in one place.
/**
 * The public option types of `ConfidentialClient`, each field documented with its default.
 * Resolution and validation live in `resolve-options.ts`; the defaults in `defaults.ts`.
 *
 * @module
 */
import type { Hooks } from '../hooks.js';
import type { Logger } from '../logger.js';
import type { ScopeInput } from '../scope.js';
import type { TokenStore } from '../token/token-store.js';
import type { DpopOptions } from './dpop-options.js';

/**
 * How the client authenticates to the token endpoint.
 * - `client_secret_basic`: HTTP Basic `Authorization` header (RFC 6749 §2.3.1). MobileFirst
 *   requires this one.
 * - `client_secret_post`: `client_id` and `client_secret` in the form body.
 * - `client_secret_jwt`: a short-lived JWT signed with the client secret (HMAC), sent as
 *   `client_assertion` (RFC 7523 §2.2, OpenID Connect Core §9). The secret itself never leaves.
 * - `private_key_jwt`: a short-lived JWT signed with the client's private key (`privateKey`); the
 *   server holds the public key. No shared secret at all.
 * - `tls_client_auth` (RFC 8705 §2.1): the client certificate on the TLS connection, issued by a
 *   CA the server trusts for this client; `client_id` in the body and no secret at all. The
 *   certificate goes in the `dispatcher` (`new Agent({ connect: { cert, key } })`).
 * - `self_signed_tls_client_auth` (RFC 8705 §2.2): the same with a self-signed certificate the
 *   server holds in the client's registration (`jwks` / `jwks_uri`, `x5c`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 */
export type ClientAuthentication =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'tls_client_auth'
  | 'self_signed_tls_client_auth';

/**
 * A credential, or a function that reads it (from a vault, a mounted file…). A function is called
 * at each token request, so a rotated credential is picked up without a restart; see
 * {@link SecretOptions.clientSecret}.
 */
export type CredentialSource<T> = T | (() => T | Promise<T>);

/**
 * A private key for `private_key_jwt`: a WebCrypto `CryptoKey` (best: it may be non-extractable),
 * a PKCS#8 PEM string (`-----BEGIN PRIVATE KEY-----`), or a private JWK (with `d`).
 */
export type PrivateKeyInput = CryptoKey | string | (JsonWebKey & { kid?: string | undefined });

/** How the signed assertions of `client_secret_jwt` and `private_key_jwt` are made. */
export interface ClientAssertionOptions {
  /**
   * JWS algorithm. Inferred when omitted: `HS256` for `client_secret_jwt`; for a private key from
   * the key itself (a JWK's `alg`; RSA → `RS256`, RSA-PSS → `PS256`, P-256/384/521 → `ES256`/
   * `ES384`/`ES512`, Ed25519 → `EdDSA`).
   * @default inferred
   */
  alg?: string | undefined;
  /**
   * `kid` header of the assertion, so the server picks the right key of the client's JWKS.
   * @default the JWK's `kid`, else none
   */
  kid?: string | undefined;
  /**
   * More protected header parameters of the assertion, e.g. `{ 'x5t#S256': '…' }` (the
   * certificate thumbprint Entra ID asks for). `alg` and `kid` are set by their own options.
   * @default none
   */
  header?: Readonly<Record<string, string>> | undefined;
  /**
   * The assertion's `aud`: `'token_endpoint'` (OpenID Connect Core §9; what Entra ID, Okta,
   * Keycloak and oidc-provider take), `'issuer'` (the issuer identifier, as RFC 7523bis asks and
   * Auth0 expects; needs `issuer`), or any string given as it is.
   * @default 'token_endpoint'
   */
  audience?: 'token_endpoint' | 'issuer' | (string & {}) | undefined;
  /**
   * Lifetime of one assertion (`exp − iat`), in seconds. Each token request signs a new one with
   * a unique `jti`.
   * @default 60
   */
  lifetime?: number | undefined;
}

/**
 * Authorization server metadata (RFC 8414 §2, as discovery documents hold it, snake_case): the
 * fields the client reads. Pass it as `metadata` to skip the discovery request.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
export interface AuthorizationServerMetadata {
  /** The issuer identifier; must equal the `issuer` option exactly (RFC 8414 §3.3). */
  issuer: string;
  /** The token endpoint URL. */
  token_endpoint: string;
  /** Client authentication methods the token endpoint takes. RFC 8414 default: `client_secret_basic`. */
  token_endpoint_auth_methods_supported?: readonly string[] | undefined;
  /** JWS algorithms the server takes for signed client assertions. */
  token_endpoint_auth_signing_alg_values_supported?: readonly string[] | undefined;
  /** JWS algorithms the server takes for DPoP proofs (RFC 9449 §5.1). */
  dpop_signing_alg_values_supported?: readonly string[] | undefined;
  /** RFC 7662 introspection endpoint. */
  introspection_endpoint?: string | undefined;
  /** RFC 7009 revocation endpoint. */
  revocation_endpoint?: string | undefined;
  /** Endpoints to use over mutual TLS instead (RFC 8705 §5). */
  mtls_endpoint_aliases?: Readonly<Record<string, string>> | undefined;
  /** Other members are kept but not read. */
  [member: string]: unknown;
}

/**
 * RFC 8707 resource indicators: the absolute URI (or list of them) of the resource(s) a token is
 * meant for, sent as `resource` parameters.
 */
export type ResourceInput = string | URL | ReadonlyArray<string | URL>;

/**
 * How the client ID and secret are encoded inside the Basic header before base64.
 * - `form` (RFC 6749 §2.3.1): each is `application/x-www-form-urlencoded` first, so `:` `%` `+`
 *   and space survive the trip (`a:b` → `a%3Ab`, space → `+`). What the OAuth spec requires, and
 *   what servers that follow it decode.
 * - `plain` (RFC 7617): the raw bytes, `id:secret`. For servers that do not form-decode. A client
 *   ID that holds `:` cannot be sent this way and is refused by the constructor.
 *
 * Characters outside `A–Z a–z 0–9 - . _ ~ *` are the only ones the two differ on; MobileFirst's
 * predefined clients (`test`, `admin`, `push`) encode the same either way.
 */
export type BasicAuthEncoding = 'form' | 'plain';

/**
 * An undici `Dispatcher` (`Agent`, `ProxyAgent`, `EnvHttpProxyAgent`, `Pool`, …), typed by the
 * one method the client checks for, so that these types need no undici.
 *
 * @see https://undici.nodejs.org/#/docs/api/Dispatcher
 */
export interface DispatcherLike {
  /** Undici's `Dispatcher.dispatch`: its presence is all the client checks. */
  dispatch(...args: never[]): unknown;
}

/** Retry policy for token requests (network errors, 408, 429, 500, 502, 503, 504). */
export interface RetryOptions {
  /**
   * How many times a failed token request is retried; 0 turns retries off.
   * @default 3
   */
  retries?: number;
  /**
   * Delay before the first retry, in ms; doubled (see `factor`) for each further retry.
   * @default 200
   */
  minTimeout?: number;
  /**
   * Longest delay between two attempts, in ms.
   * @default 5000
   */
  maxTimeout?: number;
  /**
   * Exponential growth factor of the delay.
   * @default 2
   */
  factor?: number;
  /**
   * Multiply each delay by a random factor between 1 and 2 (jitter), so that a fleet of workers
   * does not retry in lockstep.
   * @default true
   */
  randomize?: boolean;
  /**
   * Give up retrying once this much time (ms) has passed since the first attempt.
   * @default 30000
   */
  maxRetryTime?: number;
  /**
   * The longest `Retry-After` (429/503) that is waited out inside one token request, in ms. A
   * server that asks for a longer wait gets no retry: the error is thrown at once, and every call
   * for a token then fails at once with that error (its `retryAfter` says how long is left) until
   * the server's wait has passed. Only then is the token endpoint asked again.
   * @default 30000
   */
  maxRetryAfter?: number;
  /**
   * The longest a server's `Retry-After` holds back calls across calls, in ms: a longer one (a
   * proxy's `Retry-After: 999999999`, say) holds them this long, then the endpoint is asked again.
   * 0: never hold across calls.
   * @default 3600000 (1 hour)
   */
  maxRetryAfterHold?: number;
  /**
   * After a token request a caller waited for fails for good (retries spent, or an answer that is
   * never retried such as `400 invalid_client`), calls for the same scope fail at once with the
   * same error for this long, in ms, instead of each sending a request of its own. Doubled for
   * each further failure in a row, up to `maxCooldown`; reset by a success. With `randomize`, each
   * cooldown is between 0.8 and 1 times as long, so that a fleet does not come back in lockstep.
   * 0 turns it off.
   *
   * A cached token that is still valid is served during a cooldown as always: only calls that
   * would have had to wait for the token endpoint fail. A failed background renewal does not
   * start a cooldown (it backs off on its own).
   * @default 1000
   */
  cooldown?: number;
  /**
   * The longest cooldown, in ms.
   * @default 30000
   */
  maxCooldown?: number;
}

/**
 * When cached tokens are renewed. A token is *fresh* until `expiresAt − refreshBefore`, then
 * *stale* (still served at once, and one background refresh starts) until `expiresAt −
 * clockSkew`, then *expired* (callers wait for a new token).
 */
export interface RefreshOptions {
  /**
   * How long before expiry a token is renewed in the background, in ms, or a function of the
   * token's lifetime in ms.
   *
   * The default is 20 % of the lifetime, at least min(10 s, half the lifetime), at most 5 minutes:
   * a one-hour MobileFirst token is renewed 5 minutes before it expires, a 60 s token 12 s
   * before, a 2 s test token 1 s before.
   * @default (lifetime) => min(5 min, max(0.2 × lifetime, min(10 s, lifetime / 2)))
   */
  refreshBefore?: number | ((lifetimeMs: number) => number);
  /**
   * Safety margin for clock differences and network latency: a token is treated as expired this
   * long before its `expiresAt`, in ms, or a function of its lifetime.
   * @default (lifetime) => min(30 s, 5 % of lifetime)
   */
  clockSkew?: number | ((lifetimeMs: number) => number);
  /**
   * Keep cached tokens fresh with a background timer even while the app is idle, so the first
   * request after a quiet spell never waits for a token. The timer is `unref`'d: it never keeps
   * the process alive.
   * @default false
   */
  autoRefresh?: boolean;
  /**
   * Lifetime assumed for a token whose response has no `expires_in` and that is not a JWT with an
   * `exp` claim, in seconds. Short on purpose: a token whose lifetime is unknown is renewed often
   * rather than used after it has expired.
   * @default 300
   */
  defaultExpiresIn?: number;
}

/** When `client.fetch` may send a request again after a `401` or `403 insufficient_scope`. */
export interface ReplayOptions {
  /**
   * Replay non-idempotent methods (`POST`, `PATCH`) too. A `401`/`403` from a token check means
   * the request never reached the resource's logic, so this is safe against MobileFirst and most
   * servers; turn it off where a server may act on a request and still answer `401`.
   * @default true
   */
  nonIdempotent?: boolean | undefined;
  /**
   * The largest stream body (`ReadableStream`, `Request` body) buffered in memory to allow a
   * replay. A larger one is sent once, unbuffered, and a `401`/`403` to it is returned as it is.
   * Strings, `ArrayBuffer`s, typed arrays, `Blob`s, `URLSearchParams` and `FormData` are always
   * replayable without copying.
   * @default 1048576 (1 MiB)
   */
  maxBodyBytes?: number | undefined;
}

/** Where the token endpoint of a MobileFirst server is: `{serverUrl}/{runtime}/api/az/v1/token`. */
export interface ServerUrlOptions {
  /**
   * Base URL of the MobileFirst server, e.g. `https://mfp.example.com` or
   * `http://localhost:9080`. The token URL is `{serverUrl}/{runtime}/api/az/v1/token`. Give
   * either this or `tokenUrl`.
   */
  serverUrl: string | URL;
  /**
   * MobileFirst runtime name, used with `serverUrl`.
   * @default 'mfp'
   */
  runtime?: string | undefined;
  /** Not with `serverUrl`: give one of the two. */
  tokenUrl?: undefined;
  /** Not with `serverUrl`. */
  issuer?: undefined;
  /** Only with `issuer`. */
  metadata?: undefined;
}

/** Where the token endpoint of any OAuth 2.0 server is: its full URL. */
export interface TokenUrlOptions {
  /** Full URL of any OAuth 2.0 token endpoint. Give either this or `serverUrl`. */
  tokenUrl: string | URL;
  /** Not with `tokenUrl`: give one of the two. */
  serverUrl?: undefined;
  /** Only with `serverUrl`. */
  runtime?: undefined;
  /** Not with `tokenUrl`. */
  issuer?: undefined;
  /** Only with `issuer`. */
  metadata?: undefined;
}

/**
 * Where the token endpoint of an OAuth 2.0 server is: found through its metadata (RFC 8414
 * discovery), read once, on the first token request.
 */
export interface IssuerOptions {
  /**
   * The authorization server's issuer identifier, e.g. `https://idp.example.com/realms/acme`. Its
   * metadata is read from `/.well-known/oauth-authorization-server` (RFC 8414, with the issuer's
   * path after it), falling back to `{issuer}/.well-known/openid-configuration` (OpenID Connect
   * Discovery); the document's `issuer` must equal this exactly.
   * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
   */
  issuer: string | URL;
  /**
   * The server's metadata, when you have it: no discovery request is sent. Its `issuer` must equal
   * the `issuer` option.
   * @default discovered
   */
  metadata?: AuthorizationServerMetadata | undefined;
  /** Not with `issuer`. */
  serverUrl?: undefined;
  /** Not with `issuer`. */
  tokenUrl?: undefined;
  /** Only with `serverUrl`. */
  runtime?: undefined;
}

/**
 * Options of {@link ConfidentialClient}: where the token endpoint is (`serverUrl` for MobileFirst,
 * `tokenUrl` for any OAuth 2.0 server, or `issuer` to discover it; exactly one of them), the
 * credentials, and behaviour.
 */
export type ConfidentialClientOptions = ClientOptions &
  (ServerUrlOptions | TokenUrlOptions | IssuerOptions) &
  (SecretOptions | PrivateKeyOptions | MutualTlsOptions);

/** The client authenticates with a shared secret (`client_secret_*`). */
export interface SecretOptions {
  /**
   * Confidential client secret: non-empty printable ASCII. Never logged, never in an error.
   *
   * A function is called at each token request (a rotated secret is picked up without a restart).
   * After an `invalid_client` answer it is called once more and, if it returns another value, the
   * request is sent once more with it; an unchanged value fails at once (the server would refuse
   * it again, and some lock a client out after repeated failures).
   */
  clientSecret: CredentialSource<string>;
  /** Only with `private_key_jwt`. */
  privateKey?: undefined;
  /** A method that uses the secret (or none: see `ClientOptions.clientAuthentication`). */
  clientAuthentication?:
    | 'client_secret_basic'
    | 'client_secret_post'
    | 'client_secret_jwt'
    | undefined;
}

/**
 * The client authenticates with its TLS client certificate (RFC 8705 §2): no secret at all. The
 * certificate goes in the `dispatcher` (`new Agent({ connect: { cert, key } })` from undici), which
 * then also presents it to resources, as certificate-bound tokens (`cnf.x5t#S256`) require. With
 * `issuer`, the server's `mtls_endpoint_aliases.token_endpoint` is used when it has one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8705
 */
export interface MutualTlsOptions {
  /** `tls_client_auth` (a certificate from a CA) or `self_signed_tls_client_auth`. */
  clientAuthentication: 'tls_client_auth' | 'self_signed_tls_client_auth';
  /** Not with mutual TLS: the certificate authenticates the client. */
  clientSecret?: undefined;
  /** Not with mutual TLS. */
  privateKey?: undefined;
}

/** The client authenticates with a private key (`private_key_jwt`): no shared secret. */
export interface PrivateKeyOptions {
  /**
   * The private key of `private_key_jwt` (a `CryptoKey`, a PKCS#8 PEM or a private JWK), or a
   * function returning one, read at each token request like a `clientSecret` function (and read
   * again after `invalid_client`). Giving it selects `private_key_jwt`. A PEM or JWK is imported
   * once per value into a non-extractable `CryptoKey`.
   */
  privateKey: CredentialSource<PrivateKeyInput>;
  /** `private_key_jwt`, the only method a private key serves (the default with one). */
  clientAuthentication?: 'private_key_jwt' | undefined;
  /** Not with `privateKey`. */
  clientSecret?: undefined;
}

/** Everything in {@link ConfidentialClientOptions} but where the token endpoint is. */
export interface ClientOptions {
  /** Confidential client ID: non-empty printable ASCII (MobileFirst's rule). */
  clientId: string;
  /** How the JWTs of `client_secret_jwt` and `private_key_jwt` are made. */
  clientAssertion?: ClientAssertionOptions | undefined;
  /**
   * RFC 8707 resource indicator(s) of every token: absolute URIs, no fragment, sent as `resource`
   * parameters and part of the cache key. `getToken({ resource })` and
   * `client.fetch(url, { resource })` choose it per call.
   * @default none
   * @see https://www.rfc-editor.org/rfc/rfc8707
   */
  resource?: ResourceInput | undefined;
  /**
   * Default scope of tokens: a space-separated string or a list of elements. Omitted: no `scope`
   * parameter is sent and the server applies its default (MobileFirst: `RegisteredClient`).
   */
  scope?: ScopeInput | undefined;
  /**
   * How the client authenticates to the token endpoint. When omitted: `private_key_jwt` if
   * `privateKey` is given; with `issuer`, the first of `client_secret_basic`, `client_secret_post`,
   * `client_secret_jwt` that the server advertises in `token_endpoint_auth_methods_supported`
   * (none advertised: `client_secret_basic`, RFC 8414's default); otherwise `client_secret_basic`.
   * @default 'client_secret_basic'
   */
  clientAuthentication?: ClientAuthentication | undefined;
  /**
   * How ID and secret are encoded inside the Basic header.
   * @default 'form'
   */
  basicAuthEncoding?: BasicAuthEncoding;
  /**
   * Extra form parameters sent with every token request (e.g. `{ audience: '…' }`). They are part
   * of the cache key. `grant_type`, `scope`, `client_id`, `client_secret`, `client_assertion` and
   * `client_assertion_type` cannot be set here. A `resource` here is taken as the `resource`
   * option (give one of the two).
   */
  tokenParams?: Readonly<Record<string, string>>;
  /**
   * The `fetch` used for token requests (and, later, for resources).
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
  /**
   * An undici dispatcher for every request the client sends, token requests and `client.fetch`
   * alike: `new Agent({ connect: { ca } })` to trust a private CA, `new ProxyAgent(url)` or
   * `new EnvHttpProxyAgent()` for a proxy, `new Agent({ connect: { cert, key } })` for a client
   * certificate (mutual TLS). Sent as `init.dispatcher`, which Node's global `fetch` and undici's
   * `fetch` read; a request's own `init.dispatcher` wins. Node only: Bun and Deno ignore it (give
   * them a `fetch` that sets their own TLS options). The client never closes it.
   *
   * A function (sync or async) is called for every request instead: return a new dispatcher when
   * the client certificate or the CA rotates, and the client uses it from the next request on,
   * without a restart. After an `invalid_client` answer it is called once more, and a different
   * dispatcher gets one more try (as a rotated `clientSecret` does).
   * @default none: the runtime's global dispatcher
   */
  dispatcher?: CredentialSource<DispatcherLike> | undefined;
  /**
   * The clock, in epoch ms. Inject one in tests.
   * @default Date.now
   */
  now?: () => number;
  /**
   * The most bytes read of a token endpoint's answer (after decompression). A token response is a
   * few KB; a larger answer fails with a `TokenResponseError` (`field: 'body'`) instead of filling
   * memory.
   * @default 1048576 (1 MiB)
   */
  maxTokenResponseBytes?: number;
  /**
   * Time limit of one token request attempt, in ms. An attempt that takes longer is aborted and
   * counts as a retryable failure; the last one rejects with `TimeoutError`.
   * @default 10000
   */
  timeout?: number;
  /**
   * Retry policy for token requests, or `false` for none.
   * @default { retries: 3, minTimeout: 200, maxTimeout: 5000, factor: 2, randomize: true, maxRetryTime: 30000, maxRetryAfter: 30000 }
   */
  retry?: RetryOptions | false;
  /** When tokens are renewed; see {@link RefreshOptions}. */
  refresh?: RefreshOptions;
  /**
   * Where tokens are cached. Use a shared store to share tokens between processes.
   * @default new MemoryTokenStore({ maxEntries: 500 })
   */
  store?: TokenStore;
  /**
   * Receives debug/info/warn/error lines. None of them ever holds a secret or a whole token.
   * @default no logging
   */
  logger?: Logger;
  /**
   * Callbacks on token requests, new tokens, retries, errors, cache lookups and replays; see
   * {@link Hooks}. A list runs each set in turn (e.g. `[openTelemetryHooks(), { onError }]`).
   * @default none
   */
  hooks?: Hooks | readonly Hooks[];
  /**
   * Origins `client.fetch` and `client.ky` attach the token to, e.g.
   * `['https://api.example.com']`, or `'*'` for any `https:` origin (and `http:` on loopback). A
   * request to any other origin goes out untouched, without a token.
   * @default the origin of `serverUrl` / `tokenUrl`
   */
  origins?: ReadonlyArray<string | URL> | '*' | undefined;
  /**
   * Replays of `client.fetch` requests after a `401` (new token) or `403 insufficient_scope`
   * (wider scope), or `false` for none (the response is returned as it is).
   * @default { nonIdempotent: true, maxBodyBytes: 1048576 }
   */
  replay?: ReplayOptions | false | undefined;
  /**
   * Default time limit of one `client.fetch` request in ms, including the wait for a token and
   * any replay, until the response headers arrive. `init.timeout` overrides it per request.
   * @default none (like fetch)
   */
  requestTimeout?: number | undefined;
  /**
   * DPoP (RFC 9449): bind tokens to a key pair, so that a stolen token is useless without the
   * private key. `true` generates an ES256 key pair (the private key cannot be exported); or pass
   * a key pair (`CryptoKeyPair`, `{ privateKey, publicKey }` as `CryptoKey`s or JWKs), a private
   * JWK, and `alg`. Each token request and each `client.fetch`/`client.ky` request that carries
   * the token then carries a fresh proof (`DPoP` header), and the token goes as
   * `Authorization: DPoP …`. Server nonces are handled. A server that answers with a Bearer token
   * anyway gets it used as a Bearer token (RFC 9449 §5), with one warning.
   * @default false
   * @see https://www.rfc-editor.org/rfc/rfc9449
   */
  dpop?: boolean | DpopOptions | JsonWebKey | undefined;
  /**
   * Allow `http:` token URLs on hosts other than loopback (`localhost`, `127.0.0.0/8`, `[::1]`).
   * Off by default: the secret would cross the network in clear.
   * @default false
   */
  allowInsecureHttp?: boolean;
}
