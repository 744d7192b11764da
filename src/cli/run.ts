/**
 * Dispatches `confidential-client <command> [options]` to a command, and turns what it throws
 * into a message on stderr and an exit code.
 *
 * @module
 */

import { readFile } from 'node:fs/promises';
import { findUnknownKey } from '../util/unknown-keys.js';
import type { CliCommand } from './command.js';
import { clientsCommand } from './commands/clients.js';
import { devServerCommand } from './commands/dev-server.js';
import { fetchCommand } from './commands/fetch.js';
import { introspectCommand } from './commands/introspect.js';
import { pushCommand } from './commands/push.js';
import { tokenCommand } from './commands/token.js';
import { UsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import type { CliIo } from './io.js';
import { Output } from './output.js';
import { Stdin } from './stdin.js';

/** Every command, in the order help lists them. */
export const commands: readonly CliCommand[] = [
  tokenCommand,
  fetchCommand,
  pushCommand,
  introspectCommand,
  clientsCommand,
  devServerCommand,
];

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: confidential-client <command> [options]',
    '',
    'An OAuth 2.0 confidential client for IBM MobileFirst Foundation (and any OAuth 2.0 server).',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Options:',
    '  -h, --help     show this help',
    '  --version      print the version',
    '',
    'Server and credentials come from flags, else MFP_SERVER_URL (or MFP_TOKEN_URL), MFP_RUNTIME,',
    'MFP_CLIENT_ID, MFP_CLIENT_SECRET (MFP_ADMIN_USER, MFP_ADMIN_PASSWORD for clients), else an',
    '--env-file. Exit codes: 0 ok, 1 request failed, 2 usage, 3 authentication or authorization',
    'refused, 4 network or timeout.',
    '',
    'Example:',
    '  export MFP_SERVER_URL=https://mfp.example.com MFP_CLIENT_ID=backend',
    '  read -rs MFP_CLIENT_SECRET && export MFP_CLIENT_SECRET',
    '  confidential-client fetch /mfp/api/adapters/sample/resource',
    '',
    'Run "confidential-client <command> --help" for the options of a command.',
  ].join('\n');
}

async function version(io: CliIo): Promise<string> {
  const pkg = JSON.parse(await readFile(io.packageJson, 'utf8')) as { version: string };
  return pkg.version;
}

/** The program-level arguments: help, version, or a mistake. */
async function runProgram(name: string | undefined, io: CliIo): Promise<number> {
  const output = new Output(io, { json: false });
  if (name === undefined) {
    io.err(usage());
    return ExitCode.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return ExitCode.ok;
  }
  if (name === '--version' || name === '-V') {
    io.out(await version(io));
    return ExitCode.ok;
  }
  if (name.startsWith('-')) {
    return output.fail(
      new UsageError(
        `${name.split('=')[0]} is not a program option: options come after the command (confidential-client <command> ${name.split('=')[0]} …)`,
      ),
      usage(),
    );
  }
  const suggestion = findUnknownKey(
    { [name]: true },
    new Set(commands.map((c) => c.name)),
  )?.suggestion;
  return output.fail(
    new UsageError(
      `unknown command "${name}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`,
    ),
    usage(),
  );
}

/**
 * Runs the CLI.
 *
 * @param argv - Arguments after the program name (`process.argv.slice(2)`).
 * @param io - Output, input, environment and shutdown signal.
 * @returns The exit code: 0 success, 1 request failed, 2 usage error, 3 authentication or
 *   authorization refused, 4 network failure or timeout.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    return runProgram(name, io).catch((error: unknown) =>
      new Output(io, { json: false }).fail(error),
    );
  }
  // Known before parsing, so that a usage error is JSON too.
  const json = command.jsonFlag && args.includes('--json');
  const output = new Output(io, { json, command: command.name });
  try {
    return await command.run(args, { io, output, stdin: new Stdin(io) });
  } catch (error) {
    return output.fail(error, command.help);
  }
}
