/**
 * The exit codes of the bin and the mapping from the package's typed errors to them, through the
 * public guards (which work across ESM/CJS copies of the package).
 *
 * @module
 */

import {
  isConfigurationError,
  isInsufficientScopeError,
  isNetworkError,
  isTimeoutError,
  isTokenRequestError,
} from 'confidential-client';
import {
  isAdminError,
  isIntrospectionError,
  isInvalidInputError,
  isPushError,
} from 'confidential-client/mobilefirst';
import { CliFailure, UsageError } from './errors.js';

/** What each exit code of the bin means. */
export const ExitCode = Object.freeze({
  /** Done. */
  ok: 0,
  /** A request failed: a refused push, `fetch --fail` on a 4xx/5xx, a token a resource refuses… */
  failed: 1,
  /** Bad flags, arguments or configuration: the message names what to fix. */
  usage: 2,
  /** Authentication or authorization refused: the token endpoint, the admin API, a scope. */
  auth: 3,
  /** No answer: network failure or timeout. */
  network: 4,
});

/** Statuses with which a token endpoint refuses credentials or scope (RFC 6749 §5.2). */
const REFUSALS = new Set([400, 401, 403]);

/**
 * The exit code for an error a command threw.
 *
 * @param error - Anything thrown.
 * @returns 2 for usage and configuration errors and bad input; 3 when credentials or scope were
 *   refused; 4 when nothing answered in time; 1 for the rest.
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliFailure) return error.exitCode;
  if (error instanceof UsageError || isConfigurationError(error) || isInvalidInputError(error)) {
    return ExitCode.usage;
  }
  if (isNetworkError(error) || isTimeoutError(error)) return ExitCode.network;
  if (isTokenRequestError(error)) {
    // An OAuth error answer (invalid_client, invalid_scope…) or a 400/401/403 refuses the
    // credentials; a 5xx or 429 that outlasted the retries, a 404 or a redirect is not about them.
    return error.error !== undefined || REFUSALS.has(error.status)
      ? ExitCode.auth
      : ExitCode.failed;
  }
  if (isInsufficientScopeError(error)) return ExitCode.auth;
  if (isPushError(error)) {
    if (error.reason === 'network' || error.reason === 'timeout') return ExitCode.network;
    return error.status === 401 || error.status === 403 ? ExitCode.auth : ExitCode.failed;
  }
  if (isAdminError(error)) {
    if (error.kind === 'network' || error.kind === 'timeout') return ExitCode.network;
    return error.status === 401 || error.status === 403 ? ExitCode.auth : ExitCode.failed;
  }
  if (isIntrospectionError(error)) {
    switch (error.reason) {
      case 'token':
        // The validator's own token: what the token endpoint said.
        return error.cause === undefined ? ExitCode.failed : exitCodeOf(error.cause);
      case 'rejected':
        return ExitCode.auth;
      case 'unreachable':
        return ExitCode.network;
      default:
        return ExitCode.failed;
    }
  }
  return ExitCode.failed;
}
