import { ConfigurationError } from './errors/configuration-error.js';
import type { Hooks } from './hooks.js';
import type { Logger } from './logger.js';
import { isScopeToken, normalizeScope, type ScopeInput } from './scope.js';
import { MemoryTokenStore } from './token/memory-token-store.js';
import type { TokenStore } from './token/token-store.js';
import { findUnknownKey, shortKey } from './util/unknown-keys.js';

/**
 * How the client authenticates to the token endpoint.
 * - `client_secret_basic`: HTTP Basic `Authorization` header (RFC 6749 §2.3.1). MobileFirst
 *   requires this one.
 * - `client_secret_post`: `client_id` and `client_secret` in the form body.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export type ClientAuthentication = 'client_secret_basic' | 'client_secret_post';

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
}

/** Where the token endpoint of any OAuth 2.0 server is: its full URL. */
export interface TokenUrlOptions {
  /** Full URL of any OAuth 2.0 token endpoint. Give either this or `serverUrl`. */
  tokenUrl: string | URL;
  /** Not with `tokenUrl`: give one of the two. */
  serverUrl?: undefined;
  /** Only with `serverUrl`. */
  runtime?: undefined;
}

/**
 * Options of {@link ConfidentialClient}: the token endpoint (`serverUrl` for MobileFirst, or
 * `tokenUrl` for any OAuth 2.0 server; exactly one of them), the credentials, and behaviour.
 */
export type ConfidentialClientOptions = ClientOptions & (ServerUrlOptions | TokenUrlOptions);

/** Everything in {@link ConfidentialClientOptions} but where the token endpoint is. */
export interface ClientOptions {
  /** Confidential client ID: non-empty printable ASCII (MobileFirst's rule). */
  clientId: string;
  /** Confidential client secret: non-empty printable ASCII. Never logged, never in an error. */
  clientSecret: string;
  /**
   * Default scope of tokens: a space-separated string or a list of elements. Omitted: no `scope`
   * parameter is sent and the server applies its default (MobileFirst: `RegisteredClient`).
   */
  scope?: ScopeInput | undefined;
  /**
   * How the client authenticates to the token endpoint.
   * @default 'client_secret_basic'
   */
  clientAuthentication?: ClientAuthentication;
  /**
   * How ID and secret are encoded inside the Basic header.
   * @default 'form'
   */
  basicAuthEncoding?: BasicAuthEncoding;
  /**
   * Extra form parameters sent with every token request (e.g. `{ audience: '…' }` or
   * `{ resource: '…' }`, RFC 8707). They are part of the cache key. `grant_type`, `scope`,
   * `client_id` and `client_secret` cannot be set here.
   */
  tokenParams?: Readonly<Record<string, string>>;
  /**
   * The `fetch` used for token requests (and, later, for resources).
   * @default globalThis.fetch
   */
  fetch?: typeof fetch;
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
  /** Callbacks on token requests, new tokens, retries and errors; see {@link Hooks}. */
  hooks?: Hooks;
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
   * Allow `http:` token URLs on hosts other than loopback (`localhost`, `127.0.0.0/8`, `[::1]`).
   * Off by default: the secret would cross the network in clear.
   * @default false
   */
  allowInsecureHttp?: boolean;
}

/** @internal Options with every default filled in and every value checked. */
export interface ResolvedOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: readonly string[];
  clientAuthentication: ClientAuthentication;
  basicAuthEncoding: BasicAuthEncoding;
  tokenParams: ReadonlyArray<readonly [string, string]>;
  fetch: typeof fetch;
  now: () => number;
  timeout: number;
  retry: Required<RetryOptions>;
  maxTokenResponseBytes: number;
  refreshBefore: (lifetimeMs: number) => number;
  clockSkew: (lifetimeMs: number) => number;
  autoRefresh: boolean;
  defaultExpiresIn: number;
  store: TokenStore;
  logger: Logger | undefined;
  hooks: Hooks;
  allowInsecureHttp: boolean;
  origins: ReadonlySet<string> | '*';
  replay: boolean;
  replayNonIdempotent: boolean;
  maxReplayBodyBytes: number;
  requestTimeout: number | undefined;
}

