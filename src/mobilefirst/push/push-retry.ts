/**
 * The retry policy of push calls: which failures are retried, how long to wait, and the options
 * that bound it.
 *
 * @module
 */

import { ConfigurationError } from 'confidential-client';
import { findUnknownKey } from '../../util/unknown-keys.js';
import { isPushError } from './push-error.js';

/**
 * How failed push calls are retried. Only failures the push service surely did not act on are
 * retried (see {@link PushClient}); every retry waits at least as long as the service's
 * `Retry-After`.
 */
export interface PushRetryOptions {
  /**
   * How many times one call (one message) is retried; 0 turns retries off.
   * @default 5
   */
  retries?: number;
  /**
   * Delay before the first retry, in ms; multiplied by `factor` for each further one.
   * @default 500
   */
  minTimeout?: number;
  /**
   * Longest delay between two attempts, in ms.
   * @default 30000
   */
  maxTimeout?: number;
  /**
   * Growth factor of the delay.
   * @default 2
   */
  factor?: number;
  /**
   * Multiply each delay by a random factor between 1 and 2, so that workers do not retry in
   * lockstep.
   * @default true
   */
  randomize?: boolean;
  /**
   * Give up retrying a call once this long (ms) has passed since its first attempt.
   * @default 120000
   */
  maxRetryTime?: number;
  /**
   * The longest `Retry-After` waited out, in ms. A service that asks for a longer wait gets no
   * retry: the call fails with its `429`/`503` (`error.retryAfter` says how long it asked).
   * @default 60000
   */
  maxRetryAfter?: number;
}

/** {@link PushRetryOptions} with every default filled in. @internal */
export type ResolvedPushRetry = Readonly<Required<PushRetryOptions>>;

/** The defaults of {@link PushRetryOptions}. @internal */
export const PUSH_RETRY_DEFAULTS: ResolvedPushRetry = Object.freeze({
  retries: 5,
  minTimeout: 500,
  maxTimeout: 30_000,
  factor: 2,
  randomize: true,
  maxRetryTime: 120_000,
  maxRetryAfter: 60_000,
});

/**
 * Checks and completes the `retry` option.
 *
 * @param value - `retry` as given.
 * @returns The policy; `retries: 0` for `false`.
 * @throws {ConfigurationError} Naming `retry` or the field that is wrong.
 * @internal
 */
export function resolvePushRetry(value: PushRetryOptions | false | undefined): ResolvedPushRetry {
  if (value === undefined) return PUSH_RETRY_DEFAULTS;
  if (value === false) return { ...PUSH_RETRY_DEFAULTS, retries: 0 };
  if (typeof value !== 'object' || value === null) {
    throw new ConfigurationError('retry', 'must be an object of retry options, or false.');
  }
  const unknown = findUnknownKey(value, new Set(Object.keys(PUSH_RETRY_DEFAULTS)));
  if (unknown !== undefined) {
    const hint =
      unknown.suggestion === undefined ? '' : ` (did you mean "retry.${unknown.suggestion}"?)`;
    throw new ConfigurationError(`retry.${unknown.key}`, `is not a known option${hint}.`);
  }
  const resolved = { ...PUSH_RETRY_DEFAULTS, ...stripUndefined(value) };
  for (const [key, option] of Object.entries(resolved)) {
    if (key === 'randomize') {
      if (typeof option !== 'boolean')
        throw new ConfigurationError('retry.randomize', 'must be true or false.');
    } else if (typeof option !== 'number' || !Number.isFinite(option) || option < 0) {
      throw new ConfigurationError(`retry.${key}`, 'must be a finite number of at least 0.');
    }
  }
  if (!Number.isInteger(resolved.retries)) {
    throw new ConfigurationError('retry.retries', 'must be a whole number.');
  }
  if (resolved.minTimeout > resolved.maxTimeout) {
    throw new ConfigurationError('retry.minTimeout', 'must not be greater than retry.maxTimeout.');
  }
  return Object.freeze(resolved);
}

function stripUndefined(value: object): Partial<PushRetryOptions> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/**
 * What a failure of one attempt allows:
 * - `safe`: the service surely did not act (408, 429, a connection never made; for a GET, any
 *   5xx, timeout or lost connection): retried;
 * - `maybe-sent`: it may have acted (any 5xx, a timeout or a connection lost after sending):
 *   retried only when the caller opts in;
 * - `final`: asking again gets the same answer (4xx, a token the client cannot get, bad input,
 *   an abort, an accepted request whose answer was unreadable).
 *
 * @param error - What the attempt threw.
 * @returns The kind of failure.
 * @internal
 */
export function classifyFailure(error: unknown): 'safe' | 'maybe-sent' | 'final' {
  if (!isPushError(error)) return 'final';
  if (error.reason === 'network' || error.reason === 'timeout') {
    return error.mayHaveBeenSent ? 'maybe-sent' : 'safe';
  }
  if (error.reason !== 'status' || error.status === undefined) return 'final';
  if (error.status === 408 || error.status === 429) return 'safe';
  if (error.status >= 500) return error.mayHaveBeenSent ? 'maybe-sent' : 'safe';
  return 'final';
}

/**
 * The backoff before retry number `retry` (1 for the first), in ms.
 *
 * @param policy - The retry policy.
 * @param retry - Which retry, from 1.
 * @returns The delay.
 * @internal
 */
export function backoff(policy: ResolvedPushRetry, retry: number): number {
  const jitter = policy.randomize ? 1 + Math.random() : 1;
  return Math.min(policy.maxTimeout, policy.minTimeout * jitter * policy.factor ** (retry - 1));
}
