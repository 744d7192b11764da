/**
 * The shape of a CLI command, so that each joins the bin by adding one module and one line in
 * `run.ts`.
 *
 * @module
 */

import type { CliIo } from './io.js';
import type { Output } from './output.js';
import type { Stdin } from './stdin.js';

/** What a command runs with. */
export interface CommandContext {
  /** Output, input, environment and shutdown signal. */
  readonly io: CliIo;
  /** Printing: human or JSON, warnings, secrets kept off stderr. */
  readonly output: Output;
  /** Standard input, for the one flag that reads it. */
  readonly stdin: Stdin;
}

/** One sub-command of the `confidential-client` bin. */
export interface CliCommand {
  /** The word that selects it, e.g. `dev-server`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full help text: usage line, options and an example. */
  readonly help: string;
  /**
   * Runs the command.
   *
   * @param args - The arguments after the command name.
   * @param context - I/O, output and standard input.
   * @returns The process exit code.
   * @throws UsageError for bad arguments (exit 2); `CliFailure` or any error of the package
   *   otherwise (see `exit-codes.ts`).
   */
  run(args: readonly string[], context: CommandContext): Promise<number>;
  /** Whether `--json` selects JSON output, errors included (not `fetch`, where it is curl's). */
  readonly jsonFlag: boolean;
}
