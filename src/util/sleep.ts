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
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (unref) (timer as { unref?: () => void }).unref?.();
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
