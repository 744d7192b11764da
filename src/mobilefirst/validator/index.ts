/**
 * The token validator of `confidential-client/mobilefirst`: a resource server checks the bearer
 * tokens it receives through MobileFirst's introspection endpoint, with middleware for node:http,
 * Express, Fastify and fetch-style servers. The public names, one by one.
 *
 * @module
 */

export type { AuthorizationDecision, Denial } from './authorize.js';
export type { ExpressLikeRequest, ExpressMiddleware } from './express-middleware.js';
export type { FastifyLikeReply, FastifyLikeRequest, FastifyPreHandler } from './fastify-hook.js';
export type { FetchGuard, FetchGuardResult } from './fetch-guard.js';
export type {
  IntrospectionApplication,
  IntrospectionData,
  IntrospectionDevice,
  IntrospectionWireResponse,
} from './introspection-data.js';
export type { IntrospectionFailure } from './introspection-error.js';
export { IntrospectionError, isIntrospectionError } from './introspection-error.js';
export { INTROSPECTION_SCOPE } from './introspector.js';
export type {
  NodeLikeRequest,
  NodeLikeResponse,
  ProtectedHandler,
  ProtectedListener,
} from './node-listener.js';
export { parseBearerAuthorization } from './parse-bearer-authorization.js';
export { TokenValidator } from './token-validator.js';
export type {
  TokenValidatorClientOption,
  TokenValidatorOptions,
  TokenValidatorSettings,
} from './token-validator-options.js';
export { validatorDefaults } from './token-validator-options.js';
export type {
  ValidationError,
  ValidationFailure,
  ValidationResult,
  ValidationSuccess,
} from './validation-result.js';
