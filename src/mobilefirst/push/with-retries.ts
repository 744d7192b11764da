/**
 * Runs one push call with the retry policy: the shared pause first, then attempts until one
 * succeeds or a failure may not be retried.
 *
 * @module
 * @internal
 */

import { sleep } from '../../util/sleep.js';
import type { PauseGate } from './pause-gate.js';
import { isPushError } from './push-error.js';
import { backoff, classifyFailure, type ResolvedPushRetry } from './push-retry.js';

const NEVER = new AbortController().signal;

/** How {@link withRetries} runs a call. @internal */
export interface RetryRun {
  readonly policy: ResolvedPushRetry;
  /** The pause shared by every call of one PushClient. */
  readonly gate: PauseGate;
  /** Ends the waits (the pause, the backoff); the attempt itself gets the signals it needs. */
  readonly signal: AbortSignal | undefined;
  /** Retry failures after which the service may have acted (500, 502, 504, a lost answer). */
  readonly retryMaybeSent: boolean;
  /** The error that reports an abort during a wait. */
  aborted(reason: unknown, mayHaveBeenSent: boolean): unknown;
  /** The error of a call not sent because the service asked every sender to wait `left` ms. */
  held(left: number): unknown;
}

/** What a call came to, after its retries. @internal */
export type Attempted<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | {
      readonly ok: false;
      readonly error: unknown;
      readonly attempts: number;
      /** Whether any attempt may have reached the service and been acted on. */
      readonly mayHaveBeenSent: boolean;
    };

/**
 * The wait before the next attempt, or `undefined` when the failure may not be retried: a final
 * failure, a `maybe-sent` one without `retryMaybeSent`, retries spent, a `Retry-After` over
 * `maxRetryAfter`, or a wait that would end past `maxRetryTime`. A `429` (or a `503` with
 * `Retry-After`) also holds every other sender for that long.
 */
function nextDelay(
  error: unknown,
  attempts: number,
  run: RetryRun,
  start: number,
): number | undefined {
  const { policy } = run;
  const kind = classifyFailure(error);
  if (kind === 'final' || (kind === 'maybe-sent' && !run.retryMaybeSent)) return undefined;
  if (attempts > policy.retries) return undefined;
  const status = isPushError(error) ? error.status : undefined;
  const retryAfter = isPushError(error) ? error.retryAfter : undefined;
  const delay = Math.max(backoff(policy, attempts), retryAfter ?? 0);
  // The service asked every sender to wait: hold them all, even when this call gives up (a wait
  // longer than maxRetryAfter then fails the others at once, unsent, instead of each asking).
  if (status === 429 && retryAfter !== undefined) run.gate.pause(retryAfter);
  if (retryAfter !== undefined && retryAfter > policy.maxRetryAfter) return undefined;
  if (Date.now() - start + delay > policy.maxRetryTime) return undefined;
  if (status === 429) run.gate.pause(delay);
  return delay;
}

/**
 * Runs `attempt` until it succeeds or its failure may not be retried. Every attempt first waits
 * out the shared pause. Bounded by `policy.retries` and `policy.maxRetryTime`.
 *
 * @param attempt - One attempt; throws its failure.
 * @param run - The policy, the shared pause, the signal.
 * @returns The value, or the last failure with the number of attempts.
 * @internal
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  run: RetryRun,
): Promise<Attempted<T>> {
  const start = Date.now();
  let mayHaveBeenSent = false;
  // Bounded: nextDelay() ends it after policy.retries retries or policy.maxRetryTime.
  for (let attempts = 1; ; attempts++) {
    const left = run.gate.left;
    if (left > run.policy.maxRetryAfter) {
      return { ok: false, error: run.held(left), attempts: attempts - 1, mayHaveBeenSent };
    }
    try {
      await run.gate.wait(run.signal);
    } catch (reason) {
      const error = run.aborted(reason, mayHaveBeenSent);
      return { ok: false, error, attempts: attempts - 1, mayHaveBeenSent };
    }
    let failure: unknown;
    try {
      return { ok: true, value: await attempt(), attempts };
    } catch (error) {
      failure = error;
    }
    if (isPushError(failure) && failure.mayHaveBeenSent) mayHaveBeenSent = true;
    const delay = nextDelay(failure, attempts, run, start);
    if (delay === undefined) return { ok: false, error: failure, attempts, mayHaveBeenSent };
    try {
      await sleep(delay, run.signal ?? NEVER);
    } catch (reason) {
      return { ok: false, error: run.aborted(reason, mayHaveBeenSent), attempts, mayHaveBeenSent };
    }
  }
}
