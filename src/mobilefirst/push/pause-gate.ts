import { sleep } from '../../util/sleep.js';

const NEVER = new AbortController().signal;

/**
 * A pause every sender of one {@link PushClient} waits out: when the push service answers `429`
 * (or `503`) with `Retry-After`, nobody sends until that time has passed, so that N concurrent
 * workers do not all hit the service again while it asked them to wait.
 *
 * @internal
 */
export class PauseGate {
  #until = 0;

  /**
   * Holds every sender back for `ms` from now (a later end wins over an earlier one).
   *
   * @param ms - How long, in ms.
   */
  pause(ms: number): void {
    this.#until = Math.max(this.#until, Date.now() + ms);
  }

  /** How long the pause under way has left, in ms (0 when none). */
  get left(): number {
    return Math.max(0, this.#until - Date.now());
  }

  /**
   * Waits until no pause is under way (at once when none is).
   *
   * @param signal - Ends the wait early.
   * @throws The signal's reason when it aborts first.
   */
  async wait(signal: AbortSignal | undefined): Promise<void> {
    // A pause can be extended while we wait: wait again until its end is behind us.
    for (let left = this.#until - Date.now(); left > 0; left = this.#until - Date.now()) {
      await sleep(left, signal ?? NEVER);
    }
    signal?.throwIfAborted();
  }
}