const MINUTE = 60_000;

/** The defaults, in one place. */
export const defaults = {
  runtime: 'mfp',
  clientAuthentication: 'client_secret_basic',
  basicAuthEncoding: 'form',
  timeout: 10_000,
  retry: {
    retries: 3,
    minTimeout: 200,
    maxTimeout: 5_000,
    factor: 2,
    randomize: true,
    maxRetryTime: 30_000,
    maxRetryAfter: 30_000,
    maxRetryAfterHold: 3_600_000,
    cooldown: 1_000,
    maxCooldown: 30_000,
  },
  maxTokenResponseBytes: 1_048_576,
  refreshBefore: (lifetime: number) =>
    Math.min(5 * MINUTE, Math.max(0.2 * lifetime, Math.min(10_000, lifetime / 2))),
  clockSkew: (lifetime: number) => Math.min(30_000, 0.05 * lifetime),
  autoRefresh: false,
  defaultExpiresIn: 300,
  maxEntries: 500,
  maxReplayBodyBytes: 1_048_576,
} as const satisfies Record<string, unknown>;

const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;
const RESERVED_PARAMS = new Set(['grant_type', 'scope', 'client_id', 'client_secret']);

/**
 * Fills in defaults and validates every option, naming the one that is wrong. Never mutates
 * `options`, never echoes the secret.
 *
 * @param options - What the caller passed to the constructor.
 * @returns The fully resolved options.
 * @throws {ConfigurationError} When an option is missing or invalid.
 */
export function resolveOptions(options: ConfidentialClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(
      'options',
      'must be an object with clientId, clientSecret and serverUrl or tokenUrl.',
    );
  }
  rejectUnknownKeys(options, OPTION_KEYS, '');
  const allowInsecureHttp =
    optionalBoolean(options.allowInsecureHttp, 'allowInsecureHttp') ?? false;
  const tokenUrl = resolveTokenUrl(options, allowInsecureHttp);
  const clientId = credential(options.clientId, 'clientId');
  const clientSecret = credential(options.clientSecret, 'clientSecret');

  const clientAuthentication = oneOf(
    options.clientAuthentication,
    'clientAuthentication',
    ['client_secret_basic', 'client_secret_post'] as const,
    defaults.clientAuthentication,
  );
  const basicAuthEncoding = oneOf(
    options.basicAuthEncoding,
    'basicAuthEncoding',
    ['form', 'plain'] as const,
    defaults.basicAuthEncoding,
  );
  if (
    clientAuthentication === 'client_secret_basic' &&
    basicAuthEncoding === 'plain' &&
    clientId.includes(':')
  ) {
    throw new ConfigurationError(
      'clientId',
      "holds ':', which plain (RFC 7617) Basic encoding cannot carry; use basicAuthEncoding: 'form' or clientAuthentication: 'client_secret_post'.",
    );
  }

  const refresh = options.refresh ?? {};
  if (typeof refresh !== 'object' || refresh === null) {
    throw new ConfigurationError('refresh', 'must be an object.');
  }
  rejectUnknownKeys(refresh, REFRESH_KEYS, 'refresh.');
  const fetchImpl = resolveFetch(options.fetch);
  const now = options.now ?? Date.now;
  if (typeof now !== 'function')
    throw new ConfigurationError('now', 'must be a function returning epoch ms.');
  const store = options.store ?? new MemoryTokenStore({ maxEntries: defaults.maxEntries, now });
  if (
    typeof store?.get !== 'function' ||
    typeof store.set !== 'function' ||
    typeof store.delete !== 'function'
  ) {
    throw new ConfigurationError(
      'store',
      'must implement get(), set() and delete() (see TokenStore).',
    );
  }
  return {
    tokenUrl,
    clientId,
    clientSecret,
    scope: resolveScope(options.scope, 'scope'),
    clientAuthentication,
    basicAuthEncoding,
    tokenParams: resolveTokenParams(options.tokenParams),
    fetch: fetchImpl,
    now,
    timeout: positiveNumber(options.timeout, 'timeout') ?? defaults.timeout,
    retry: resolveRetry(options.retry),
    maxTokenResponseBytes:
      positiveNumber(options.maxTokenResponseBytes, 'maxTokenResponseBytes') ??
      defaults.maxTokenResponseBytes,
    refreshBefore: durationFn(
      refresh.refreshBefore,
      'refresh.refreshBefore',
      defaults.refreshBefore,
    ),
    clockSkew: durationFn(refresh.clockSkew, 'refresh.clockSkew', defaults.clockSkew),
    autoRefresh:
      optionalBoolean(refresh.autoRefresh, 'refresh.autoRefresh') ?? defaults.autoRefresh,
    defaultExpiresIn:
      positiveNumber(refresh.defaultExpiresIn, 'refresh.defaultExpiresIn') ??
      defaults.defaultExpiresIn,
    store,
    logger: resolveLogger(options.logger),
    hooks: resolveHooks(options.hooks),
    allowInsecureHttp,
    origins: resolveOrigins(options.origins, tokenUrl, allowInsecureHttp),
    ...resolveReplay(options.replay),
    requestTimeout: positiveNumber(options.requestTimeout, 'requestTimeout'),
  };
}

