export { ClientClosedError, isClientClosedError } from './client-closed-error.js';
export type { ErrorCode } from './confidential-client-error.js';
export {
  ConfidentialClientError,
  isConfidentialClientError,
} from './confidential-client-error.js';
export { ConfigurationError, isConfigurationError } from './configuration-error.js';
export type { DiscoveryFailure } from './discovery-error.js';
export { DiscoveryError, isDiscoveryError } from './discovery-error.js';
export { InsufficientScopeError, isInsufficientScopeError } from './insufficient-scope-error.js';
export { isNetworkError, NetworkError } from './network-error.js';
export { isTimeoutError, TimeoutError } from './timeout-error.js';
export type { TokenRequestErrorDetails } from './token-request-error.js';
export { isTokenRequestError, TokenRequestError } from './token-request-error.js';
export { isTokenResponseError, TokenResponseError } from './token-response-error.js';
