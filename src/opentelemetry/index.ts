export type { Outcome } from './attributes.js';
export { INSTRUMENTATION_SCOPE } from './instruments.js';
export type { OpenTelemetryOptions } from './open-telemetry-hooks.js';
export { openTelemetryHooks } from './open-telemetry-hooks.js';
