/**
 * The CLI's side effects (output, shutdown signals), injectable so commands can be tested
 * in-process.
 *
 * @module
 */

/** Output streams and the shutdown signal of one CLI run. */
export interface CliIo {
  /** Writes a line to standard output. */
  readonly out: (line: string) => void;
  /** Writes a line to standard error. */
  readonly err: (line: string) => void;
  /**
   * Resolves with the signal name when the process is asked to stop (SIGINT, SIGTERM). Long-running
   * commands (`dev-server`) serve until then.
   */
  readonly untilShutdown: () => Promise<string>;
}

/**
 * The process's stdio and SIGINT/SIGTERM.
 *
 * @returns The real I/O.
 */
export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    untilShutdown: () =>
      new Promise((resolve) => {
        const signals = ['SIGINT', 'SIGTERM'] as const;
        const stop = (signal: string): void => {
          for (const name of signals) process.off(name, stop);
          resolve(signal);
        };
        for (const name of signals) process.once(name, stop);
      }),
  };
}
