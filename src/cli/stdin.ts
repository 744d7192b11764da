/**
 * Standard input, which carries one thing per run: a secret (`--client-secret-stdin`), a token
 * (`introspect -`), a file (`--file -`, `--data-binary @-`). A second claim is a usage error that
 * names both, before anything is sent.
 *
 * @module
 */

import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

/** Reads standard input once, for the one flag that claims it. */
export class Stdin {
  readonly #io: CliIo;
  #claimedBy: string | undefined;

  /** @param io - The run's I/O. */
  constructor(io: CliIo) {
    this.#io = io;
  }

  /**
   * Claims standard input for `what` without reading it yet.
   *
   * @param what - The flag or argument that reads it, for the message of a second claim.
   * @throws UsageError if another flag claimed it already.
   */
  claim(what: string): void {
    if (this.#claimedBy !== undefined) {
      throw new UsageError(
        `${this.#claimedBy} and ${what} both read standard input, which carries only one of them`,
      );
    }
    this.#claimedBy = what;
  }

  /**
   * Reads all of standard input as bytes.
   *
   * @param what - The flag that reads it (claimed now if it was not).
   * @returns The bytes.
   */
  async bytes(what: string): Promise<Buffer> {
    if (this.#claimedBy !== what) this.claim(what);
    return this.#io.readStdin();
  }

  /**
   * Reads one value (a secret, a token) from standard input: the text without the line break that
   * `echo` or a here-string adds.
   *
   * @param what - The flag that reads it.
   * @returns The text.
   * @throws UsageError if it is empty.
   */
  async value(what: string): Promise<string> {
    const text = (await this.bytes(what)).toString('utf8').replace(/\r?\n$/, '');
    if (text === '') throw new UsageError(`${what}: standard input was empty`);
    return text;
  }
}
