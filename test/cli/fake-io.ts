import { Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';

/**
 * A CLI run's I/O in memory, for in-process tests of `run()`: the lines written, all of stdout as
 * bytes in order, a given stdin and environment, and a shutdown the test triggers. `listening`
 * resolves when the dev server has printed its banner (or its JSON document).
 */
export function fakeIo(options: { env?: Record<string, string>; stdin?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const bytes: Buffer[] = [];
  let stop: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stop = resolve;
  });
  let started: () => void = () => {};
  const listening = new Promise<void>((resolve) => {
    started = resolve;
  });
  const io: CliIo = {
    out: (line) => {
      out.push(line);
      bytes.push(Buffer.from(`${line}\n`));
      if (line.startsWith('Press Ctrl+C') || line.startsWith('{')) started();
    },
    err: (line) => err.push(line),
    stdout: new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes.push(chunk);
        done();
      },
    }),
    readStdin: async () => Buffer.from(options.stdin ?? ''),
    env: options.env ?? {},
    tty: { out: false, err: false },
    packageJson: new URL('../../package.json', import.meta.url),
    untilShutdown: () => stopped,
  };
  return { io, out, err, bytes, stop, listening };
}
