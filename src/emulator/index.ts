/**
 * The emulator's public API, by name: what `confidential-client/testing` and
 * `confidential-client/dev-server` re-export. Internal: not an entry point of the package. The
 * adapters (MSW handlers, node:http server) import the helpers they need from the modules
 * themselves.
 *
 * @module
 * @internal
 */

export { PRODUCT_VERSION } from './admin.js';
export type {
  AdminTransaction,
  AdminTransactionStatus,
  AdminWriteFault,
} from './admin-transactions.js';
export { DEFAULT_SCOPE, MFP_ISSUER } from './constants.js';
export type { CounterBucket, CounterHistory } from './counter-history.js';
export type { EmulatorCounters } from './counters.js';
export { MobileFirstEmulator, SAMPLE_RESOURCE_SCOPE } from './emulator.js';
export type {
  EmulatorFaults,
  EmulatorRoute,
  IntrospectionFault,
  RouteFaults,
  TokenFault,
} from './faults.js';
export type { IntrospectionResponse } from './introspection.js';
export { INTROSPECT_SCOPE } from './introspection.js';
export type { IssuedToken, TokenStatus } from './issued-tokens.js';
export type { EmulatorTokenClaims } from './jwt.js';
export type {
  AdministratorCredentials,
  ClientCredentials,
  ConfidentialClientRegistration,
  EmulatorMode,
  MobileFirstEmulatorOptions,
  ResolvedEmulatorOptions,
} from './options.js';
export type {
  ProtectedResourceContext,
  ProtectedResourceHandler,
  ProtectOptions,
} from './protected-resources.js';
export type { PushFault } from './push-faults.js';
export type { RecordedPushMessage } from './push-message.js';
export { PUSH_TARGET_TYPES } from './push-message.js';
