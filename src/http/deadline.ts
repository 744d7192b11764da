import { TimeoutError } from '../errors/timeout-error.js';
import { onAbort } from '../util/on-abort.js';

/**
 * Runs `send` with a signal that aborts after `timeout` ms (with a {@link TimeoutError}) or when
 * the caller's signal aborts. The time limit runs until the response headers arrive; the caller's
 * signal keeps covering the body after that, as with `fetch`, until the body is collected.
 *
 * One controller and one timer per request, linked to the caller's signal through its single
 * listener (see `onAbort`): `AbortSignal.any` and `AbortSignal.timeout` cost more (bench section
 * 1c), and in Node 20 the signals `any` combines with a long-lived one are never freed.
 *
 * @param callerSignal - The caller's signal, if any.
 * @param timeout - The limit, ms.
 * @param resource - What timed out, for the error.
 * @param send - Sends the request with the given signal.
 * @returns The response.
 */
export async function withDeadline(
  callerSignal: AbortSignal | undefined,
  timeout: number,
  resource: string,
  send: (signal: AbortSignal) => Promise<Response>,
): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(resource, timeout)), timeout);
  let unlink: (() => void) | undefined;
  if (callerSignal?.aborted) controller.abort(callerSignal.reason);
  else if (callerSignal !== undefined) unlink = linkWeakly(callerSignal, controller);
  try {
    const response = await send(controller.signal);
    if (unlink !== undefined) {
      if (response.body === null) unlink();
      else {
        controllerOfBody.set(response.body, controller);
        bodyCollected.register(response.body, unlink);
      }
    }
    return response;
  } catch (error) {
    unlink?.();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Unlinks a request from its caller's signal once the response body can no longer be read: the
 * caller's abort covers the body until then, and a long-lived signal keeps nothing afterwards.
 */
const bodyCollected = new FinalizationRegistry<() => void>((unlink) => unlink());

/** Each linked request's controller, alive exactly as long as its response body. */
const controllerOfBody = new WeakMap<ReadableStream, AbortController>();

/**
 * Aborts `controller` when the caller's `signal` aborts, holding the controller only weakly: the
 * link is kept until the body is collected, and a fetch whose abort listener reaches the body (a
 * wrapper that errors its body on abort, say) would otherwise keep the body alive from the link,
 * and the finalizer would never run. A function of its own, so that the callback's closure holds
 * nothing but the `WeakRef`.
 */
function linkWeakly(signal: AbortSignal, controller: AbortController): () => void {
  const ref = new WeakRef(controller);
  return onAbort(signal, (reason) => ref.deref()?.abort(reason));
}
