import type { Target } from './exchange.js';
import type { OriginPolicy } from './origin-policy.js';

/** The most request URLs whose parsing is remembered. */
const MAX_TARGETS = 1_000;

/**
 * The parsed URL of each request and whether the token may go there. String URLs are memoized:
 * the hot path calls the same few URLs over and over, and `new URL()` is its dearest step.
 */
export class RequestTargets {
  readonly #policy: OriginPolicy;
  readonly #targets = new Map<string, Target>();

  /** @param policy - Which origins get the token. */
  constructor(policy: OriginPolicy) {
    this.#policy = policy;
  }

  /**
   * @param input - What `fetch` was called with.
   * @returns Its target.
   * @throws {TypeError} For a URL that does not parse (as `fetch` does).
   */
  of(input: RequestInfo | URL): Target {
    if (typeof input === 'string') {
      let target = this.#targets.get(input);
      if (target === undefined) {
        target = this.#parse(new URL(input));
        if (this.#targets.size >= MAX_TARGETS) this.#targets.clear();
        this.#targets.set(input, target);
      }
      return target;
    }
    return this.#parse(new URL(input instanceof URL ? input.href : input.url));
  }

  #parse(url: URL): Target {
    return { url, resource: url.origin + url.pathname, allowed: this.#policy.allows(url) };
  }
}
