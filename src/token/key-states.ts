import type { Cooldown } from './failure-policy.js';

/** What the token manager remembers about one cache key, besides the token in the store. */
export interface KeyState {
  /** Scope requested under this key. */
  readonly scope: readonly string[];
  /** RFC 8707 resource indicators requested under this key. */
  readonly resource: readonly string[];
  /** Scope last granted under this key (may be wider than requested). */
  granted: readonly string[];
  /** No background refresh before this time (epoch ms): backoff and refresh-storm guard. */
  refreshNotBefore: number;
  /** Acquisitions failed in a row (foreground and background). */
  failures: number;
  /** The last failure, served at once to callers until it ends. */
  cooldown: Cooldown | undefined;
  /** The auto-refresh timer, if one is set. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The states of the keys in use, least recently used first, at most `max` of them (like the
 * store's entries); an evicted key's timer is cleared.
 */
export class KeyStates {
  readonly #states = new Map<string, KeyState>();
  readonly #max: number;

  /** @param max - The most keys tracked. */
  constructor(max: number) {
    this.#max = max;
  }

  /** How many keys are tracked. */
  get size(): number {
    return this.#states.size;
  }

  /**
   * @param key - A cache key.
   * @returns Its state, if tracked (its place in the LRU does not change).
   */
  peek(key: string): KeyState | undefined {
    return this.#states.get(key);
  }

  /**
   * The state of `key`, created when new, and made the most recently used.
   *
   * @param key - A cache key.
   * @param scope - The scope requested under it.
   * @param resource - The resource indicators requested under it.
   * @returns The state.
   */
  touch(key: string, scope: readonly string[], resource: readonly string[]): KeyState {
    let state = this.#states.get(key);
    if (state !== undefined) {
      this.#states.delete(key);
    } else {
      state = {
        scope,
        resource,
        granted: scope,
        refreshNotBefore: 0,
        failures: 0,
        cooldown: undefined,
        timer: undefined,
      };
    }
    this.#states.set(key, state);
    while (this.#states.size > this.#max) {
      const [oldestKey, oldest] = this.#states.entries().next().value as [string, KeyState];
      clearTimeout(oldest.timer);
      this.#states.delete(oldestKey);
    }
    return state;
  }

  /** Every tracked key with its state, least recently used first. */
  entries(): IterableIterator<[string, KeyState]> {
    return this.#states.entries();
  }

  /** Clears every timer and forgets every key. */
  clear(): void {
    for (const state of this.#states.values()) clearTimeout(state.timer);
    this.#states.clear();
  }
}
