/**
 * The confidential-clients admin API of `confidential-client/mobilefirst`: {@link AdminClient},
 * its entries, options and errors, by name. The entry point's index re-exports these.
 *
 * @module
 */

export type { UpsertResult } from './admin-client.js';
export { AdminClient } from './admin-client.js';
export { AdminConflictError, isAdminConflictError } from './admin-conflict-error.js';
export type { AdminErrorInit, AdminErrorKind } from './admin-error.js';
export { AdminError, isAdminError } from './admin-error.js';
export type { AdminCallOptions, AdminClientOptions, AdminWriteOptions } from './admin-options.js';
export { adminDefaults } from './admin-options.js';
export type { UpsertAction } from './client-list-wire.js';
export type { ConfidentialClientEntryInit } from './confidential-client-entry.js';
export { ConfidentialClientEntry } from './confidential-client-entry.js';
