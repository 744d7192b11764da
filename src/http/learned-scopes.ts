/** The most elements a scope learned for one resource may hold. */
export const MAX_LEARNED_SCOPE_ELEMENTS = 32;
/** The most step-ups one resource may cause within {@link STEP_UP_WINDOW}. */
export const MAX_STEP_UPS_PER_WINDOW = 5;
/** The window of {@link MAX_STEP_UPS_PER_WINDOW}: ten minutes. */
export const STEP_UP_WINDOW = 600_000;

interface Learned<T> {
  value: T | undefined;
  /** When the resource's last step-ups were learned (epoch ms), oldest first. */
  readonly stepUps: number[];
}

/**
 * Remembers, per resource (origin + path), the scope its `403 insufficient_scope` challenge asked
 * for, so the next call to it gets the right token the first time. Bounded (LRU), so a client that
 * calls endless distinct paths cannot grow memory without bound, and each resource may cause only
 * {@link MAX_STEP_UPS_PER_WINDOW} step-ups in {@link STEP_UP_WINDOW}, so one that asks for a new
 * scope on every request cannot turn each request into a token request.
 */
export class LearnedScopes<T> {
  readonly #entries = new Map<string, Learned<T>>();
  readonly #max: number;
  readonly #keyOf: (value: T) => string;

  /**
   * @param keyOf - What tells two learned values apart (the scope's cache key).
   * @param max - The most resources remembered.
   */
  constructor(keyOf: (value: T) => string, max = 1_000) {
    this.#keyOf = keyOf;
    this.#max = max;
  }

  /** How many resources are remembered. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * @param resource - Origin + path.
   * @returns What was learned, or `undefined`.
   */
  get(resource: string): T | undefined {
    const entry = this.#entries.get(resource);
    if (entry !== undefined && this.#entries.size > 1) {
      // Least recently used goes first: a busy resource must not be pushed out by new paths.
      this.#entries.delete(resource);
      this.#entries.set(resource, entry);
    }
    return entry?.value;
  }

  /**
   * Forgets what was learned for a resource (its step-up budget stays spent).
   *
   * @param resource - Origin + path.
   */
  delete(resource: string): void {
    const entry = this.#entries.get(resource);
    if (entry !== undefined) entry.value = undefined;
  }

  /**
   * Whether `resource` may cause a step-up to `scope` now: always when `scope` is what was learned
   * already (concurrent requests meeting the same challenge), otherwise only while it caused fewer
   * than {@link MAX_STEP_UPS_PER_WINDOW} in the last {@link STEP_UP_WINDOW}.
   *
   * @param resource - Origin + path.
   * @param scope - The scope it would step up to.
   * @param now - The time, epoch ms.
   * @returns Whether the step-up may go ahead.
   */
  mayStepUp(resource: string, scope: T, now: number): boolean {
    const entry = this.#entries.get(resource);
    if (entry === undefined) return true;
    if (entry.value !== undefined && this.#keyOf(entry.value) === this.#keyOf(scope)) return true;
    const { stepUps } = entry;
    while (stepUps.length > 0 && (stepUps[0] as number) <= now - STEP_UP_WINDOW) stepUps.shift();
    return stepUps.length < MAX_STEP_UPS_PER_WINDOW;
  }

  /**
   * Records what satisfies `resource`, and a step-up when it differs from what was learned.
   *
   * @param resource - Origin + path.
   * @param scope - What satisfies it (the scope, with its cache key).
   * @param now - The time, epoch ms.
   */
  set(resource: string, scope: T, now: number): void {
    const entry = this.#entries.get(resource) ?? { value: undefined, stepUps: [] };
    if (entry.value === undefined || this.#keyOf(entry.value) !== this.#keyOf(scope)) {
      entry.stepUps.push(now);
      if (entry.stepUps.length > MAX_STEP_UPS_PER_WINDOW) entry.stepUps.shift();
    }
    entry.value = scope;
    this.#entries.delete(resource);
    this.#entries.set(resource, entry);
    if (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }
}
