/** The callbacks waiting on one signal, behind its one listener. */
interface Subscribers {
  readonly callbacks: Set<(reason: unknown) => void>;
  readonly listener: () => void;
}

const subscribed = new WeakMap<AbortSignal, Subscribers>();

/**
 * Calls `callback` with the signal's reason when `signal` aborts, until the returned function is
 * called.
 *
 * However many requests wait on one signal (a load harness passes one shutdown signal to every
 * request), the signal gets a single `abort` listener from this package: no
 * `MaxListenersExceededWarning` past ten, and a subscription costs a `Set` entry. The listener is
 * removed with the last subscription, so a long-lived signal holds nothing once its requests
 * have settled.
 *
 * @param signal - The signal to watch; it must not have aborted already.
 * @param callback - Called once, with `signal.reason`.
 * @returns Unsubscribes; idempotent.
 */
export function onAbort(signal: AbortSignal, callback: (reason: unknown) => void): () => void {
  let subscribers = subscribed.get(signal);
  if (subscribers === undefined) {
    const callbacks = new Set<(reason: unknown) => void>();
    const listener = () => {
      subscribed.delete(signal);
      for (const each of callbacks) {
        try {
          each(signal.reason);
        } catch (error) {
          // As EventTarget does for a listener: reported, and the others still run.
          queueMicrotask(() => {
            throw error;
          });
        }
      }
      callbacks.clear();
    };
    subscribers = { callbacks, listener };
    subscribed.set(signal, subscribers);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { callbacks, listener } = subscribers;
  // A wrapper of its own, so that one function subscribed twice is two subscriptions.
  const entry = (reason: unknown) => callback(reason);
  callbacks.add(entry);
  return () => {
    if (!callbacks.delete(entry) || callbacks.size > 0) return;
    if (subscribed.get(signal)?.callbacks === callbacks) subscribed.delete(signal);
    signal.removeEventListener('abort', listener);
  };
}
