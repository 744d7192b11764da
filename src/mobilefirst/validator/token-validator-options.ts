/**
 * Options of {@link TokenValidator}, their defaults, and their resolution: the client the validator
 * uses (given, or made from the client options), the introspection endpoint, the cache.
 *
 * @module
 */

import {
  ConfidentialClient,
  type ConfidentialClientOptions,
  ConfigurationError,
  type Logger,
} from 'confidential-client';
import { isLoopbackHost } from '../../util/loopback.js';
import { describeUnknownKey, findUnknownKey } from '../../util/unknown-keys.js';

/** What the validator itself is configured with, besides where its client comes from. */
export interface TokenValidatorSettings {
  /**
   * The introspection endpoint. Derived from the client's token URL when that is a MobileFirst one
   * (`…/az/v1/token` → `…/az/v1/introspection`, i.e. `{serverUrl}/{runtime}/api/az/v1/introspection`);
   * required otherwise.
   * @default the token URL with `/az/v1/token` replaced by `/az/v1/introspection`
   */
  introspectionUrl?: string | URL | undefined;
  /**
   * Most introspection answers cached (active tokens only, each until its `exp`); 0 turns the
   * cache off (concurrent checks of one token still share one call).
   * @default 50000 (as IBM's validators)
   */
  cacheSize?: number | undefined;
  /**
   * Longest an answer is served from the cache, in ms, even if the token expires later: how long a
   * token revoked at the server may still be admitted.
   * @default Infinity (until the token's `exp`, as IBM's validators)
   */
  maxCacheAge?: number | undefined;
  /**
   * Time limit of one introspection request, in ms (the validator's own token request has the
   * client's `timeout`).
   * @default 10000
   */
  introspectionTimeout?: number | undefined;
  /**
   * Receives a warning when a validation fails for want of an introspection answer (the request is
   * answered 503). Also the logger of a client made from these options.
   * @default no logging
   */
  logger?: Logger;
  /**
   * The clock of the cache, epoch ms. Also the clock of a client made from these options.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Allow an `http:` `introspectionUrl` on a host other than loopback (the validator's token and the
   * app's tokens would cross the network in clear). Also passed to a client made from these options.
   * @default false
   */
  allowInsecureHttp?: boolean;
}

/** A validator over a client you made (it is not closed by {@link TokenValidator.close}). */
export interface TokenValidatorClientOption {
  /** The confidential client whose `authorization.introspect` token authenticates introspection. */
  client: ConfidentialClient;
}

/**
 * Options of {@link TokenValidator}: a `client`, or the options to make one (`serverUrl` or
 * `tokenUrl`, `clientId`, `clientSecret`… as for `ConfidentialClient`), plus the validator's own
 * settings. The client must be registered with an allowed scope that includes
 * `authorization.introspect`.
 *
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/protecting-external-resources/
 */
export type TokenValidatorOptions = TokenValidatorSettings &
  (TokenValidatorClientOption | (ConfidentialClientOptions & { client?: undefined }));

/** Resolved validator options. @internal */
export interface ResolvedValidatorOptions {
  readonly client: ConfidentialClient;
  /** Whether the validator made the client (and closes it). */
  readonly ownsClient: boolean;
  readonly introspectionUrl: string;
  readonly cacheSize: number;
  readonly maxCacheAge: number;
  readonly introspectionTimeout: number;
  readonly logger: Logger | undefined;
  readonly now: () => number;
}

/** Defaults of {@link TokenValidatorSettings}. */
export const validatorDefaults = Object.freeze({
  cacheSize: 50_000,
  maxCacheAge: Number.POSITIVE_INFINITY,
  introspectionTimeout: 10_000,
});

const OWN_KEYS = ['introspectionUrl', 'cacheSize', 'maxCacheAge', 'introspectionTimeout'];
const SHARED_KEYS = ['logger', 'now', 'allowInsecureHttp'];
const WITH_CLIENT = new Set(['client', ...OWN_KEYS, ...SHARED_KEYS]);
const MOBILEFIRST_TOKEN_PATH = /\/az\/v1\/token$/;

function fail(option: string, message: string): never {
  throw new ConfigurationError(option, message);
}

