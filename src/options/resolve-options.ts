// Over 300 lines on purpose: one pass over every option of the client, whose order matters (an
// option checked against another), and the narrow configuration of each part built from it. Option
// groups with rules of their own live apart: resolve-authentication, -dpop, -retry, -scope.
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
import { HOOK_KEYS, OPTION_KEYS, REFRESH_KEYS, REPLAY_KEYS } from './option-keys.js';
import { credential, resolveAuthentication } from './resolve-authentication.js';
import { type ResolvedDpop, resolveDpop } from './resolve-dpop.js';
import { resolveResource } from './resolve-resource.js';
import { resolveRetry } from './resolve-retry.js';
import { resolveScope } from './resolve-scope.js';
import type { ConfidentialClientOptions, ReplayOptions } from './types.js';
import {
  durationFn,
  nonNegativeNumber,
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

const RESERVED_PARAMS = new Set([
  'grant_type',
  'scope',
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
]);

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
  const {
    method,
    clientAuthentication,
    mutualTls,
    clientSecret,
    privateKey,
    usesKey,
    basicAuthEncoding,
    assertion,
  } = resolveAuthentication(options, clientId, issuer);
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
