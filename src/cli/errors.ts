/**
 * The errors the CLI itself throws: a usage error (exit 2, printed with the command's help), and
 * a failure with its own exit code.
 *
 * @module
 */

/** A usage error: the message is printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError' as const;
}

/**
 * A failure the CLI itself finds (no such client, `fetch --fail` on a 404): its message is
 * printed as it is, and the process exits with `exitCode`.
 */
export class CliFailure extends Error {
  override name = 'CliFailure' as const;
  /** The exit code (see `exit-codes.ts`). */
  readonly exitCode: number;

  /**
   * @param message - One line that says what failed and what to check.
   * @param exitCode - The exit code. @default 1
   */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
