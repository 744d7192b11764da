/**
 * Runs the CLI's `run()` in this process, with its I/O in memory: for the many cases of flag
 * parsing, credentials and output that need no child process (a spawned run costs ~0.4 s under
 * tsx). Each run is checked for the suite's secrets, as the spawned ones are.
 */
import { expect } from 'vitest';
import { run } from '../../src/cli/run.js';
import { runs, SECRETS } from './cli-harness.js';
import { fakeIo } from './fake-io.js';

/** What one in-process run gave. */
export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Standard output as bytes (for binary bodies). */
  bytes: Buffer;
}

/**
 * Runs `confidential-client <argv>` in-process.
 *
 * @param argv - The arguments.
 * @param options - The environment (nothing else is seen), stdin, and whether stdout and stderr
 *   are terminals.
 */
export async function runCli(
  argv: readonly string[],
  options: { env?: Record<string, string>; stdin?: string; tty?: boolean } = {},
): Promise<InProcessRun> {
  const { io, err, bytes } = fakeIo(options);
  const code = await run(argv, options.tty ? { ...io, tty: { out: true, err: true } } : io);
  const all = Buffer.concat(bytes);
  const stdout = all.toString();
  const stderr = err.map((line) => `${line}\n`).join('');
  runs.push({ code, stdout, stderr, bytes: all });
  for (const secret of SECRETS) {
    expect(stdout, `stdout of ${argv.join(' ')}`).not.toContain(secret);
    expect(stderr, `stderr of ${argv.join(' ')}`).not.toContain(secret);
  }
  return { code, stdout, stderr, bytes: all };
}
