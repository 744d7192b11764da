import { isTokenRequestError, TokenRequestError } from '../errors/token-request-error.js';
import type { Observer } from '../observer.js';

/** What the failure policy is configured with (see `RetryOptions`). */
export interface FailurePolicyConfig {
  readonly now: () => number;
  /** The first cooldown after a failure, ms; 0 turns cooldowns off. */
  readonly cooldown: number;
  /** The longest cooldown, ms. */
  readonly maxCooldown: number;
  /** Jitter cooldowns (×0.8–1). */
  readonly randomize: boolean;
  /** The longest a server's `Retry-After` holds calls back, ms. */
  readonly maxRetryAfterHold: number;
}

/** A key's last failure, served at once to callers until `until`. */
export interface Cooldown {
  readonly error: unknown;
  readonly until: number;
}

/**
 * When the token endpoint may be asked again after it failed, so that a client that cannot get a
 * token does not turn every call into a token request:
 *
 * - a `Retry-After` the request did not wait out holds back every key (the endpoint is one URL,
 *   and RFC 9110 asks not to send to it before), at most `maxRetryAfterHold`, and is never lifted
 *   early: a success may come from a request sent before it;
 * - any other failure a caller waited for cools its key down: `cooldown`, doubled for each further
 *   failure in a row, up to `maxCooldown`, jittered downwards.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export class FailurePolicy {
  readonly #config: FailurePolicyConfig;
  readonly #observer: Observer;
  #retryAfter: { readonly error: TokenRequestError; readonly until: number } | undefined;

  /**
   * @param config - Cooldowns and the `Retry-After` bound.
   * @param observer - Where the policy's warnings go.
   */
  constructor(config: FailurePolicyConfig, observer: Observer) {
    this.#config = config;
    this.#observer = observer;
  }

  /** Until when (epoch ms) the server's `Retry-After` holds back every request; 0 for none. */
  get heldUntil(): number {
    return this.#retryAfter?.until ?? 0;
  }

  /**
   * Why no token request may be sent now for a key in `cooldown`.
   *
   * @param cooldown - The key's cooldown, if any.
   * @returns The error to reject with at once, or `undefined` when a request may be sent.
   */
  refusal(cooldown: Cooldown | undefined): unknown {
    const now = this.#config.now();
    const retryAfter = this.#retryAfter;
    if (retryAfter !== undefined) {
      if (now < retryAfter.until) return stillWaiting(retryAfter.error, retryAfter.until - now);
      this.#retryAfter = undefined;
    }
    return cooldown !== undefined && now < cooldown.until ? cooldown.error : undefined;
  }

  /**
   * Records a failed acquisition.
   *
   * @param error - What it failed with.
   * @param inARow - Failures of its key in a row, this one included.
   * @param background - Whether nobody waited for it (a renewal): it then starts no cooldown.
   * @returns The key's new cooldown, if any; the hold of a `Retry-After` shows in
   *   {@link heldUntil}.
   */
  failed(error: unknown, inARow: number, background: boolean): Cooldown | undefined {
    const { now, cooldown, maxCooldown, randomize, maxRetryAfterHold } = this.#config;
    const at = now();
    if (isTokenRequestError(error) && error.retryAfter !== undefined && error.retryAfter > 0) {
      // Bounded: one absurd header from a proxy must not disable the client for years.
      const hold = Math.min(error.retryAfter, maxRetryAfterHold);
      if (hold <= 0) return undefined;
      const until = at + hold;
      if (until > this.heldUntil) this.#retryAfter = { error, until };
      this.#observer.log(
        'warn',
        `the token endpoint asked to wait ${Math.ceil(error.retryAfter / 1000)} s (Retry-After); for ${Math.ceil(hold / 1000)} s, calls that need a new token fail at once with its error.`,
      );
      return undefined;
    }
    // A background renewal's failure only delays the next renewal: callers are still served the
    // valid token, and one that needs a new token may ask.
    if (background || cooldown <= 0) return undefined;
    const base = Math.min(maxCooldown, cooldown * 2 ** (inARow - 1));
    // Jitter downwards, so that maxCooldown stays the longest.
    const delay = randomize ? base * (1 - Math.random() / 5) : base;
    this.#observer.log(
      'debug',
      `cooling down for ${Math.round(delay)} ms after ${inARow} failed token request(s) in a row; calls for this scope fail at once with the same error until then.`,
    );
    return { error, until: at + delay };
  }
}

/**
 * The server's `Retry-After` error again, for a call made while it still runs: the same status,
 * OAuth fields and challenge, with `retryAfter` set to what is left. The original is its `cause`.
 */
function stillWaiting(error: TokenRequestError, left: number): TokenRequestError {
  return new TokenRequestError(
    `the token endpoint answered ${error.status} and asked to wait (Retry-After); no token request is sent for another ${Math.ceil(left / 1000)} s (\`retryAfter\` ms).`,
    {
      status: error.status,
      error: error.error,
      errorDescription: error.errorDescription,
      errorUri: error.errorUri,
      wwwAuthenticate: error.wwwAuthenticate,
      retryAfter: left,
      response: error.response,
      cause: error,
    },
  );
}
