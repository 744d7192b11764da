/**
 * Dispatches `confidential-client <command> [options]` to a command.
 *
 * @module
 */

import { type CliCommand, EXIT_USAGE, UsageError } from './command.js';
import { devServerCommand } from './commands/dev-server.js';
import type { CliIo } from './io.js';

/** Every command, in the order help lists them. */
export const commands: readonly CliCommand[] = [devServerCommand];

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: confidential-client <command> [options]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run "confidential-client <command> --help" for the options of a command.',
  ].join('\n');
}

/**
 * Runs the CLI.
 *
 * @param argv - Arguments after the program name (`process.argv.slice(2)`).
 * @param io - Output and shutdown signal.
 * @returns The exit code: 0 success, 1 failure, 2 usage error.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(usage());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`confidential-client: unknown command "${name}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`confidential-client ${command.name}: ${error.message}\n\n${command.help}`);
      return EXIT_USAGE;
    }
    io.err(`confidential-client ${command.name}: ${(error as Error)?.message ?? String(error)}`);
    return 1;
  }
}
