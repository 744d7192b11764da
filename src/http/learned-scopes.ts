/**
 * Remembers, per resource (origin + path), the scope its `403 insufficient_scope` challenge asked
 * for, so the next call to it gets the right token the first time. Bounded (LRU), so a client that
 * calls endless distinct paths cannot grow memory without bound.
 */
export class LearnedScopes<T> {
  readonly #entries = new Map<string, T>();
  readonly #max: number;

  /** @param max - The most resources remembered. */
  constructor(max = 1_000) {
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
    return entry;
  }

  /**
   * Forgets a resource.
   *
   * @param resource - Origin + path.
   */
  delete(resource: string): void {
    this.#entries.delete(resource);
  }

  /**
   * @param resource - Origin + path.
   * @param scope - What satisfies it (the scope, with its cache key).
   */
  set(resource: string, scope: T): void {
    this.#entries.delete(resource);
    this.#entries.set(resource, scope);
    if (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value as string);
    }
  }
}
