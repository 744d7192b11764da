/**
 * What a command prints: human lines or one JSON document on stdout, notes and warnings on
 * stderr, errors as one line (or one JSON document with `--json`), colour only on a terminal
 * without `NO_COLOR`. Every line on stderr is scrubbed of the secrets the run knows.
 *
 * @module
 */

import { redact } from '../util/redact.js';
import { UsageError } from './errors.js';
import { exitCodeOf } from './exit-codes.js';
import type { CliIo } from './io.js';

/** SGR colours used, sparingly: errors red, warnings yellow, a good answer green. */
const SGR = { red: 31, yellow: 33, green: 32, dim: 2 } as const;

/**
 * How the options and input fields the package's errors name (`option \`serverUrl\``,
 * `` `message.alert` ``) are called on the command line.
 */
const FLAGS: Readonly<Record<string, string>> = {
  serverUrl: '--server-url (MFP_SERVER_URL)',
  tokenUrl: '--token-url (MFP_TOKEN_URL)',
  runtime: '--runtime (MFP_RUNTIME)',
  clientId: '--client-id (MFP_CLIENT_ID)',
  clientSecret: 'the client secret',
  scope: '--scope',
  requiredScope: '--scope',
  username: '--admin-user (MFP_ADMIN_USER)',
  password: 'the admin password',
  applicationId: '--app',
  'message.alert': '--alert',
  'client.id': '--id',
  'client.allowedScope': '--scope',
  'client.secret': 'the secret',
  'client.displayName': '--display-name',
  id: 'the client ID',
};

/** An error's message as the CLI prints it: one line, without the package-name prefix. */
function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .replace(/^confidential-client: /, '')
      .replace(/\s*\n\s*/g, ' ')
      .replace(/^(?:option )?`([\w.]+)`/, (whole, name: string) => FLAGS[name] ?? whole)
      .replace(/set allowInsecureHttp: true|allowInsecureHttp/g, 'pass --allow-insecure-http')
      .replace(/pass \{ force: true \}/g, 'pass --force')
      // The client's timeout is no flag of the CLI (fetch has -m).
      .replace(/Raise the `timeout` option or check/g, 'Check')
  );
}

/** The printing side of one run of a command. */
export class Output {
  readonly #io: CliIo;
  readonly #secrets: string[] = [];
  readonly #colour: { out: boolean; err: boolean };
  /** Whether `--json` asked for machine-readable output. */
  readonly json: boolean;
  /** The prefix of error lines: `confidential-client <command>`. */
  readonly prefix: string;

  /**
   * @param io - Where to print.
   * @param options - `json`: one JSON document per stream; `command`: for the error prefix.
   */
  constructor(io: CliIo, options: { json: boolean; command?: string }) {
    this.#io = io;
    this.json = options.json;
    this.prefix = `confidential-client${options.command === undefined ? '' : ` ${options.command}`}`;
    const noColor = (io.env.NO_COLOR ?? '') !== '';
    this.#colour = { out: io.tty.out && !noColor, err: io.tty.err && !noColor };
  }

  /**
   * Keeps a secret out of every later line on stderr (errors, warnings, notes). The package's
   * errors and logs hold no secret already; this is a second net. Values shorter than 8
   * characters are left alone: those are the emulator's `admin` and `test`, and scrubbing them
   * would garble every message that says "admin" while protecting nothing.
   *
   * @param value - A secret the run learned (client secret, admin password…).
   */
  secret(value: string | undefined): void {
    if (value !== undefined && value.length >= 8) this.#secrets.push(value);
  }

  /** A line of human output on stdout. */
  line(text: string): void {
    this.#io.out(text);
  }

  /** One JSON document on stdout. */
  document(value: unknown): void {
    this.#io.out(JSON.stringify(value, null, 2));
  }

  /** Paints `text` for stdout when colour is on. */
  paint(text: string, colour: keyof typeof SGR): string {
    return this.#colour.out ? `\u001b[${SGR[colour]}m${text}\u001b[0m` : text;
  }

  /** A line on stderr (`-v` notes): scrubbed. */
  note(text: string): void {
    this.#io.err(this.#scrub(text));
  }

  /** A warning on stderr, in yellow on a terminal. */
  warn(text: string): void {
    this.#io.err(this.#paintErr(`warning: ${this.#scrub(text)}`, 'yellow'));
  }

  /**
   * Reports an error on stderr: one line (plus the help for a usage error), or with `--json` one
   * document `{ "error": { name, code, message, exitCode, … } }`.
   *
   * @param error - What the command threw.
   * @param help - The command's help, printed after a usage error in human mode.
   * @returns The exit code.
   */
  fail(error: unknown, help?: string): number {
    const exitCode = exitCodeOf(error);
    const message = this.#scrub(messageOf(error));
    if (this.json) {
      const e = error as Record<string, unknown>;
      const details: Record<string, unknown> = {
        name: error instanceof Error ? error.name : 'Error',
        code:
          typeof e?.code === 'string'
            ? e.code
            : error instanceof UsageError
              ? 'ERR_USAGE'
              : undefined,
        message,
        exitCode,
      };
      for (const key of ['status', 'error', 'field', 'reason', 'kind']) {
        const value = e?.[key];
        if (typeof value === 'string' || typeof value === 'number') details[key] = value;
      }
      this.#io.err(this.#scrub(JSON.stringify({ error: details })));
      return exitCode;
    }
    this.#io.err(`${this.#paintErr(`${this.prefix}:`, 'red')} ${message}`);
    if (error instanceof UsageError && help !== undefined) {
      // The usage lines, not the whole help: the message stays on screen.
      const synopsis = help.slice(0, help.search(/\n\s*\n|$/));
      this.#io.err(`\n${synopsis}\nRun "${this.prefix} --help" for every option.`);
    }
    return exitCode;
  }

  #paintErr(text: string, colour: keyof typeof SGR): string {
    return this.#colour.err ? `\u001b[${SGR[colour]}m${text}\u001b[0m` : text;
  }

  #scrub(text: string): string {
    return redact(text, this.#secrets);
  }
}
