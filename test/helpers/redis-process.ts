/**
 * A redis-server child process on a random loopback port, without persistence, for tests and
 * benchmarks (no vitest here: bench/ imports it too).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** The redis-server binary (Debian package `redis-server`; `.ci/run` installs it). */
export const REDIS_SERVER_BINARY = process.env.REDIS_SERVER ?? 'redis-server';

/** Whether a redis-server can be started here. */
export const redisServerAvailable = spawnSync(REDIS_SERVER_BINARY, ['--version']).status === 0;

/** A free loopback TCP port. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Resolves once something accepts connections on `port`. */
async function untilListening(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

/**
 * A redis-server on a random loopback port, without persistence: started by a test file and
 * stopped after it. It can be stopped, restarted on the same port, and paused (SIGSTOP) to act
 * as a Redis that does not answer.
 */
export class RedisServer {
  port = 0;
  #child: ChildProcess | undefined;

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it (on the same port as before, if it ran already). */
  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const child = spawn(
      REDIS_SERVER_BINARY,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.#child = child;
    await untilListening(this.port, child);
  }

  /** Kills it (as a crash would) and waits for it to exit. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes it: connections stay open, nothing answers. */
  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  /** Unfreezes it. */
  resume(): void {
    this.#child?.kill('SIGCONT');
  }
}
