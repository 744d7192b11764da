import { ConfigurationError } from '../errors/configuration-error.js';
import { defaults } from './defaults.js';
import { RETRY_KEYS } from './option-keys.js';
import type { RetryOptions } from './types.js';
import {
  nonNegativeNumber,
  optionalBoolean,
  positiveNumber,
  range,
  rejectUnknownKeys,
} from './validate.js';

/**
 * The retry policy, every field checked and defaulted; a bound left to its default gives way to
 * the one the caller set.
 *
 * @param retry - The `retry` option.
 * @returns The policy (`false`: no retries; the cooldown stays).
 * @throws {ConfigurationError} Naming the field that is wrong.
 */
export function resolveRetry(retry: RetryOptions | false | undefined): Required<RetryOptions> {
  if (retry === false) return { ...defaults.retry, retries: 0 };
  if (retry === undefined) return { ...defaults.retry };
  if (typeof retry !== 'object' || retry === null) {
    throw new ConfigurationError('retry', 'must be an object or false.');
  }
  rejectUnknownKeys(retry, RETRY_KEYS, 'retry.');
  const retries = nonNegativeNumber(retry.retries, 'retry.retries');
  if (retries !== undefined && !Number.isInteger(retries)) {
    throw new ConfigurationError('retry.retries', 'must be a whole number.');
  }
  const factor = positiveNumber(retry.factor, 'retry.factor');
  const [minTimeout, maxTimeout] = range(
    nonNegativeNumber(retry.minTimeout, 'retry.minTimeout'),
    nonNegativeNumber(retry.maxTimeout, 'retry.maxTimeout', true),
    [defaults.retry.minTimeout, defaults.retry.maxTimeout],
    'retry.minTimeout',
    'retry.maxTimeout',
  );
  const [cooldown, maxCooldown] = range(
    nonNegativeNumber(retry.cooldown, 'retry.cooldown'),
    nonNegativeNumber(retry.maxCooldown, 'retry.maxCooldown'),
    [defaults.retry.cooldown, defaults.retry.maxCooldown],
    'retry.cooldown',
    'retry.maxCooldown',
  );
  return {
    retries: retries ?? defaults.retry.retries,
    minTimeout,
    maxTimeout,
    factor: factor ?? defaults.retry.factor,
    randomize: optionalBoolean(retry.randomize, 'retry.randomize') ?? defaults.retry.randomize,
    maxRetryTime:
      nonNegativeNumber(retry.maxRetryTime, 'retry.maxRetryTime', true) ??
      defaults.retry.maxRetryTime,
    maxRetryAfter:
      nonNegativeNumber(retry.maxRetryAfter, 'retry.maxRetryAfter', true) ??
      defaults.retry.maxRetryAfter,
    maxRetryAfterHold:
      nonNegativeNumber(retry.maxRetryAfterHold, 'retry.maxRetryAfterHold') ??
      defaults.retry.maxRetryAfterHold,
    cooldown,
    maxCooldown,
  };
}
