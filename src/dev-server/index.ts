/**
 * `confidential-client/dev-server`: the MobileFirst emulator and its node:http dev server, as in
 * `confidential-client/testing` but without the MSW handlers, so it loads where the optional peer
 * dependency `msw` is not installed (a dev-server process, a test setup without MSW).
 *
 * @module
 */

export type { AdminTransaction } from '../testing/admin.js';
export { PRODUCT_VERSION } from '../testing/admin.js';
export type { EmulatorCounters } from '../testing/counters.js';
export type { DevServer, DevServerOptions } from '../testing/dev-server.js';
export { startDevServer } from '../testing/dev-server.js';
export { MobileFirstEmulator, SAMPLE_RESOURCE_SCOPE } from '../testing/emulator.js';
export type { EmulatorRoute, TokenFault } from '../testing/faults.js';
export type { IntrospectionResponse } from '../testing/introspection.js';
export { INTROSPECT_SCOPE } from '../testing/introspection.js';
export type { IssuedToken, TokenStatus } from '../testing/issued-tokens.js';
export type { EmulatorTokenClaims } from '../testing/jwt.js';
export type {
  AdministratorCredentials,
  ClientCredentials,
  ConfidentialClientRegistration,
  EmulatorMode,
  MobileFirstEmulatorOptions,
  ResolvedEmulatorOptions,
} from '../testing/options.js';
export type { RecordedPushMessage } from '../testing/push.js';
export { PUSH_TARGET_TYPES } from '../testing/push.js';
export type {
  ProtectedResourceContext,
  ProtectedResourceHandler,
  ProtectOptions,
} from '../testing/resources.js';
export { DEFAULT_SCOPE, MFP_ISSUER } from '../testing/token-endpoint.js';
