/**
 * Push faults a test can inject (`failNextPushRequests`): what they are, and how the push
 * endpoints answer them. Their queue lives with the other faults, in `faults.ts`.
 *
 * @module
 */

/**
 * How a push request fails. Faults strike requests the push service would otherwise have
 * answered with success (token, headers and body all valid):
 * - `rate-limit`: `429 Too Many Requests` with `Retry-After: <retryAfter>` (seconds, default 1);
 *   nothing is recorded, as a rate limiter answers before the service acts.
 * - `server-error`: a 5xx status (`status`, default 500), with `Retry-After` if `retryAfter` is
 *   given;
 * - `drop`: the connection is dropped with no answer (as for {@link TokenFault}).
 *
 * With `accepted: true` (`server-error` and `drop`), the service acts first and then fails to
 * answer: a send is recorded (a message that was sent although its sender never learnt its ID), a
 * delete is carried out. It is the case a sender must not blindly retry.
 */
export type PushFault =
  | { readonly kind: 'rate-limit'; readonly retryAfter?: number }
  | {
      readonly kind: 'server-error';
      readonly status?: number;
      readonly retryAfter?: number;
      readonly accepted?: boolean;
    }
  | { readonly kind: 'drop'; readonly accepted?: boolean };

function checkRetryAfter(retryAfter: number, kind: string): number {
  if (!Number.isInteger(retryAfter) || retryAfter < 0) {
    throw new RangeError(`a ${kind} fault needs retryAfter as an integer number of seconds ≥ 0`);
  }
  return retryAfter;
}

/**
 * Validates a push fault.
 *
 * @param fault - The fault to check.
 * @returns The fault with its defaults.
 * @throws TypeError for an unknown kind or a non-boolean `accepted`; RangeError for a bad status
 *   or Retry-After.
 * @internal
 */
export function resolvePushFault(fault: PushFault): PushFault {
  const accepted = (fault as { accepted?: unknown })?.accepted ?? false;
  if (typeof accepted !== 'boolean') throw new TypeError('a push fault takes accepted: boolean');
  switch (fault?.kind) {
    case 'rate-limit':
      return {
        kind: 'rate-limit',
        retryAfter: checkRetryAfter(fault.retryAfter ?? 1, 'rate-limit'),
      };
    case 'server-error': {
      const { status = 500, retryAfter } = fault;
      if (!Number.isInteger(status) || status < 500 || status > 599) {
        throw new RangeError('a server-error fault needs a status between 500 and 599');
      }
      return retryAfter === undefined
        ? { kind: 'server-error', status, accepted }
        : {
            kind: 'server-error',
            status,
            accepted,
            retryAfter: checkRetryAfter(retryAfter, 'server-error'),
          };
    }
    case 'drop':
      return { kind: 'drop', accepted };
    default:
      throw new TypeError("a push fault needs kind 'rate-limit', 'server-error' or 'drop'");
  }
}

/**
 * Whether a push fault lets the service act before failing (`accepted: true`).
 *
 * @param fault - A resolved push fault.
 * @returns Whether the request takes effect.
 * @internal
 */
export function isAcceptedFault(fault: PushFault): boolean {
  return fault.kind !== 'rate-limit' && fault.accepted === true;
}

/**
 * The answer for a push fault, shaped as the push service's errors (`{ message }`).
 *
 * @param fault - A resolved push fault.
 * @returns The response (`Response.error()` for `drop`).
 * @internal
 */
export function pushFaultResponse(fault: PushFault): Response {
  if (fault.kind === 'drop') return Response.error();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  const [status, message] =
    fault.kind === 'rate-limit'
      ? [429, 'Too Many Requests (fault injected by the MobileFirst emulator)']
      : [fault.status ?? 500, 'Internal error (fault injected by the MobileFirst emulator)'];
  return new Response(JSON.stringify({ message }), { status, headers });
}
