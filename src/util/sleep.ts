import { onAbort } from './on-abort.js';

/**
 * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as `signal` aborts (the timer
 * is cleared then).
 *
 * @param ms - How long to wait.
 * @param signal - Ends the wait early.
 * @param unref - Let the process exit while waiting (Node).
 * @returns A promise that resolves after `ms`.
 */
export function sleep(ms: number, signal: AbortSignal, unref = false): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const unsubscribe = onAbort(signal, (reason) => {
      clearTimeout(timer);
      reject(reason);
    });
    const timer = setTimeout(() => {
      unsubscribe();
      resolve();
    }, ms);
    if (unref) (timer as { unref?: () => void }).unref?.();
  });
}
