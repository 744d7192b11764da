/**
 * `confidential-client/opentelemetry`: {@link openTelemetryHooks}, hooks for a
 * `ConfidentialClient` that record its token requests, cache lookups, renewals and recoveries as
 * OpenTelemetry metrics and spans, through the application's `@opentelemetry/api` (an optional
 * peer dependency that only this entry point loads).
 *
 * @module confidential-client/opentelemetry
 */
export type { Outcome } from './attributes.js';
export { INSTRUMENTATION_SCOPE } from './instruments.js';
export type { OpenTelemetryOptions } from './open-telemetry-hooks.js';
export { openTelemetryHooks } from './open-telemetry-hooks.js';