/**
 * Checks a scope given by a caller and normalizes it.
 *
 * @param scope - A scope input, or undefined.
 * @param option - The option name to blame.
 * @returns Sorted unique elements.
 * @throws {ConfigurationError} When an element is not an RFC 6749 scope token.
 */
export function resolveScope(scope: ScopeInput | undefined, option: string): string[] {
  if (scope === undefined) return [];
  if (typeof scope !== 'string' && !Array.isArray(scope)) {
    throw new ConfigurationError(
      option,
      'must be a space-separated string or an array of strings.',
    );
  }
  if (Array.isArray(scope) && scope.some((s) => typeof s !== 'string')) {
    throw new ConfigurationError(option, 'must be an array of strings.');
  }
  const elements = normalizeScope(scope);
  const bad = elements.find((element) => !isScopeToken(element));
  if (bad !== undefined) {
    throw new ConfigurationError(
      option,
      `holds ${JSON.stringify(bad)}, which is not a valid scope element (printable ASCII without space, '"' or '\\').`,
    );
  }
  return elements;
}

function resolveTokenUrl(options: ConfidentialClientOptions, allowInsecureHttp: boolean): string {
  const { serverUrl, tokenUrl } = options;
  if ((serverUrl === undefined) === (tokenUrl === undefined)) {
    throw new ConfigurationError(
      serverUrl === undefined ? 'serverUrl' : 'tokenUrl',
      serverUrl === undefined
        ? 'is required (or give tokenUrl): e.g. serverUrl: "https://mfp.example.com".'
        : 'and serverUrl were both given; give one of them.',
    );
  }
  let url: URL;
  const option = tokenUrl !== undefined ? 'tokenUrl' : 'serverUrl';
  const raw = (tokenUrl ?? serverUrl) as string | URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(
      option,
      `${whyNotAUrl(raw)}; expected an absolute URL such as "https://mfp.example.com". (The value is not shown: if two options were swapped, it may be the secret.)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    // Only well-known schemes are named: `secret:rest` parses as a URL too (arguments swapped).
    const scheme = KNOWN_SCHEMES.has(url.protocol) ? `, not ${url.protocol}` : '';
    throw new ConfigurationError(option, `must be an http: or https: URL${scheme}.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigurationError(
      option,
      'must not hold credentials (user:password@); use clientId and clientSecret.',
    );
  }
  if (url.hash !== '') {
    throw new ConfigurationError(option, 'must not have a #fragment.');
  }
  if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new ConfigurationError(
      option,
      `uses http: on ${url.hostname}, which would send the client secret in clear; use https:, or set allowInsecureHttp: true.`,
    );
  }
  if (tokenUrl !== undefined) return url.href;

  const runtime = options.runtime ?? defaults.runtime;
  if (typeof runtime !== 'string' || !/^[A-Za-z0-9._~-]+$/.test(runtime)) {
    throw new ConfigurationError(
      'runtime',
      'must be a runtime name such as "mfp" (letters, digits, . _ ~ -).',
    );
  }
  if (url.search !== '') {
    throw new ConfigurationError(
      'serverUrl',
      'must not have a ?query; use tokenUrl for a full token endpoint URL.',
    );
  }
  const base = url.href.endsWith('/') ? url.href : `${url.href}/`;
  return new URL(`${runtime}/api/az/v1/token`, base).href;
}

