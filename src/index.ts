/**
 * `confidential-client`: OAuth 2.0 client-credentials tokens for back-ends. A
 * {@link ConfidentialClient} gets, caches and renews tokens (one request per key at a time) and
 * sends them with `client.fetch` and `client.ky`, recovering from a rejected token (401) and a
 * missing scope (403 `insufficient_scope`) on its own. Runs wherever `fetch` does (Node ≥ 20, Bun,
 * Deno, edge).
 *
 * @module confidential-client
 */
export type { GetTokenOptions } from './confidential-client.js';
export { ConfidentialClient } from './confidential-client.js';
export type { DiscoveryFailure, ErrorCode, TokenRequestErrorDetails } from './errors/index.js';
export {
  ClientClosedError,
  ConfidentialClientError,
  ConfigurationError,
  DiscoveryError,
  InsufficientScopeError,
  isClientClosedError,
  isConfidentialClientError,
  isConfigurationError,
  isDiscoveryError,
  isInsufficientScopeError,
  isNetworkError,
  isTimeoutError,
  isTokenRequestError,
  isTokenResponseError,
  NetworkError,
  TimeoutError,
  TokenRequestError,
  TokenResponseError,
} from './errors/index.js';
export type {
  CacheLookupEvent,
  ErrorEvent,
  Hooks,
  RefreshEvent,
  ReplayEvent,
  RetryEvent,
  TokenEvent,
  TokenRequestEvent,
  TokenResponseEvent,
} from './hooks.js';
export type { AuthorizedRequestInit } from './http/authorized-fetch.js';
export type { AuthorizedKyInstance, AuthorizedKyOptions } from './http/authorized-ky.js';
export type { Challenge, ChallengeAction } from './http/parse-www-authenticate.js';
export {
  classifyChallenge,
  findBearerChallenge,
  formatChallenge,
  isChallengeScheme,
  parseWwwAuthenticate,
} from './http/parse-www-authenticate.js';
export type { Logger } from './logger.js';
export type { ClientStats } from './observer.js';
export { defaults } from './options/defaults.js';
export type { DpopAlgorithm, DpopOptions } from './options/dpop-options.js';
export type {
  AuthorizationServerMetadata,
  BasicAuthEncoding,
  ClientAssertionOptions,
  ClientAuthentication,
  ClientOptions,
  ConfidentialClientOptions,
  CredentialSource,
  DispatcherLike,
  IssuerOptions,
  MutualTlsOptions,
  PrivateKeyInput,
  PrivateKeyOptions,
  RefreshOptions,
  ReplayOptions,
  ResourceInput,
  RetryOptions,
  SecretOptions,
  ServerUrlOptions,
  TokenUrlOptions,
} from './options/types.js';
export type { ScopeInput } from './scope.js';
export {
  formatScope,
  isScopeAllowed,
  isScopeToken,
  matchesScopePattern,
  normalizeScope,
  scopeCovers,
  unionScope,
} from './scope.js';
export type { AccessTokenInit, AccessTokenRecord } from './token/access-token.js';
export { AccessToken } from './token/access-token.js';
export type { MemoryTokenStoreOptions } from './token/memory-token-store.js';
export { MemoryTokenStore } from './token/memory-token-store.js';
export type { MaybePromise, TokenAcquisition, TokenStore } from './token/token-store.js';
