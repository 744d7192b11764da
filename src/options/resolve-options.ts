/**
 * `resolveOptions`: fills in every default, checks every option (naming the one that is wrong and
 * the nearest valid key for a typo), and hands each part of the client the narrow configuration
 * it uses. Never mutates the caller's object, never echoes the secret.
 *
 * @module
 */
import { ConfigurationError } from '../errors/configuration-error.js';
import type { Hooks } from '../hooks.js';
import type { AuthorizedFetchConfig, ReplayPolicy } from '../http/authorized-fetch.js';
import type { Logger } from '../logger.js';
import { secretForms } from '../token/client-authentication.js';
import type { ClientAuthenticatorConfig } from '../token/client-authenticator.js';
import type { DiscoveryConfig } from '../token/discovery.js';
import { parseServerMetadata, type ServerMetadata } from '../token/server-metadata.js';
import type { TokenEndpointConfig } from '../token/token-endpoint.js';
import type { TokenManagerConfig } from '../token/token-manager.js';
import type { TokenStore } from '../token/token-store.js';
import { defaults } from './defaults.js';
import { resolveOrigins, resolveTokenUrl } from './network-policy.js';
import {
  CLIENT_ASSERTION_KEYS,
  HOOK_KEYS,
  OPTION_KEYS,
  REFRESH_KEYS,
  REPLAY_KEYS,
} from './option-keys.js';
import { type ResolvedDpop, resolveDpop } from './resolve-dpop.js';
import { resolveResource } from './resolve-resource.js';
import { resolveRetry } from './resolve-retry.js';
import { resolveScope } from './resolve-scope.js';
import type {
  ClientAssertionOptions,
  ClientAuthentication,
  ConfidentialClientOptions,
  CredentialSource,
  PrivateKeyInput,
  ReplayOptions,
} from './types.js';
import {
  durationFn,
  nonNegativeNumber,
  oneOf,
  optionalBoolean,
  positiveNumber,
  rejectUnknownKeys,
} from './validate.js';
import { resolveDispatcher, withDispatcher } from './with-dispatcher.js';

/** @internal The options, resolved: what the client wires its parts with. */
export interface ResolvedOptions {
  /** The token URL; with `issuer`, the issuer (the token URL is discovered). */
  readonly tokenUrl: string;
  /** The `issuer` option, when given. */
  readonly issuer: string | undefined;
  /**
   * The server as known now: the token URL (`tokenUrl`, `serverUrl`) or the `metadata` option;
   * `undefined` while it is to be discovered.
   */
  readonly metadata: ServerMetadata | undefined;
  /** How to discover the server, with `issuer`. */
  readonly discovery: DiscoveryConfig | undefined;
  readonly clientId: string;
  /** The default scope, sorted unique elements. */
  readonly scope: readonly string[];
  /** The default RFC 8707 resource indicators, sorted unique. */
  readonly resource: readonly string[];
  /** The caller's store; `undefined`: the client builds the default one. */
  readonly store: TokenStore | undefined;
  readonly now: () => number;
  readonly logger: Logger | undefined;
  /** Each set of hooks the caller passed, in order. */
  readonly hooks: readonly Hooks[];
  /**
   * Every form of the secret, scrubbed from what leaves the library. Mutable: the forms of
   * secrets read from a `clientSecret` function are added as they are read.
   */
  readonly secrets: string[];
  readonly endpoint: Omit<TokenEndpointConfig, 'server' | 'authenticator'>;
  readonly authenticator: ClientAuthenticatorConfig;
  readonly manager: Omit<TokenManagerConfig, 'store'>;
  readonly http: AuthorizedFetchConfig;
  /** The `dpop` option, checked; `undefined`: DPoP is off. */
  readonly dpop: ResolvedDpop | undefined;
}

const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

const RESERVED_PARAMS = new Set([
  'grant_type',
  'scope',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
]);

const METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
] as const;

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
      'must be an object with clientId, clientSecret and serverUrl, tokenUrl or issuer.',
    );
  }
  rejectUnknownKeys(options, OPTION_KEYS, '');
  const allowInsecureHttp =
    optionalBoolean(options.allowInsecureHttp, 'allowInsecureHttp') ?? false;
  // With `issuer`, the issuer stands for the server (cache key, default origin) until the token
  // URL is discovered.
  const tokenUrl = resolveTokenUrl(options, allowInsecureHttp);
  const issuer = options.issuer !== undefined ? tokenUrl : undefined;
  const clientId = credential(options.clientId, 'clientId');
  const method =
    options.clientAuthentication === undefined
      ? undefined
      : oneOf(options.clientAuthentication, 'clientAuthentication', METHODS, 'client_secret_basic');
  const privateKey = resolvePrivateKey(options.privateKey);
  const usesKey =
    method === 'private_key_jwt' || (method === undefined && privateKey !== undefined);
  if (method === 'private_key_jwt' && privateKey === undefined) {
    throw new ConfigurationError('privateKey', 'is required for private_key_jwt.');
  }
  if (method === undefined && privateKey !== undefined && options.clientSecret !== undefined) {
    throw new ConfigurationError(
      'privateKey',
      'and clientSecret were both given; give one of them (or set clientAuthentication).',
    );
  }
  const mutualTls = method !== undefined && isMutualTls(method);
  if (mutualTls && options.clientSecret !== undefined) {
    throw new ConfigurationError(
      'clientSecret',
      `must not be given with clientAuthentication '${method}': the client certificate authenticates the client (RFC 8705), and no secret is sent.`,
    );
  }
  if (method !== undefined && method !== 'private_key_jwt' && privateKey !== undefined) {
    throw new ConfigurationError(
      'privateKey',
      `is only used by private_key_jwt, not ${method}; remove it or change clientAuthentication.`,
    );
  }
  const clientSecret = mutualTls ? undefined : resolveSecret(options.clientSecret, !usesKey);
  const clientAuthentication: ClientAuthentication =
    method ?? (usesKey ? 'private_key_jwt' : defaults.clientAuthentication);
  const basicAuthEncoding = oneOf(
    options.basicAuthEncoding,
    'basicAuthEncoding',
    ['form', 'plain'] as const,
    defaults.basicAuthEncoding,
  );
  if (
    (method === undefined || method === 'client_secret_basic') &&
    !usesKey &&
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
  const dispatcher = resolveDispatcher(options.dispatcher);
  if (mutualTls && dispatcher === undefined && options.fetch === undefined) {
    throw new ConfigurationError(
      'dispatcher',
      `is required with clientAuthentication '${clientAuthentication}': the client certificate goes on the TLS connection, so pass new Agent({ connect: { cert, key } }) from undici (or a fetch that presents it).`,
    );
  }
  const fetchImpl = dispatcher
    ? withDispatcher(resolveFetch(options.fetch), dispatcher)
    : resolveFetch(options.fetch);
  const now = options.now ?? Date.now;
  if (typeof now !== 'function')
    throw new ConfigurationError('now', 'must be a function returning epoch ms.');
  const store = options.store;
  if (
    store !== undefined &&
    (typeof store?.get !== 'function' ||
      typeof store.set !== 'function' ||
      typeof store.delete !== 'function' ||
      (store.peek !== undefined && typeof store.peek !== 'function') ||
      (store.acquire !== undefined && typeof store.acquire !== 'function'))
  ) {
    throw new ConfigurationError(
      'store',
      'must implement get(), set() and delete(), and peek() and acquire() if it has them (see TokenStore).',
    );
  }
  const retry = resolveRetry(options.retry);
  const allParams = resolveTokenParams(options.tokenParams);
  const paramResource = allParams.find(([name]) => name === 'resource');
  if (paramResource !== undefined && options.resource !== undefined) {
    throw new ConfigurationError(
      'tokenParams.resource',
      'and the resource option were both given; give the resource option only.',
    );
  }
  const tokenParams = allParams.filter(([name]) => name !== 'resource');
  const resource = resolveResource(options.resource ?? paramResource?.[1], 'resource');
  const secrets = typeof clientSecret === 'string' ? secretForms({ clientId, clientSecret }) : [];
  const timeout = positiveNumber(options.timeout, 'timeout') ?? defaults.timeout;
  const metadata =
    issuer === undefined
      ? staticServer(tokenUrl)
      : resolveMetadata(options.metadata, issuer, allowInsecureHttp);
  const assertion = resolveAssertion(options.clientAssertion, issuer);
  if (
    clientAuthentication === 'client_secret_jwt' &&
    assertion.alg !== undefined &&
    !/^HS(256|384|512)$/.test(assertion.alg)
  ) {
    throw new ConfigurationError(
      'clientAssertion.alg',
      'must be HS256, HS384 or HS512 for client_secret_jwt (an HMAC with the client secret).',
    );
  }
  return {
    tokenUrl,
    issuer,
    metadata,
    discovery:
      issuer === undefined
        ? undefined
        : {
            issuer,
            fetch: fetchImpl,
            now,
            timeout,
            maxBytes: defaults.maxMetadataBytes,
            allowInsecureHttp,
            cooldown: retry.cooldown,
            maxCooldown: retry.maxCooldown,
          },
    clientId,
    scope: resolveScope(options.scope, 'scope'),
    resource,
    store,
    now,
    logger: resolveLogger(options.logger),
    hooks: resolveHooks(options.hooks),
    secrets,
    authenticator: {
      clientId,
      // Given, or implied by a private key; with issuer and a secret, chosen from the metadata.
      method: method ?? (usesKey || issuer === undefined ? clientAuthentication : undefined),
      basicAuthEncoding,
      clientSecret,
      privateKey,
      assertion,
      now,
      secrets,
      dispatcher: typeof dispatcher === 'function' ? dispatcher : undefined,
    },
    endpoint: {
      tokenParams,
      fetch: fetchImpl,
      now,
      timeout,
      retry,
      maxResponseBytes:
        positiveNumber(options.maxTokenResponseBytes, 'maxTokenResponseBytes') ??
        defaults.maxTokenResponseBytes,
      defaultExpiresIn:
        positiveNumber(refresh.defaultExpiresIn, 'refresh.defaultExpiresIn') ??
        defaults.defaultExpiresIn,
      secrets,
    },
    manager: {
      now,
      refreshBefore: durationFn(
        refresh.refreshBefore,
        'refresh.refreshBefore',
        defaults.refreshBefore,
      ),
      clockSkew: durationFn(refresh.clockSkew, 'refresh.clockSkew', defaults.clockSkew),
      autoRefresh:
        optionalBoolean(refresh.autoRefresh, 'refresh.autoRefresh') ?? defaults.autoRefresh,
      cacheKey: { tokenUrl, clientId, tokenParams },
      failures: {
        cooldown: retry.cooldown,
        maxCooldown: retry.maxCooldown,
        randomize: retry.randomize,
        maxRetryAfterHold: retry.maxRetryAfterHold,
      },
    },
    http: {
      fetch: fetchImpl,
      now,
      origins: resolveOrigins(options.origins, tokenUrl, allowInsecureHttp),
      replay: resolveReplay(options.replay),
      requestTimeout: positiveNumber(options.requestTimeout, 'requestTimeout'),
    },
    dpop: resolveDpop(options.dpop),
  };
}

