const MINUTE = 60_000;

/**
 * The defaults of every option, in one place. Read-only: frozen, nested objects too, so that no
 * code can change another client's defaults.
 */
export const defaults = deepFreeze({
  runtime: 'mfp',
  clientAuthentication: 'client_secret_basic',
  basicAuthEncoding: 'form',
  timeout: 10_000,
  retry: {
    retries: 3,
    minTimeout: 200,
    maxTimeout: 5_000,
    factor: 2,
    randomize: true,
    maxRetryTime: 30_000,
    maxRetryAfter: 30_000,
    maxRetryAfterHold: 3_600_000,
    cooldown: 1_000,
    maxCooldown: 30_000,
  },
  maxTokenResponseBytes: 1_048_576,
  /** The most bytes read of a discovery (metadata) document. */
  maxMetadataBytes: 524_288,
  clientAssertion: { audience: 'token_endpoint', lifetime: 60 },
  /** See {@link RefreshOptions.refreshBefore}. */
  refreshBefore: (lifetime: number) =>
    Math.min(5 * MINUTE, Math.max(0.2 * lifetime, Math.min(10_000, lifetime / 2))),
  /** See {@link RefreshOptions.clockSkew}. */
  clockSkew: (lifetime: number) => Math.min(30_000, 0.05 * lifetime),
  autoRefresh: false,
  defaultExpiresIn: 300,
  maxEntries: 500,
  maxReplayBodyBytes: 1_048_576,
} as const);

function deepFreeze<T extends object>(value: T): T {
  for (const nested of Object.values(value)) {
    if (typeof nested === 'object' && nested !== null) deepFreeze(nested);
  }
  return Object.freeze(value);
}
