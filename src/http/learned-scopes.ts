/** The most elements a scope learned for one resource may hold. */
export const MAX_LEARNED_SCOPE_ELEMENTS = 32;
/**
 * The most step-ups (`403 insufficient_scope`), and separately the most re-tokens (`401`), one
 * resource may cause within {@link RECOVERY_WINDOW}.
 */
export const MAX_RECOVERIES_PER_WINDOW = 5;
/** The window of {@link MAX_RECOVERIES_PER_WINDOW}: ten minutes. */
export const RECOVERY_WINDOW = 600_000;

/** What one resource has cost lately. */
interface Budget {
  /** When it last caused one (epoch ms), oldest first; at most the per-window count. */
  readonly times: number[];
  /** What the last one was about: the same cause met by concurrent requests counts once. */
  last: unknown;
}

interface Learned<T> {
  value: T | undefined;
  readonly stepUps: Budget;
  readonly retokens: Budget;
}

/**
 * Remembers, per resource (origin + path), the scope its `403 insufficient_scope` challenge asked
 * for, so the next call to it gets the right token the first time, and what the resource has cost
 * lately: each resource may cause only {@link MAX_RECOVERIES_PER_WINDOW} step-ups in
 * {@link RECOVERY_WINDOW}, and re-tokens only until it has rejected as many brand-new tokens, so
 * one that asks for a new scope on every request, or rejects every token, cannot turn each request
 * into a token request. Requests that meet the same challenge (the same new scope, the same
 * rejected token) at once count as one. Bounded (LRU), so
 * a client that calls endless distinct paths cannot grow memory without bound.
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
   * Forgets what was learned for a resource (its budgets stay spent).
   *
   * @param resource - Origin + path.
   */
  delete(resource: string): void {
    const entry = this.#entries.get(resource);
    if (entry !== undefined) entry.value = undefined;
  }

  /**
   * Whether `resource` may cause a step-up to `scope` now.
   *
   * @param resource - Origin + path.
   * @param scope - The scope it would step up to.
   * @param now - The time, epoch ms.
   * @returns Whether the step-up may go ahead.
   */
  mayStepUp(resource: string, scope: T, now: number): boolean {
    const entry = this.#entries.get(resource);
    return entry === undefined || allows(entry.stepUps, this.#keyOf(scope), now);
  }

  /**
   * Records a step-up for `resource` and what satisfies it.
   *
   * @param resource - Origin + path.
   * @param scope - What satisfies it (the scope, with its cache key).
   * @param now - The time, epoch ms.
   */
  set(resource: string, scope: T, now: number): void {
    const entry = this.#entry(resource);
    spend(entry.stepUps, this.#keyOf(scope), now);
    entry.value = scope;
  }

  /**
   * Whether `resource` may cause a re-token now: not once it rejected
   * {@link MAX_RECOVERIES_PER_WINDOW} brand-new tokens in {@link RECOVERY_WINDOW} (a re-token
   * whose replay succeeds, a token that was really revoked, costs nothing).
   *
   * @param resource - Origin + path.
   * @param now - The time, epoch ms.
   * @returns Whether the re-token may go ahead.
   */
  mayRetoken(resource: string, now: number): boolean {
    const entry = this.#entries.get(resource);
    return entry === undefined || allows(entry.retokens, NO_CAUSE, now);
  }

  /**
   * Records that `resource` rejected `token` right after a re-token got it.
   *
   * @param resource - Origin + path.
   * @param token - The new token it rejected too.
   * @param now - The time, epoch ms.
   */
  rejectedNewToken(resource: string, token: object, now: number): void {
    spend(this.#entry(resource).retokens, token, now);
  }

  #entry(resource: string): Learned<T> {
    const entry = this.#entries.get(resource) ?? {
      value: undefined,
      stepUps: { times: [], last: undefined },
      retokens: { times: [], last: undefined },
    };
    this.#entries.delete(resource);
    this.#entries.set(resource, entry);
    if (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
    return entry;
  }
}

/** A cause no budget has seen. */
const NO_CAUSE = Symbol('no cause');

function allows(budget: Budget, cause: unknown, now: number): boolean {
  if (cause === budget.last) return true;
  const { times } = budget;
  while (times.length > 0 && (times[0] as number) <= now - RECOVERY_WINDOW) times.shift();
  return times.length < MAX_RECOVERIES_PER_WINDOW;
}

function spend(budget: Budget, cause: unknown, now: number): void {
  if (cause === budget.last) return;
  budget.last = cause;
  budget.times.push(now);
  if (budget.times.length > MAX_RECOVERIES_PER_WINDOW) budget.times.shift();
}
