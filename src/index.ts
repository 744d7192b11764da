export type { ErrorCode, TokenRequestErrorDetails } from './errors/index.js';
export {
  ClientClosedError,
  ConfidentialClientError,
  ConfigurationError,
  isClientClosedError,
  isConfidentialClientError,
  isConfigurationError,
  isNetworkError,
  isTimeoutError,
  isTokenRequestError,
  isTokenResponseError,
  NetworkError,
  TimeoutError,
  TokenRequestError,
  TokenResponseError,
} from './errors/index.js';
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
