/**
 * Runs the `confidential-client` bin as a user would: a child process, its stdout, stderr and
 * exit code. `npm test` runs it from the sources (`node --import tsx src/cli/index.ts`);
 * vitest.dist.config.ts sets `CONFIDENTIAL_CLIENT_BIN=dist` to run the built `dist/cli/index.js`.
 *
 * Every run is checked: neither its stdout nor its stderr may hold a secret of this suite (the
 * clients' secrets, the administrator's password), whatever the command and mode.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  type DevServer,
  type MobileFirstEmulatorOptions,
  startDevServer,
} from '../../src/dev-server/index.js';

const root = new URL('../..', import.meta.url).pathname;

/** Which bin runs: the sources (default) or the build. */
export const binKind = process.env.CONFIDENTIAL_CLIENT_BIN === 'dist' ? 'dist' : 'src';

const bin =
  binKind === 'dist'
    ? [`${root}dist/cli/index.js`]
    : ['--import', 'tsx', `${root}src/cli/index.ts`];

/** The secrets of the suite: no output may hold one. Long and unlike any other text. */
export const SECRET = 'cli-S3cret-7f2c9a4e';
export const NARROW_SECRET = 'cli-Narrow-b81d55e0';
export const ADMIN_PASSWORD = 'cli-Adm1n-0c4f7d2b';
/** Secrets some tests register or mistype; also never printed. */
export const OTHER_SECRETS = ['cli-N3w-client-9e1a', 'cli-Wrong-secret-33d1'] as const;
/** Every secret of the suite. */
export const SECRETS: readonly string[] = [SECRET, NARROW_SECRET, ADMIN_PASSWORD, ...OTHER_SECRETS];

/** What one run of the bin gave. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Standard output as bytes (for binary bodies). */
  bytes: Buffer;
}

/** How many runs the suite made (the secrets test checks it did run many). */
export const runs: CliRun[] = [];

/**
 * Runs the bin with `args`, an environment that holds only what is given (plus PATH and HOME), and
 * `stdin` (closed at once when not given); checks that no output holds a secret.
 */
export async function cli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; stdin?: string | Buffer } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [...bin, ...args], {
    // The project's directory: tsx applies its tsconfig paths (confidential-client → src/).
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  child.stdin.on('error', () => {}); // A command that never reads stdin may exit before we write.
  child.stdin.end(options.stdin ?? '');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const bytes = Buffer.concat(out);
  const run = {
    code,
    stdout: bytes.toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    bytes,
  };
  runs.push(run);
  for (const secret of SECRETS) {
    expect(run.stdout, `stdout of ${args.join(' ')}`).not.toContain(secret);
    expect(run.stderr, `stderr of ${args.join(' ')}`).not.toContain(secret);
  }
  return run;
}

/** A dev server with the suite's clients, and the environment that points the CLI at it. */
export interface CliServer {
  readonly server: DevServer;
  readonly url: string;
  /** MFP_* for the `backend` client (allowed any scope) and the administrator. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts a dev server with the suite's clients: `backend` (any scope), `narrow` (only
 * `accessRestricted`), and the administrator `admin` with {@link ADMIN_PASSWORD}. For a test that
 * injects faults or changes clients; others share {@link useCliServer}'s.
 */
export async function startCliServer(options: MobileFirstEmulatorOptions = {}): Promise<CliServer> {
  const server = await startDevServer({
    emulatorOptions: {
      clients: [
        { id: 'backend', secret: SECRET, allowedScope: '*' },
        { id: 'narrow', secret: NARROW_SECRET, allowedScope: 'accessRestricted' },
      ],
      administrator: { username: 'admin', password: ADMIN_PASSWORD },
      ...options,
    },
  });
  return {
    server,
    url: server.url,
    env: {
      MFP_SERVER_URL: server.url,
      MFP_CLIENT_ID: 'backend',
      MFP_CLIENT_SECRET: SECRET,
      MFP_ADMIN_USER: 'admin',
      MFP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
    close: () => server.close(),
  };
}

/** The dev server of a test file (one for all its tests): `{ server, url, env }` inside tests. */
export function useCliServer(): CliServer {
  let served: CliServer | undefined;
  beforeAll(async () => {
    served = await startCliServer();
  });
  afterAll(() => served?.close());
  const get = (): CliServer => {
    if (served === undefined) throw new Error('the dev server runs inside tests only');
    return served;
  };
  return {
    get server() {
      return get().server;
    },
    get url() {
      return get().url;
    },
    get env() {
      return get().env;
    },
    close: () => get().close(),
  };
}

/** A token of the `backend` client, straight from the token endpoint (no CLI run). */
export async function issueToken(url: string, scope: string): Promise<string> {
  const res = await fetch(`${url}/mfp/api/az/v1/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`backend:${SECRET}`)}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A loopback port with nothing listening (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
