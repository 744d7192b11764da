/** Longest delay a timer takes everywhere (2³¹ − 1 ms, about 24.8 days). */
const FOREVER = 2_147_483_647;

/**
 * Keeps the event loop alive while at least one caller waits, with one referenced timer for all
 * of them.
 *
 * The token requests' own timers (retry backoff, `Retry-After`, attempt timeouts) are `unref`'d,
 * so that a background renewal never holds a process open. A caller that *awaits* a token must
 * hold it open though, or a short script whose token endpoint is down ends silently with exit
 * code 0 (13 under ESM top-level await) before its `await` settles.
 */
export class KeepAlive {
  #waiters = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /**
   * Keeps the process alive until `promise` settles, and returns it.
   *
   * @param promise - What a caller awaits.
   * @returns The same promise.
   */
  hold<T>(promise: Promise<T>): Promise<T> {
    if (this.#waiters++ === 0) this.#timer = setInterval(noop, FOREVER);
    const release = (): void => {
      if (--this.#waiters === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    };
    promise.then(release, release);
    return promise;
  }
}

function noop(): void {}
