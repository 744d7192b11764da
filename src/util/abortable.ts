import { onAbort } from './on-abort.js';

/**
 * Waits for `promise`, but rejects with `signal.reason` as soon as `signal` aborts. The promise
 * itself goes on (others may be waiting for it); only this wait ends.
 *
 * @param promise - What to wait for.
 * @param signal - The caller's signal, if any.
 * @returns The promise's value.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = onAbort(signal, reject);
    promise.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (error: unknown) => {
        unsubscribe();
        reject(error);
      },
    );
  });
}
