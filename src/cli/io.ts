/**
 * The CLI's side effects (output, input, environment, shutdown signals), injectable so commands
 * can be tested in-process.
 *
 * @module
 */

import type { Writable } from 'node:stream';

/** Output streams, input, environment and the shutdown signal of one CLI run. */
export interface CliIo {
  /** Writes a line to standard output. */
  readonly out: (line: string) => void;
  /** Writes a line to standard error. */
  readonly err: (line: string) => void;
  /**
   * Standard output as a byte stream, for bodies that are not lines (`fetch`). Never ended by a
   * command: other output may follow.
   */
  readonly stdout: Writable;
  /** Reads standard input to its end (a secret, a token, a message file given as `-`). */
  readonly readStdin: () => Promise<Buffer>;
  /** The environment (`MFP_*`, `NO_COLOR`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether standard output and standard error are terminals (colour is for terminals only). */
  readonly tty: { readonly out: boolean; readonly err: boolean };
  /**
   * The `package.json` of the installed package, read by `--version`: beside the bin in the
   * package, whether it runs from `src/` (tsx) or `dist/`.
   */
  readonly packageJson: URL;
  /**
   * Resolves with the signal name when the process is asked to stop (SIGINT, SIGTERM). Long-running
   * commands (`dev-server`) serve until then.
   */
  readonly untilShutdown: () => Promise<string>;
}

/**
 * The process's stdio, environment and SIGINT/SIGTERM.
 *
 * @param packageJson - Where the package's `package.json` is, relative to the bin.
 * @returns The real I/O.
 */
export function processIo(packageJson: URL): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stdout: process.stdout,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    env: process.env,
    tty: { out: process.stdout.isTTY === true, err: process.stderr.isTTY === true },
    packageJson,
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