/**
 * Whether `hostname` (as `URL#hostname` spells it) is a loopback host.
 *
 * @param hostname - A URL hostname.
 * @returns `true` for `localhost`, `*.localhost`, `127.0.0.0/8` and `[::1]`.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127(?:\.\d{1,3}){3}$/.test(host)
  );
}

function credential(value: unknown, option: 'clientId' | 'clientSecret'): string {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigurationError(option, 'is required: a non-empty string.');
  }
  if (!PRINTABLE_ASCII.test(value)) {
    // Never echo the value: it may be the secret.
    throw new ConfigurationError(
      option,
      'must hold printable ASCII characters only (MobileFirst accepts no others); check for non-ASCII letters, control characters or a stray newline.',
    );
  }
  return value;
}

function oneOf<T extends string>(
  value: unknown,
  option: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new ConfigurationError(
      option,
      `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}.`,
    );
  }
  return value as T;
}

function optionalBoolean(value: unknown, option: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ConfigurationError(option, 'must be true or false.');
  return value;
}

function positiveNumber(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(option, 'must be a finite number greater than 0.');
  }
  return value;
}

function nonNegativeNumber(
  value: unknown,
  option: string,
  allowInfinity = false,
): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value < 0 ||
    (!allowInfinity && !Number.isFinite(value))
  ) {
    throw new ConfigurationError(
      option,
      `must be a ${allowInfinity ? '' : 'finite '}number of at least 0.`,
    );
  }
  return value;
}

function durationFn(
  value: unknown,
  option: string,
  fallback: (lifetime: number) => number,
): (lifetime: number) => number {
  if (value === undefined) return fallback;
  if (typeof value === 'function') return value as (lifetime: number) => number;
  const ms = nonNegativeNumber(value, option);
  return () => ms ?? 0;
}

function resolveRetry(retry: RetryOptions | false | undefined): Required<RetryOptions> {
  if (retry === false) return { ...defaults.retry, retries: 0 };
  if (retry === undefined) return { ...defaults.retry };
  if (typeof retry !== 'object' || retry === null) {
    throw new ConfigurationError('retry', 'must be an object or false.');
  }
  rejectUnknownKeys(retry, RETRY_KEYS, 'retry.');
  const retries = nonNegativeNumber(retry.retries, 'retry.retries');
  if (retries !== undefined && !Number.isInteger(retries)) {
    throw new ConfigurationError('retry.retries', 'must be a whole number.');
  }
  const factor = positiveNumber(retry.factor, 'retry.factor');
  const [minTimeout, maxTimeout] = range(
    nonNegativeNumber(retry.minTimeout, 'retry.minTimeout'),
    nonNegativeNumber(retry.maxTimeout, 'retry.maxTimeout', true),
    [defaults.retry.minTimeout, defaults.retry.maxTimeout],
    'retry.minTimeout',
    'retry.maxTimeout',
  );
  const [cooldown, maxCooldown] = range(
    nonNegativeNumber(retry.cooldown, 'retry.cooldown'),
    nonNegativeNumber(retry.maxCooldown, 'retry.maxCooldown'),
    [defaults.retry.cooldown, defaults.retry.maxCooldown],
    'retry.cooldown',
    'retry.maxCooldown',
  );
  return {
    retries: retries ?? defaults.retry.retries,
    minTimeout,
    maxTimeout,
    factor: factor ?? defaults.retry.factor,
    randomize: optionalBoolean(retry.randomize, 'retry.randomize') ?? defaults.retry.randomize,
    maxRetryTime:
      nonNegativeNumber(retry.maxRetryTime, 'retry.maxRetryTime', true) ??
      defaults.retry.maxRetryTime,
    maxRetryAfter:
      nonNegativeNumber(retry.maxRetryAfter, 'retry.maxRetryAfter', true) ??
      defaults.retry.maxRetryAfter,
    maxRetryAfterHold:
      nonNegativeNumber(retry.maxRetryAfterHold, 'retry.maxRetryAfterHold') ??
      defaults.retry.maxRetryAfterHold,
    cooldown,
    maxCooldown,
  };
}

/**
 * A lower and an upper bound, either of which may be left to its default: a default gives way to
 * the value the caller set (`cooldown: 60000` alone raises `maxCooldown` with it); only two values
 * the caller both set can contradict each other.
 */
