/**
 * What a push request comes to when no answer came: a lost connection (before or after the
 * request went out), a timeout, an abort, or the core's own error about the token.
 *
 * @module
 * @internal
 */

import {
  type ConfidentialClientError,
  isConfidentialClientError,
  isTimeoutError,
} from 'confidential-client';
import type { PushCall } from './push-answer.js';
import { PushError } from './push-error.js';

/**
 * Network failures that happen before any byte of the request is written: the service cannot
 * have seen it. Anything else (a reset, a socket closed mid-way, an error without a code) may come
 * after the request went out.
 */
const BEFORE_SENDING = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The codes along an error's `cause` chain (fetch keeps the system error a few causes down). */
function causeCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string') codes.push(code);
    current = current.cause;
  }
  return codes;
}

/**
 * Whether a failed `fetch` surely never reached the server (the connection was never made).
 *
 * @param error - What `fetch` threw.
 * @returns `true` only for the connect-phase failures of {@link BEFORE_SENDING}.
 */
export function failedBeforeSending(error: unknown): boolean {
  return causeCodes(error).some((code) => BEFORE_SENDING.has(code));
}

/**
 * What a failed request comes to when no answer came: the core's own errors about the token as
 * they are (nothing was sent), a timeout, an abort or a network failure as a {@link PushError}.
 *
 * @param call - The request.
 * @param error - What `client.fetch` threw.
 * @param signal - The caller's signal, if any.
 * @returns The error to report.
 */
export function requestError(
  call: PushCall,
  error: unknown,
  signal: AbortSignal | undefined,
): ConfidentialClientError {
  const details = { operation: call.operation, url: call.url, cause: error };
  const what = `push ${call.operation} for application "${call.applicationId}"`;
  if (isTimeoutError(error)) {
    return new PushError(
      `${what} got no answer within ${error.timeout} ms; the service may have acted on it.`,
      {
        ...details,
        reason: 'timeout',
        mayHaveBeenSent: call.operation !== 'get',
      },
    );
  }
  if (signal?.aborted && error === signal.reason) {
    return new PushError(`${what} was aborted while under way; the service may have acted on it.`, {
      ...details,
      reason: 'aborted',
      mayHaveBeenSent: call.operation !== 'get',
    });
  }
  // The core's errors (a token it could not get, a closed client) come before anything is sent.
  if (isConfidentialClientError(error)) return error;
  const before = failedBeforeSending(error);
  const cause = error instanceof Error ? error.message : String(error);
  return new PushError(
    `${what} got no answer (${[cause, ...causeCodes(error)].join(', ')}); ${before ? 'the connection was never made' : 'the service may have acted on it'}.`,
    { ...details, reason: 'network', mayHaveBeenSent: !before && call.operation !== 'get' },
  );
}

/**
 * The {@link PushError} for a call the caller's signal aborted before its request went out.
 *
 * @param call - The request.
 * @param reason - The signal's reason.
 * @param mayHaveBeenSent - Whether an earlier attempt of it may have reached the service.
 * @returns The error (`reason: 'aborted'`).
 */
export function abortedError(call: PushCall, reason: unknown, mayHaveBeenSent: boolean): PushError {
  return new PushError(
    `push ${call.operation} for application "${call.applicationId}" was aborted before it was sent${mayHaveBeenSent ? ' again (an earlier attempt may have reached the service)' : ''}.`,
    { operation: call.operation, reason: 'aborted', url: call.url, mayHaveBeenSent, cause: reason },
  );
}

/**
 * The error of a call not sent because the push service asked every sender to wait (`429` with a
 * `Retry-After`) longer than `retry.maxRetryAfter`.
 *
 * @param call - What was not sent.
 * @param left - How long the service's wait has left, ms.
 * @returns A `PushError` with status 429 and `retryAfter`, never sent.
 * @internal
 */
export function heldError(call: PushCall, left: number): PushError {
  return new PushError(
    `push ${call.operation} for application "${call.applicationId}" was not sent: the push service asked to wait ${Math.ceil(left / 1000)} s more (429 Retry-After), longer than retry.maxRetryAfter.`,
    {
      operation: call.operation,
      reason: 'status',
      url: call.url,
      status: 429,
      retryAfter: left,
      mayHaveBeenSent: false,
    },
  );
}
