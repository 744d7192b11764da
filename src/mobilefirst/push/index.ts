/**
 * The push sender of `confidential-client/mobilefirst`: {@link PushClient}, its typed
 * notifications, results and errors. Re-exports only, by name.
 *
 * @module
 */

export type {
  ApnsSettings,
  ApnsType,
  GcmCategory,
  GcmPriority,
  GcmSettings,
  GcmVisibility,
  JsonObject,
  NotificationType,
  PushNotification,
  PushPlatform,
  PushSettings,
  PushTarget,
  WnsBadge,
  WnsSettings,
  WnsVisual,
} from './notification.js';
export { PushClient } from './push-client.js';
export type { PushClientOptions } from './push-client-options.js';
export type { PushErrorDetails, PushErrorReason, PushOperation } from './push-error.js';
export { isPushError, PushError } from './push-error.js';
export type {
  PushBulkResult,
  PushCallOptions,
  PushMessageDetails,
  PushSendFailure,
  PushSendOutcome,
  PushSendResult,
  PushSendSuccess,
  SendManyOptions,
} from './push-results.js';
export type { PushRetryOptions } from './push-retry.js';