function range(
  low: number | undefined,
  high: number | undefined,
  [lowDefault, highDefault]: readonly [number, number],
  lowOption: string,
  highOption: string,
): [number, number] {
  if (low !== undefined && high !== undefined && low > high) {
    throw new ConfigurationError(lowOption, `must not exceed ${highOption}.`);
  }
  if (low !== undefined) return [low, high ?? Math.max(low, highDefault)];
  if (high !== undefined) return [Math.min(lowDefault, high), high];
  return [lowDefault, highDefault];
}

function resolveTokenParams(params: unknown): ReadonlyArray<readonly [string, string]> {
  if (params === undefined) return [];
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new ConfigurationError('tokenParams', 'must be an object of string values.');
  }
  const entries = Object.entries(params as Record<string, unknown>);
  for (const [name, value] of entries) {
    if (RESERVED_PARAMS.has(name)) {
      throw new ConfigurationError(
        `tokenParams.${name}`,
        'is set by the client itself; use the scope / clientId / clientSecret options.',
      );
    }
    if (typeof value !== 'string')
      throw new ConfigurationError(`tokenParams.${name}`, 'must be a string.');
  }
  return (entries as Array<[string, string]>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function resolveLogger(logger: unknown): Logger | undefined {
  if (logger === undefined) return undefined;
  const l = logger as Partial<Logger>;
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    if (typeof l[level] !== 'function') {
      throw new ConfigurationError(
        `logger.${level}`,
        'must be a function (console and pino loggers fit).',
      );
    }
  }
  return logger as Logger;
}

function resolveHooks(hooks: unknown): Hooks {
  if (hooks === undefined) return {};
  if (typeof hooks !== 'object' || hooks === null)
    throw new ConfigurationError('hooks', 'must be an object.');
  rejectUnknownKeys(hooks, HOOK_KEYS, 'hooks.');
  for (const [name, hook] of Object.entries(hooks)) {
    if (hook !== undefined && typeof hook !== 'function') {
      throw new ConfigurationError(`hooks.${name}`, 'must be a function.');
    }
  }
  return { ...(hooks as Hooks) };
}

