/**
 * `confidential-client/testing`: an emulator of the MobileFirst Foundation 8.0 server for tests
 * and local development, with MSW handlers and a node:http dev server over one core.
 *
 * The MSW handlers need the optional peer dependency `msw` (2.x).
 *
 * @module
 */

export type { AdminTransaction } from './admin.js';
export { PRODUCT_VERSION } from './admin.js';
export type { EmulatorCounters } from './counters.js';
export type { DevServer, DevServerOptions } from './dev-server.js';
export { startDevServer } from './dev-server.js';
export { MobileFirstEmulator, SAMPLE_RESOURCE_SCOPE } from './emulator.js';
export type { EmulatorRoute, TokenFault } from './faults.js';
export type { IntrospectionResponse } from './introspection.js';
export { INTROSPECT_SCOPE } from './introspection.js';
export type { IssuedToken, TokenStatus } from './issued-tokens.js';
export type { EmulatorTokenClaims } from './jwt.js';
export type { MswHandlersOptions } from './msw-handlers.js';
export { createMswHandlers } from './msw-handlers.js';
export type {
  AdministratorCredentials,
  ClientCredentials,
  ConfidentialClientRegistration,
  EmulatorMode,
  MobileFirstEmulatorOptions,
  ResolvedEmulatorOptions,
} from './options.js';
export type { RecordedPushMessage } from './push.js';
export { PUSH_TARGET_TYPES } from './push.js';
export type {
  ProtectedResourceContext,
  ProtectedResourceHandler,
  ProtectOptions,
} from './resources.js';
export { DEFAULT_SCOPE, MFP_ISSUER } from './token-endpoint.js';
