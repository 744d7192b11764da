/**
 * `confidential-client/testing`: an emulator of the MobileFirst Foundation 8.0 server for tests
 * and local development, with MSW handlers and a node:http dev server over one core.
 *
 * It is `confidential-client/dev-server` plus the MSW handlers, which need the optional peer
 * dependency `msw` (2.x).
 *
 * @module
 */

// The one exception to "no export *": this entry is, by definition, everything the dev-server
// entry exports (listed by name there) plus the MSW handlers; a second copy of that list would
// only drift.
export * from '../dev-server/index.js';
export type { MswHandlersOptions } from './msw-handlers.js';
export { createMswHandlers } from './msw-handlers.js';