function resolveOrigins(
  origins: unknown,
  tokenUrl: string,
  allowInsecureHttp: boolean,
): ReadonlySet<string> | '*' {
  if (origins === undefined) return new Set([new URL(tokenUrl).origin]);
  if (origins === '*') return '*';
  if (!Array.isArray(origins)) {
    throw new ConfigurationError(
      'origins',
      "must be an array of origins (e.g. ['https://api.example.com']) or '*'.",
    );
  }
  const set = new Set<string>();
  for (const [i, origin] of origins.entries()) {
    let url: URL;
    try {
      url = new URL(origin as string);
    } catch {
      throw new ConfigurationError(
        `origins[${i}]`,
        `${whyNotAUrl(origin)}; expected an origin such as "https://api.example.com". (The value is not shown: it may be a secret.)`,
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ConfigurationError(`origins[${i}]`, 'must be an http: or https: origin.');
    }
    if (url.protocol === 'http:' && !allowInsecureHttp && !isLoopbackHost(url.hostname)) {
      throw new ConfigurationError(
        `origins[${i}]`,
        `uses http: on ${url.hostname}, which would send tokens in clear; use https:, or set allowInsecureHttp: true.`,
      );
    }
    set.add(url.origin);
  }
  return set;
}

function resolveReplay(
  replay: unknown,
): Pick<ResolvedOptions, 'replay' | 'replayNonIdempotent' | 'maxReplayBodyBytes'> {
  if (replay === false) return { replay: false, replayNonIdempotent: false, maxReplayBodyBytes: 0 };
  if (replay !== undefined && (typeof replay !== 'object' || replay === null)) {
    throw new ConfigurationError('replay', 'must be an object or false.');
  }
  const r = (replay ?? {}) as ReplayOptions;
  rejectUnknownKeys(r, REPLAY_KEYS, 'replay.');
  return {
    replay: true,
    replayNonIdempotent: optionalBoolean(r.nonIdempotent, 'replay.nonIdempotent') ?? true,
    maxReplayBodyBytes:
      nonNegativeNumber(r.maxBodyBytes, 'replay.maxBodyBytes') ?? defaults.maxReplayBodyBytes,
  };
}

function resolveFetch(fetchOption: unknown): typeof fetch {
  if (fetchOption !== undefined) {
    if (typeof fetchOption !== 'function') {
      throw new ConfigurationError('fetch', 'must be a function with the signature of fetch.');
    }
    return fetchOption as typeof fetch;
  }
  if (typeof globalThis.fetch !== 'function') {
    throw new ConfigurationError(
      'fetch',
      "is required: this runtime has no global fetch, so pass one (e.g. undici's fetch).",
    );
  }
  // Look the global one up at call time, so that mocks installed after the client was created
  // (MSW, nock) still see its requests.
  return (input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init);
}

const KNOWN_SCHEMES = new Set(['ftp:', 'file:', 'ws:', 'wss:', 'data:', 'mailto:', 'blob:']);

/**
 * Why `value` is not a URL, without quoting it: a user who swapped two arguments may have put the
 * secret where a URL goes, and the secret cannot be told apart from a typo.
 */
function whyNotAUrl(value: unknown): string {
  if (typeof value !== 'string' && !(value instanceof URL)) return `is a ${typeof value}`;
  const text = String(value);
  if (text.trim() === '') return 'is empty';
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)) return 'has no scheme (https://)';
  return 'is not a valid URL';
}

/** The keys of `T`, each spelled out once, so that TypeScript keeps the set and the type in step. */
function keySet<T>(keys: Record<keyof T, true>): ReadonlySet<string> {
  return new Set(Object.keys(keys));
}

const OPTION_KEYS = keySet<ClientOptions & ServerUrlOptions & TokenUrlOptions>({
  serverUrl: true,
  runtime: true,
  tokenUrl: true,
  clientId: true,
  clientSecret: true,
  scope: true,
  clientAuthentication: true,
  basicAuthEncoding: true,
  tokenParams: true,
  fetch: true,
  now: true,
  maxTokenResponseBytes: true,
  timeout: true,
  retry: true,
  refresh: true,
  store: true,
  logger: true,
  hooks: true,
  origins: true,
  replay: true,
  requestTimeout: true,
  allowInsecureHttp: true,
});
const RETRY_KEYS = keySet<RetryOptions>({
  retries: true,
  minTimeout: true,
  maxTimeout: true,
  factor: true,
  randomize: true,
  maxRetryTime: true,
  maxRetryAfter: true,
  maxRetryAfterHold: true,
  cooldown: true,
  maxCooldown: true,
});
const REFRESH_KEYS = keySet<RefreshOptions>({
  refreshBefore: true,
  clockSkew: true,
  autoRefresh: true,
  defaultExpiresIn: true,
});
const REPLAY_KEYS = keySet<ReplayOptions>({ nonIdempotent: true, maxBodyBytes: true });
const HOOK_KEYS = keySet<Hooks>({
  onTokenRequest: true,
  onToken: true,
  onRetry: true,
  onError: true,
});

/** A typo in an options object fails here, naming the key and the nearest valid one. */
function rejectUnknownKeys(value: object, known: ReadonlySet<string>, prefix: string): void {
  const unknown = findUnknownKey(value, known);
  if (unknown === undefined) return;
  const key = shortKey(unknown.key);
  throw new ConfigurationError(
    `${prefix}${key}`,
    `is not a known option${unknown.suggestion === undefined ? '' : ` (did you mean \`${prefix}${unknown.suggestion}\`?)`}; check its spelling.`,
  );
}
