/**
 * Rejection of unknown keys in the emulator's option objects: a typo (`mdoe`) fails at once, naming
 * the nearest known key, rather than being ignored.
 *
 * @module
 * @internal
 */
import { describeUnknownKey, findUnknownKey } from '../util/unknown-keys.js';

/**
 * A set of every key of an options type, built from a `Record<keyof T, true>` so that TypeScript
 * fails the build when a key is added to `T` but not to the record, or the other way round.
 *
 * @param keys - `{ key: true, … }` for every key of `T`.
 * @returns The keys, for {@link assertKnownKeys}.
 * @internal
 */
export function keysOf<T>(keys: Record<keyof T, true>): ReadonlySet<string> {
  return new Set(Object.keys(keys));
}

/**
 * Rejects a key of `value` that is not in `known`, naming it and the nearest known key.
 *
 * @param value - An object the caller passed.
 * @param known - Every key it may hold.
 * @param where - Where it came from, for the error message (`options.clients[0]`).
 * @throws TypeError such as `options."mdoe" is not a known option (did you mean "mode"?)`.
 * @internal
 */
export function assertKnownKeys(value: object, known: ReadonlySet<string>, where: string): void {
  const unknown = findUnknownKey(value, known);
  if (unknown) {
    throw new TypeError(`${where}.${describeUnknownKey(unknown.key, unknown.suggestion)}`);
  }
}
