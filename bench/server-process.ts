/**
 * Starts `server.ts` in a child process, so that on a small machine the server's work runs on
 * its own core instead of sharing the client's event loop (which would dilute any client-side
 * overhead with server time and make the two sides of a comparison disturb each other).
 * @module
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchServer } from './server.js';

/** How long the child may take to start listening. */
const START_TIMEOUT = 15_000;

/**
 * Forks the server and waits for its origin.
 *
 * @returns The origin and a `close()` that stops the child and waits for it to exit.
 * @throws {Error} When the child exits or stays silent for 15 s.
 */
export function startServerProcess(): Promise<BenchServer> {
  const child = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), {
    // process.execArgv carries tsx's loader, so the child runs the .ts file the same way.
    env: { ...process.env, BENCH_SERVER_CHILD: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<BenchServer>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('bench: the server process did not start within 15 s'));
    }, START_TIMEOUT);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench: the server process exited early (code ${code})`));
    });
    child.once('message', (message) => {
      clearTimeout(timer);
      const { origin } = message as { origin: string };
      resolve({
        origin,
        close: async () => {
          if (child.connected) child.send('close');
          const killer = setTimeout(() => child.kill(), 5_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}
