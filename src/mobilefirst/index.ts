/**
 * `confidential-client/mobilefirst`: what a confidential client does with IBM MobileFirst besides
 * getting tokens, each built on the core's public API (a `ConfidentialClient`'s tokens, retries,
 * redaction and errors):
 *
 * - {@link PushClient}: typed push notifications (`messages.write push.application.<appId>`).
 * - {@link TokenValidator}: a resource server's token checks through introspection
 *   (`authorization.introspect`), with node:http, Express, Fastify and fetch-style middleware.
 * - {@link AdminClient}: the confidential-clients admin API (the Operations Console's page).
 *
 * Re-exports only, by name.
 *
 * @module confidential-client/mobilefirst
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/confidential-clients/
 */

export type {
  AdminCallOptions,
  AdminClientOptions,
  AdminErrorInit,
  AdminErrorKind,
  AdminWriteOptions,
  ConfidentialClientEntryInit,
  UpsertAction,
  UpsertResult,
} from './admin/index.js';
export {
  AdminClient,
  AdminConflictError,
  AdminError,
  adminDefaults,
  ConfidentialClientEntry,
  isAdminConflictError,
  isAdminError,
} from './admin/index.js';
export { InvalidInputError, isInvalidInputError } from './invalid-input-error.js';
export type {
  ApnsSettings,
  ApnsType,
  GcmCategory,
  GcmPriority,
  GcmSettings,
  GcmVisibility,
  JsonObject,
  NotificationType,
  PushBulkResult,
  PushCallOptions,
  PushClientOptions,
  PushErrorDetails,
  PushErrorReason,
  PushMessageDetails,
  PushNotification,
  PushOperation,
  PushPlatform,
  PushRetryOptions,
  PushSendFailure,
  PushSendOutcome,
  PushSendResult,
  PushSendSuccess,
  PushSettings,
  PushTarget,
  SendManyOptions,
  WnsBadge,
  WnsSettings,
  WnsVisual,
} from './push/index.js';
export {
  isPushError,
  PushClient,
  PushError,
} from './push/index.js';
export type {
  AuthorizationDecision,
  Denial,
  ExpressLikeRequest,
  ExpressMiddleware,
  FastifyLikeReply,
  FastifyLikeRequest,
  FastifyPreHandler,
  FetchGuard,
  FetchGuardResult,
  IntrospectionApplication,
  IntrospectionData,
  IntrospectionDevice,
  IntrospectionFailure,
  IntrospectionWireResponse,
  NodeLikeRequest,
  NodeLikeResponse,
  ProtectedHandler,
  ProtectedListener,
  TokenValidatorClientOption,
  TokenValidatorOptions,
  TokenValidatorSettings,
  ValidationError,
  ValidationFailure,
  ValidationResult,
  ValidationSuccess,
} from './validator/index.js';
export {
  INTROSPECTION_SCOPE,
  IntrospectionError,
  isIntrospectionError,
  parseBearerAuthorization,
  TokenValidator,
  validatorDefaults,
} from './validator/index.js';
