import { normalizeScope, scopeCovers, unionScope } from '../scope.js';
import { classifyChallenge } from './parse-www-authenticate.js';

/** Step-ups per request, each for a distinct challenge: never a loop. */
export const MAX_STEP_UPS_PER_REQUEST = 3;

/** What one request has tried so far. */
export interface RecoveryState {
  /** Whether it already got a new token after a 401. */
  retokened: boolean;
  /** Whether it already sent again with a resource's DPoP nonce. */
  nonced: boolean;
  /** How many step-ups it made. */
  stepUps: number;
  /** The challenges it stepped up for. */
  readonly challenges: Set<string>;
}

/** What to do with a response to a request that carried our token. */
export type RecoveryStep =
  /** Not a challenge about our token: return the response. */
  | { readonly kind: 'none' }
  /** A challenge this request already answered, or one no new token can meet: return it. */
  | { readonly kind: 'rejected-again' }
  /** `401`: drop the token, get a new one, replay. */
  | { readonly kind: 'retoken' }
  /** `401 DPoP error="use_dpop_nonce"` with a new nonce: replay with the same token, a new proof. */
  | { readonly kind: 'use-nonce' }
  /** `403 insufficient_scope`: get a token for `union`, replay. */
  | {
      readonly kind: 'step-up';
      /** The challenge, to remember. */
      readonly challenge: string;
      /** What the resource requires. */
      readonly required: readonly string[];
      /** The scope used plus the one required. */
      readonly union: readonly string[];
    };

/**
 * The 401/403 recovery decision, without side effects: one new token per request after a `401`,
 * and a step-up per distinct `403 insufficient_scope` challenge, at most
 * {@link MAX_STEP_UPS_PER_REQUEST}, and only when the union would be a different token. A DPoP
 * token's `use_dpop_nonce` challenge is answered once per request, when it came with a new nonce.
 *
 * @param response - The response.
 * @param state - What this request has tried.
 * @param scope - The scope the token was requested for.
 * @param granted - The scope the token was granted.
 * @param tokenType - How the token was sent (`Bearer` or `DPoP`).
 * @param newNonce - Whether the response carried a DPoP nonce other than the one sent.
 * @returns The next step.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-9
 */
export function decideRecovery(
  response: Response,
  state: RecoveryState,
  scope: readonly string[],
  granted: readonly string[],
  tokenType = 'Bearer',
  newNonce = false,
): RecoveryStep {
  const header = response.headers.get('www-authenticate');
  const action = classifyChallenge(response.status, header, tokenType);
  if (action.kind === 'none') return NONE;
  if (action.kind === 'use-nonce') {
    // No new nonce to send: another proof would be the same, so the answer stands.
    if (!newNonce) return NONE;
    return state.nonced ? REJECTED_AGAIN : USE_NONCE;
  }
  if (action.kind === 'retoken') return state.retokened ? REJECTED_AGAIN : RETOKEN;
  const challenge = header as string;
  const required = normalizeScope(action.scope);
  const union = unionScope(scope, required);
  if (
    state.challenges.has(challenge) ||
    state.stepUps >= MAX_STEP_UPS_PER_REQUEST ||
    (union.length === scope.length && scopeCovers(granted, required))
  ) {
    return REJECTED_AGAIN;
  }
  return { kind: 'step-up', challenge, required, union };
}

const NONE: RecoveryStep = Object.freeze({ kind: 'none' });
const REJECTED_AGAIN: RecoveryStep = Object.freeze({ kind: 'rejected-again' });
const RETOKEN: RecoveryStep = Object.freeze({ kind: 'retoken' });
const USE_NONCE: RecoveryStep = Object.freeze({ kind: 'use-nonce' });
