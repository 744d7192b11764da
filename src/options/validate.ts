/**
 * The small checks every option goes through: each names the option that is wrong and says what
 * it must be, and never quotes a value that may be the secret.
 *
 * @module
 */
import { ConfigurationError } from '../errors/configuration-error.js';
import { findUnknownKey, shortKey } from '../util/unknown-keys.js';

export function oneOf<T extends string>(
  value: unknown,
  option: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new ConfigurationError(
      option,
      `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}.`,
    );
  }
  return value as T;
}

export function optionalBoolean(value: unknown, option: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new ConfigurationError(option, 'must be true or false.');
  return value;
}

export function positiveNumber(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(option, 'must be a finite number greater than 0.');
  }
  return value;
}

export function nonNegativeNumber(
  value: unknown,
  option: string,
  allowInfinity = false,
): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value < 0 ||
    (!allowInfinity && !Number.isFinite(value))
  ) {
    throw new ConfigurationError(
      option,
      `must be a ${allowInfinity ? '' : 'finite '}number of at least 0.`,
    );
  }
  return value;
}

export function durationFn(
  value: unknown,
  option: string,
  fallback: (lifetime: number) => number,
): (lifetime: number) => number {
  if (value === undefined) return fallback;
  if (typeof value === 'function') return value as (lifetime: number) => number;
  const ms = nonNegativeNumber(value, option);
  return () => ms ?? 0;
}

/**
 * A lower and an upper bound, either of which may be left to its default: a default gives way to
 * the value the caller set (`cooldown: 60000` alone raises `maxCooldown` with it); only two values
 * the caller both set can contradict each other.
 */
export function range(
  low: number | undefined,
  high: number | undefined,
  [lowDefault, highDefault]: readonly [number, number],
  lowOption: string,
  highOption: string,
): [number, number] {
  if (low !== undefined && high !== undefined && low > high) {
    throw new ConfigurationError(lowOption, `must not exceed ${highOption}.`);
  }
  if (low !== undefined) return [low, high ?? Math.max(low, highDefault)];
  if (high !== undefined) return [Math.min(lowDefault, high), high];
  return [lowDefault, highDefault];
}

export const KNOWN_SCHEMES = new Set(['ftp:', 'file:', 'ws:', 'wss:', 'data:', 'mailto:', 'blob:']);

/**
 * Why `value` is not a URL, without quoting it: a user who swapped two arguments may have put the
 * secret where a URL goes, and the secret cannot be told apart from a typo.
 */
export function whyNotAUrl(value: unknown): string {
  if (typeof value !== 'string' && !(value instanceof URL)) return `is a ${typeof value}`;
  const text = String(value);
  if (text.trim() === '') return 'is empty';
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text)) return 'has no scheme (https://)';
  return 'is not a valid URL';
}

/** The keys of `T`, each spelled out once, so that TypeScript keeps the set and the type in step. */

export function keySet<T>(keys: Record<keyof T, true>): ReadonlySet<string> {
  return new Set(Object.keys(keys));
}

export function rejectUnknownKeys(value: object, known: ReadonlySet<string>, prefix: string): void {
  const unknown = findUnknownKey(value, known);
  if (unknown === undefined) return;
  const key = shortKey(unknown.key);
  throw new ConfigurationError(
    `${prefix}${key}`,
    `is not a known option${unknown.suggestion === undefined ? '' : ` (did you mean \`${prefix}${unknown.suggestion}\`?)`}; check its spelling.`,
  );
}
