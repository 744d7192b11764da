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
import type { TokenEndpointConfig } from '../token/token-endpoint.js';
import type { TokenManagerConfig } from '../token/token-manager.js';
import type { TokenStore } from '../token/token-store.js';
import { defaults } from './defaults.js';
import { resolveOrigins, resolveTokenUrl } from './network-policy.js';
import { HOOK_KEYS, OPTION_KEYS, REFRESH_KEYS, REPLAY_KEYS } from './option-keys.js';
import { type ResolvedDpop, resolveDpop } from './resolve-dpop.js';
import { resolveRetry } from './resolve-retry.js';
import { resolveScope } from './resolve-scope.js';
import type { ClientAuthentication, ConfidentialClientOptions, ReplayOptions } from './types.js';
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
  readonly tokenUrl: string;
  readonly clientId: string;
  /** The default scope, sorted unique elements. */
  readonly scope: readonly string[];
  /** The caller's store; `undefined`: the client builds the default one. */
  readonly store: TokenStore | undefined;
  readonly now: () => number;
  readonly logger: Logger | undefined;
  /** Each set of hooks the caller passed, in order. */
  readonly hooks: readonly Hooks[];
  /** Every form of the secret, scrubbed from what leaves the library. */
  readonly secrets: readonly string[];
  readonly endpoint: TokenEndpointConfig;
  readonly manager: Omit<TokenManagerConfig, 'store'>;
  readonly http: AuthorizedFetchConfig;
  /** The `dpop` option, checked; `undefined`: DPoP is off. */
  readonly dpop: ResolvedDpop | undefined;
}

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
  const clientAuthentication = oneOf(
    options.clientAuthentication,
    'clientAuthentication',
    [
      'client_secret_basic',
      'client_secret_post',
      'tls_client_auth',
      'self_signed_tls_client_auth',
    ] as const,
    defaults.clientAuthentication,
  );
  const mutualTls = isMutualTls(clientAuthentication);
  if (mutualTls && options.clientSecret !== undefined) {
    throw new ConfigurationError(
      'clientSecret',
      `must not be given with clientAuthentication '${clientAuthentication}': the client certificate authenticates the client (RFC 8705), and no secret is sent.`,
    );
  }
  const clientSecret = mutualTls ? undefined : credential(options.clientSecret, 'clientSecret');
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
  const tokenParams = resolveTokenParams(options.tokenParams);
  const secrets = clientSecret === undefined ? [] : secretForms({ clientId, clientSecret });
  return {
    tokenUrl,
    clientId,
    scope: resolveScope(options.scope, 'scope'),
    store,
    now,
    logger: resolveLogger(options.logger),
    hooks: resolveHooks(options.hooks),
    secrets,
    endpoint: {
      tokenUrl,
      clientId,
      clientSecret,
      clientAuthentication,
      basicAuthEncoding,
      tokenParams,
      fetch: fetchImpl,
      now,
      timeout: positiveNumber(options.timeout, 'timeout') ?? defaults.timeout,
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
