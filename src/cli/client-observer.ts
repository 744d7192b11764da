/**
 * The logger and hooks the CLI gives the `ConfidentialClient` it makes: the core's warnings always
 * reach stderr; with `-v`, so do its token requests, retries, new tokens and the 401/403 replays,
 * as `* ` lines like curl's. The core keeps secrets and tokens out of all of them; the output
 * scrubs the secret once more.
 *
 * @module
 */

import type { ClientStats, Hooks, Logger } from 'confidential-client';
import type { Output } from './output.js';

const quiet = (): void => {};

function scope(elements: readonly string[]): string {
  return elements.length === 0 ? 'none' : `"${elements.join(' ')}"`;
}

/** A core log line for the terminal: without the package prefix, its details inline. */
function line(message: string, details?: Record<string, unknown>): string {
  const text = message.replace(/^confidential-client: /, '');
  const parts = Object.entries(details ?? {}).flatMap(([key, value]) => {
    if (key === 'expiresAt' && typeof value === 'number')
      return [`expires ${new Date(value).toISOString()}`];
    if (key === 'scope' && typeof value === 'string')
      return [`scope ${value === '' ? 'none' : `"${value}"`}`];
    return typeof value === 'string' || typeof value === 'number' ? [`${key} ${value}`] : [];
  });
  return parts.length === 0 ? text : `${text} (${parts.join(', ')})`;
}

/**
 * The logger and hooks for a client.
 *
 * @param output - Where notes and warnings go.
 * @param verbose - Whether `-v` asked for notes.
 * @returns `{ logger, hooks }` for the client's options.
 */
export function clientObserver(output: Output, verbose: boolean): { logger: Logger; hooks: Hooks } {
  const note = (message: string, details?: Record<string, unknown>): void =>
    output.note(`* ${line(message, details)}`);
  const logger: Logger = {
    debug: verbose ? note : quiet,
    info: verbose ? note : quiet,
    warn: (message, details) => output.warn(line(message, details)),
    // The error itself is printed once, at the end.
    error: quiet,
  };
  if (!verbose) return { logger, hooks: {} };
  return {
    logger,
    hooks: {
      // The core logs tokens got, retries and replays; requests are told by this hook only.
      onTokenRequest: ({ tokenUrl, scope: requested, attempt, background }) =>
        note(
          `token request to ${tokenUrl}, scope ${scope(requested)}${attempt > 1 ? `, attempt ${attempt}` : ''}${background ? ' (background renewal)' : ''}`,
        ),
    },
  };
}

/**
 * One `-v` line that sums up what the client did: token requests, and the requests replayed after
 * a `401` or a `403 insufficient_scope`.
 *
 * @param stats - `client.stats()` at the end of the command.
 * @returns The line, without the `* `.
 */
export function describeStats(stats: ClientStats): string {
  const parts = [
    `${stats.tokenRequests} token request${stats.tokenRequests === 1 ? '' : 's'}`,
    `${stats.stepUps} replay${stats.stepUps === 1 ? '' : 's'} after 403 insufficient_scope (scope discovered)`,
    `${stats.reauthentications} replay${stats.reauthentications === 1 ? '' : 's'} after 401 (new token)`,
  ];
  if (stats.rejectedAfterReplay > 0)
    parts.push(`${stats.rejectedAfterReplay} rejected again after the replay`);
  return parts.join(', ');
}
