/**
 * `confidential-client/dev-server`: the MobileFirst emulator and its node:http dev server, as in
 * `confidential-client/testing` but without the MSW handlers, so it loads where the optional peer
 * dependency `msw` is not installed (a dev-server process, a test setup without MSW).
 *
 * @module confidential-client/dev-server
 */

export type {
  AdministratorCredentials,
  AdminTransaction,
  AdminTransactionStatus,
  AdminWriteFault,
  ClientCredentials,
  ConfidentialClientRegistration,
  CounterBucket,
  CounterHistory,
  EmulatorCounters,
  EmulatorFaults,
  EmulatorMode,
  EmulatorRoute,
  EmulatorTokenClaims,
  IntrospectionFault,
  IntrospectionResponse,
  IssuedToken,
  MobileFirstEmulatorOptions,
  ProtectedResourceContext,
  ProtectedResourceHandler,
  ProtectOptions,
  PushFault,
  RecordedPushMessage,
  ResolvedEmulatorOptions,
  RouteFaults,
  TokenFault,
  TokenStatus,
} from '../emulator/index.js';
export {
  DEFAULT_SCOPE,
  INTROSPECT_SCOPE,
  MFP_ISSUER,
  MobileFirstEmulator,
  PRODUCT_VERSION,
  PUSH_TARGET_TYPES,
  SAMPLE_RESOURCE_SCOPE,
} from '../emulator/index.js';
export type { DevServer, DevServerOptions } from './start-dev-server.js';
export { startDevServer } from './start-dev-server.js';
export type { DevServerHttpsOptions } from './tls-server.js';