/** The `clientSecret` option: a string, or a function read at each token request. */
function resolveSecret(value: unknown, required: boolean): CredentialSource<string> | undefined {
  if (typeof value === 'function') return value as () => string | Promise<string>;
  if (value === undefined && !required) return undefined;
  return credential(value, 'clientSecret');
}

function resolvePrivateKey(value: unknown): CredentialSource<PrivateKeyInput> | undefined {
  if (value === undefined || typeof value === 'function') {
    return value as CredentialSource<PrivateKeyInput> | undefined;
  }
  if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) {
    if (value.type !== 'private') {
      throw new ConfigurationError('privateKey', 'must be a private key, not a public one.');
    }
    return value;
  }
  if (typeof value === 'string') {
    // Never echo the value: it is the key.
    if (!value.includes('-----BEGIN PRIVATE KEY-----')) {
      throw new ConfigurationError(
        'privateKey',
        'must be a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"); convert a PKCS#1 or SEC1 key with `openssl pkcs8 -topk8 -nocrypt -in key.pem`.',
      );
    }
    return value;
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as JsonWebKey).kty === 'string'
  ) {
    if (typeof (value as JsonWebKey).d !== 'string') {
      throw new ConfigurationError(
        'privateKey',
        'is a JWK without "d": give the private key, not the public one.',
      );
    }
    return value as JsonWebKey;
  }
  throw new ConfigurationError(
    'privateKey',
    'must be a CryptoKey, a PKCS#8 PEM string, a private JWK, or a function returning one.',
  );
}