function resolveUrl(options: TokenValidatorSettings, client: ConfidentialClient): string {
  if (options.introspectionUrl === undefined) {
    const token = new URL(client.tokenUrl);
    if (!MOBILEFIRST_TOKEN_PATH.test(token.pathname)) {
      fail('introspectionUrl', 'is required when the token URL does not end in /az/v1/token');
    }
    return `${token.origin}${token.pathname.replace(MOBILEFIRST_TOKEN_PATH, '/az/v1/introspection')}`;
  }
  let url: URL;
  try {
    url = new URL(options.introspectionUrl);
  } catch {
    return fail('introspectionUrl', 'must be an absolute http: or https: URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    fail('introspectionUrl', 'must be an absolute http: or https: URL');
  }
  if (url.username !== '' || url.password !== '') {
    fail('introspectionUrl', 'must not hold a user name or password');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !options.allowInsecureHttp) {
    fail('introspectionUrl', 'uses http: on a non-loopback host; use https: or allowInsecureHttp');
  }
  url.hash = '';
  return url.href;
}

function number(value: unknown, option: string, min: number, finite: boolean): number {
  const ok =
    typeof value === 'number' &&
    value >= min &&
    (finite ? Number.isFinite(value) : !Number.isNaN(value)) &&
    (option !== 'cacheSize' || Number.isSafeInteger(value));
  return ok
    ? value
    : fail(option, `must be ${option === 'cacheSize' ? 'an integer' : 'a number'} ≥ ${min}`);
}

/** Whether `value` has the parts of a `ConfidentialClient` the validator uses (any copy of the package). */
function isClient(value: unknown): value is ConfidentialClient {
  const client = value as Partial<ConfidentialClient> | null;
  return (
    typeof client === 'object' &&
    client !== null &&
    typeof client.getToken === 'function' &&
    typeof client.invalidate === 'function' &&
    typeof client.fetch === 'function' &&
    typeof client.tokenUrl === 'string'
  );
}

function makeClient(options: TokenValidatorOptions): ConfidentialClient {
  const given = options.client;
  if (given !== undefined) {
    if (!isClient(given)) fail('client', 'must be a ConfidentialClient');
    const unknown = findUnknownKey(options, WITH_CLIENT);
    if (unknown) {
      fail(
        unknown.key,
        `cannot be given with \`client\`: ${describeUnknownKey(unknown.key, unknown.suggestion)}`,
      );
    }
    return given;
  }
  const rest: Record<string, unknown> = { ...options };
  for (const key of ['client', ...OWN_KEYS]) delete rest[key];
  return new ConfidentialClient(rest as unknown as ConfidentialClientOptions);
}

/**
 * Checks the options, fills the defaults, and makes the client when none is given (the
 * validator's own keys are taken out first; the client checks the rest).
 *
 * @param options - The caller's options (never mutated).
 * @returns The resolved options.
 * @throws {ConfigurationError} Naming the option that is missing or wrong.
 * @internal
 */
export function resolveValidatorOptions(options: TokenValidatorOptions): ResolvedValidatorOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'must be an object');
  const {
    cacheSize = validatorDefaults.cacheSize,
    maxCacheAge = validatorDefaults.maxCacheAge,
    introspectionTimeout = validatorDefaults.introspectionTimeout,
    now = Date.now,
    logger,
  } = options;
  const settings = {
    cacheSize: number(cacheSize, 'cacheSize', 0, true),
    maxCacheAge: number(maxCacheAge, 'maxCacheAge', 1, false),
    introspectionTimeout: number(introspectionTimeout, 'introspectionTimeout', 1, true),
    logger,
    now,
  };
  if (typeof now !== 'function') fail('now', 'must be a function returning epoch ms');
  if (logger !== undefined && typeof logger?.warn !== 'function') {
    fail('logger', 'must have a warn(message, details) method');
  }
  const client = makeClient(options);
  const ownsClient = options.client === undefined;
  try {
    return { ...settings, client, ownsClient, introspectionUrl: resolveUrl(options, client) };
  } catch (error) {
    if (ownsClient) void client.close();
    throw error;
  }
}
