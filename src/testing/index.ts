/**
 * `confidential-client/testing`: an emulator of the MobileFirst Foundation 8.0 server for tests
 * and local development, with MSW handlers and a node:http dev server over one core.
 *
 * It is `confidential-client/dev-server` plus the MSW handlers, which need the optional peer
 * dependency `msw` (2.x). A test in test/emulator/ checks that the two export lists stay so.
 *
 * @module confidential-client/testing
 */

// Through the package's public name, not a relative path: an entry point never reaches into
// another one's folder. Built, this stays an import of `confidential-client/dev-server`, which
// Node resolves through the package's own `exports` (a self-reference).
export type {
  DevServer,
  DevServerHttpsOptions,
  DevServerOptions,
} from 'confidential-client/dev-server';
export { startDevServer } from 'confidential-client/dev-server';
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
export type { MswHandlersOptions } from './msw-handlers.js';
export { createMswHandlers } from './msw-handlers.js';