function resolveAssertion(
  value: unknown,
  issuer: string | undefined,
): ClientAuthenticatorConfig['assertion'] {
  if (value === undefined) {
    return { alg: undefined, kid: undefined, header: {}, ...defaults.clientAssertion };
  }
  if (typeof value !== 'object' || value === null) {
    throw new ConfigurationError('clientAssertion', 'must be an object.');
  }
  rejectUnknownKeys(value, CLIENT_ASSERTION_KEYS, 'clientAssertion.');
  const { alg, kid, audience, lifetime, header } = value as ClientAssertionOptions;
  if (
    header !== undefined &&
    (typeof header !== 'object' ||
      header === null ||
      Object.entries(header).some(
        ([name, v]) => typeof v !== 'string' || name === 'alg' || name === 'kid' || name === 'crit',
      ))
  ) {
    throw new ConfigurationError(
      'clientAssertion.header',
      'must be an object of string header parameters other than alg, kid and crit (use clientAssertion.alg and .kid).',
    );
  }
  for (const [name, v] of [
    ['alg', alg],
    ['kid', kid],
    ['audience', audience],
  ] as const) {
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      throw new ConfigurationError(`clientAssertion.${name}`, 'must be a non-empty string.');
    }
  }
  if (audience === 'issuer' && issuer === undefined) {
    throw new ConfigurationError(
      'clientAssertion.audience',
      "is 'issuer', which needs the issuer option; give the audience as a string instead.",
    );
  }
  return {
    alg,
    kid,
    header: { ...header },
    audience: audience ?? defaults.clientAssertion.audience,
    lifetime:
      positiveNumber(lifetime, 'clientAssertion.lifetime') ?? defaults.clientAssertion.lifetime,
  };
}

function staticServer(tokenUrl: string): ServerMetadata {
  return Object.freeze({
    issuer: undefined,
    tokenEndpoint: tokenUrl,
    tokenEndpointAuthMethods: undefined,
    tokenEndpointAuthSigningAlgs: undefined,
    dpopSigningAlgs: undefined,
    introspectionEndpoint: undefined,
    revocationEndpoint: undefined,
    mtlsEndpointAliases: undefined,
  });
}

function resolveMetadata(
  value: unknown,
  issuer: string,
  allowInsecureHttp: boolean,
): ServerMetadata | undefined {
  if (value === undefined) return undefined;
  try {
    return parseServerMetadata(value, { issuer, url: 'the metadata option', allowInsecureHttp });
  } catch (error) {
    throw new ConfigurationError(
      'metadata',
      error instanceof Error ? error.message.replace(/^confidential-client: /, '') : String(error),
    );
  }
}

/** Whether a method authenticates with the client certificate (RFC 8705 §2). */
function isMutualTls(
  method: ClientAuthentication,
): method is 'tls_client_auth' | 'self_signed_tls_client_auth' {
  return method === 'tls_client_auth' || method === 'self_signed_tls_client_auth';
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

function resolveHooks(hooks: unknown): readonly Hooks[] {
  if (hooks === undefined) return [];
  if (Array.isArray(hooks)) return hooks.map((set, i) => resolveHookSet(set, `hooks[${i}]`));
  return [resolveHookSet(hooks, 'hooks')];
}

function resolveHookSet(hooks: unknown, option: string): Hooks {
  if (typeof hooks !== 'object' || hooks === null)
    throw new ConfigurationError(option, 'must be an object (or a list of objects).');
  rejectUnknownKeys(hooks, HOOK_KEYS, `${option}.`);
  for (const [name, hook] of Object.entries(hooks)) {
    if (hook !== undefined && typeof hook !== 'function') {
      throw new ConfigurationError(`${option}.${name}`, 'must be a function.');
    }
  }
  return { ...(hooks as Hooks) };
}

function resolveReplay(replay: unknown): ReplayPolicy {
  if (replay === false) return { enabled: false, nonIdempotent: false, maxBodyBytes: 0 };
  if (replay !== undefined && (typeof replay !== 'object' || replay === null)) {
    throw new ConfigurationError('replay', 'must be an object or false.');
  }
  const r = (replay ?? {}) as ReplayOptions;
  rejectUnknownKeys(r, REPLAY_KEYS, 'replay.');
  return {
    enabled: true,
    nonIdempotent: optionalBoolean(r.nonIdempotent, 'replay.nonIdempotent') ?? true,
    maxBodyBytes:
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
