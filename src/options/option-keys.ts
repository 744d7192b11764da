/**
 * Every key each options object may hold, spelled out once per type: `keySet<T>` makes TypeScript
 * check that a set names exactly the keys of `T`, so a new option cannot be forgotten here (and
 * then refused as unknown).
 *
 * @module
 */
import type { Hooks } from '../hooks.js';
import type {
  ClientAssertionOptions,
  ClientOptions,
  IssuerOptions,
  MutualTlsOptions,
  PrivateKeyOptions,
  RefreshOptions,
  ReplayOptions,
  RetryOptions,
  SecretOptions,
  ServerUrlOptions,
  TokenUrlOptions,
} from './types.js';
import { keySet } from './validate.js';

export const OPTION_KEYS = keySet<
  ClientOptions &
    ServerUrlOptions &
    TokenUrlOptions &
    IssuerOptions &
    SecretOptions &
    MutualTlsOptions &
    PrivateKeyOptions
>({
  serverUrl: true,
  runtime: true,
  tokenUrl: true,
  issuer: true,
  metadata: true,
  clientId: true,
  clientSecret: true,
  privateKey: true,
  clientAssertion: true,
  resource: true,
  scope: true,
  clientAuthentication: true,
  basicAuthEncoding: true,
  tokenParams: true,
  fetch: true,
  dispatcher: true,
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
  dpop: true,
});

export const RETRY_KEYS = keySet<RetryOptions>({
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

export const CLIENT_ASSERTION_KEYS = keySet<ClientAssertionOptions>({
  alg: true,
  kid: true,
  header: true,
  audience: true,
  lifetime: true,
});

export const REFRESH_KEYS = keySet<RefreshOptions>({
  refreshBefore: true,
  clockSkew: true,
  autoRefresh: true,
  defaultExpiresIn: true,
});

export const REPLAY_KEYS = keySet<ReplayOptions>({ nonIdempotent: true, maxBodyBytes: true });

export const HOOK_KEYS = keySet<Hooks>({
  onTokenRequest: true,
  onTokenResponse: true,
  onCacheLookup: true,
  onRefresh: true,
  onReauthentication: true,
  onStepUp: true,
  onToken: true,
  onRetry: true,
  onError: true,
});

/** A typo in an options object fails here, naming the key and the nearest valid one. */
