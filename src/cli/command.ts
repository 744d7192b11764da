/**
 * The shape of a CLI command, so that `token`, `fetch` and `push` can join `dev-server` by adding
 * one module and one line in `run.ts`.
 *
 * @module
 */

import type { CliIo } from './io.js';

/** One sub-command of the `confidential-client` bin. */
export interface CliCommand {
  /** The word that selects it, e.g. `dev-server`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full help text: usage line and options. */
  readonly help: string;
  /**
   * Runs the command.
   *
   * @param args - The arguments after the command name.
   * @param io - Output and shutdown signal.
   * @returns The process exit code.
   */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit code of a usage error (bad option or argument). */
export const EXIT_USAGE = 2;

/** A usage error: the message is printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError' as const;
}
