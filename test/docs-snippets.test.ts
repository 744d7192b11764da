/**
 * Every fenced code block in README.md and docs/**\/*.md runs as written on the Node that runs the
 * suite (Node 20 in `npm test`; 22 and 24 in CI).
 *
 * How a block runs, by the first word of its info string:
 * - `ts`, `typescript`, `mts`: written as a `.mts` module and run with `node --import tsx`.
 * - `js`, `javascript`, `mjs`: written as a `.mjs` module, parsed by plain `node --check` first
 *   (so syntax Node cannot run, like `await using` on Node 20, fails whatever tsx does), then run
 *   with `node --import tsx`.
 * - A JS/TS block that calls the test globals (`test`, `it`, `describe`, `beforeAll`, `afterAll`,
 *   `beforeEach`, `afterEach`) or imports `vitest` is a test file: they all run in one
 *   `vitest run` child (`globals: true`, as jest users write them), and each must pass.
 * - `sh`, `bash`, `shell`: each `npx confidential-client …` line runs the CLI from src/ (any
 *   `--port` becomes 0). A server it starts must print its URL, then gets SIGINT once the rest
 *   of the block has run, and must exit 0; a command that ends by itself must exit 0. The other
 *   lines run as one `bash -eux -o pipefail` script (the trace shows where it failed).
 * - No info string, `text`, `txt`, `json`, `jsonc`: output or data, never run.
 * - Anything else fails the "every code block has a runner" test: add a runner here, or a skip
 *   marker to the block.
 *
 * Imports stay as written. Each module is written into a temporary directory outside the project
 * whose tsconfig.json maps `confidential-client`, `confidential-client/testing` and
 * `confidential-client/dev-server` to src/ (the `paths` of the project's tsconfig.json, which
 * tsx applies to examples/ the same way; vitest gets them as aliases) and whose node_modules is
 * a link to the project's (msw, vitest). So a snippet resolves its imports as a user's code
 * would, but against the sources: nothing needs building, and nothing is rewritten but the
 * placeholders below.
 *
 * The server: every block gets a dev server of its own (`startDevServer()` in development mode,
 * plus a `backend` / `s3cret` client allowed any scope), since snippets change server state
 * (the admin API replaces the client list). `MFP_SERVER_URL` (its URL), `MFP_CLIENT_ID=backend`
 * and `MFP_CLIENT_SECRET=s3cret` (and the administrator, `MFP_ADMIN_USER`/`MFP_ADMIN_PASSWORD`
 * `admin`/`admin`) are set in the environment, and, for blocks that use
 * `confidential-client/redis`, `REDIS_URL` (a redis-server this file starts) and `TOKEN_KEY` (an
 * encryption key), and the placeholder
 * `https://mfp.example.com` becomes its URL in every block. `http://localhost:9080` stays as it
 * is in JS/TS blocks: it is the MSW handlers' origin, served in-process. In shell blocks it (and
 * its `https:` form, for `dev-server --https`) is
 * the address of the CLI dev server the docs start with `--port 9080`, and becomes the URL of
 * the server the block started, or else of the test's dev server.
 *
 * Markers are HTML comments on the lines just above a fence (blank lines may come between),
 * invisible once rendered:
 * - `<!-- snippet: skip <reason> -->`: not run. The reason is required and shows in the test
 *   name. Keep these rare: a block that cannot run usually wants rewriting.
 * - `<!-- snippet: continue -->`: this block continues the previous code block of the file: they
 *   run as one module (or script), the previous block first, and the previous block does not
 *   run on its own.
 * - `<!-- snippet: id <name> -->` names a block; `<!-- snippet: after <name> -->` runs a block
 *   with the named block (same file, above it) in front of it. The named block still runs on its
 *   own as well. For a setup that several blocks share, shown once to the reader.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../src/dev-server/index.js';
import { RedisServer, redisServerAvailable } from './helpers/redis-process.js';

const root = new URL('..', import.meta.url).pathname;
const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];

/** A process may run this long before it counts as hanging (a server or a timer left open). */
const processTimeout = 30_000;
const placeholderServerUrl = 'https://mfp.example.com';
const cliServerUrls = [
  'http://localhost:9080',
  'http://127.0.0.1:9080',
  // `dev-server --https`: its certificate holds both names.
  'https://localhost:9080',
  'https://127.0.0.1:9080',
];
const backend = { id: 'backend', secret: 's3cret', allowedScope: '*' };

type Kind = 'ts' | 'js' | 'sh' | 'data';
const kinds: Record<string, Kind> = {
  ts: 'ts',
  typescript: 'ts',
  mts: 'ts',
  js: 'js',
  javascript: 'js',
  mjs: 'js',
  sh: 'sh',
  bash: 'sh',
  shell: 'sh',
  '': 'data',
  text: 'data',
  txt: 'data',
  json: 'data',
  jsonc: 'data',
};

type Marker =
  | { kind: 'skip'; reason: string }
  | { kind: 'continue' }
  | { kind: 'id'; name: string }
  | { kind: 'after'; name: string };

interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
  markers: Marker[];
}

/** What runs: one block, with the blocks it continues or comes after in front of it. */
interface Snippet {
  name: string;
  kind: 'ts' | 'js' | 'sh';
  code: string;
  skip?: string;
  test: boolean;
  slug: string;
}

const problems: string[] = [];

function parseMarker(text: string, where: string): Marker | undefined {
  const [word = '', ...rest] = text.split(/\s+/);
  const arg = rest.join(' ');
  if (word === 'skip' && arg) return { kind: 'skip', reason: arg };
  if (word === 'continue' && !arg) return { kind: 'continue' };
  if ((word === 'id' || word === 'after') && /^\S+$/.test(arg)) return { kind: word, name: arg };
  problems.push(
    `${where}: bad marker "snippet: ${text}" (skip <reason> | continue | id <name> | after <name>)`,
  );
  return undefined;
}

function extractBlocks(file: string): Block[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  let markers: Marker[] = [];
  let markerLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const marker = /^\s*<!--\s*snippet:\s*(.*?)\s*-->\s*$/.exec(line);
    if (marker) {
      const parsed = parseMarker(marker[1] ?? '', `${file}:${i + 1}`);
      if (parsed) markers.push(parsed);
      markerLine = i + 1;
      continue;
    }
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`]*)/.exec(line);
    if (open) {
      const [, indent = '', fence = '', info = ''] = open;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const text = lines[j] ?? '';
        const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text)?.[1] ?? '';
        if (close[0] === fence[0] && close.length >= fence.length) break;
        body.push(text.startsWith(indent) ? text.slice(indent.length) : text.trimStart());
      }
      blocks.push({
        file,
        line: i + 1,
        lang: info.toLowerCase(),
        code: `${body.join('\n')}\n`,
        markers,
      });
      markers = [];
      i = j;
      continue;
    }
    if (line.trim() !== '' && markers.length > 0) {
      problems.push(`${file}:${markerLine}: a snippet marker must sit just above a code block`);
      markers = [];
    }
  }
  if (markers.length > 0)
    problems.push(`${file}:${markerLine}: a snippet marker at the end of the file`);
  return blocks;
}

const testGlobals = /(^|[^\w$.])(describe|it|test|beforeAll|afterAll|beforeEach|afterEach)\s*\(/m;

function snippetsOf(file: string): Snippet[] {
  const snippets: Snippet[] = [];
  const byId = new Map<string, Snippet>();
  let previous: Snippet | undefined;
  for (const block of extractBlocks(file)) {
    const where = `${file}:${block.line}`;
    const kind = kinds[block.lang];
    const skip = block.markers.find((m) => m.kind === 'skip');
    const continues = block.markers.some((m) => m.kind === 'continue');
    const after = block.markers.find((m) => m.kind === 'after');
    const id = block.markers.find((m) => m.kind === 'id');
    if (kind === undefined && !skip) {
      problems.push(
        `${where}: no runner for \`\`\`${block.lang} blocks: add one to test/docs-snippets.test.ts, or <!-- snippet: skip <reason> -->`,
      );
      continue;
    }
    if (kind === 'data' || kind === undefined) {
      if (block.markers.length > 0 && !skip)
        problems.push(`${where}: a marker on a block that never runs`);
      continue;
    }
    let front: Snippet | undefined;
    if (continues) front = previous;
    else if (after) front = byId.get(after.name);
    if ((continues || after) && (front === undefined || front.skip !== undefined)) {
      problems.push(
        `${where}: nothing runnable to ${continues ? 'continue' : `run after (${after?.name})`}`,
      );
      continue;
    }
    if (front && (front.kind === 'sh') !== (kind === 'sh')) {
      problems.push(`${where}: cannot join a ${kind} block with a ${front.kind} one`);
      continue;
    }
    const code = (front?.code ?? '') + block.code;
    const snippet: Snippet = {
      name: `${where} \`\`\`${block.lang}${front ? ` (${continues ? 'continues' : 'after'} ${front.name.split(' ')[0]})` : ''}`,
      kind: front?.kind === 'ts' ? 'ts' : kind,
      code,
      test: kind !== 'sh' && (testGlobals.test(code) || /from ['"]vitest['"]/.test(code)),
      slug: `${file.replace(/\W+/g, '-')}-${block.line}`,
      ...(skip ? { skip: skip.reason } : {}),
    };
    if (continues && front) snippets.splice(snippets.indexOf(front), 1);
    if (id) byId.set(id.name, snippet);
    snippets.push(snippet);
    previous = snippet;
  }
  return snippets;
}

const snippets = docs.flatMap(snippetsOf);

// The directory the snippets run in, outside the project (see the top of the file).
const work = mkdtempSync(join(tmpdir(), 'confidential-client-docs-'));
const projectPaths = (
  JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: Record<string, string[]> };
  }
).compilerOptions.paths;
const entryPoints = Object.entries(projectPaths).map(
  ([specifier, [target = '']]) => [specifier, join(root, target)] as const,
);
symlinkSync(join(root, 'node_modules'), join(work, 'node_modules'), 'junction');
writeFileSync(
  join(work, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: { paths: Object.fromEntries(entryPoints.map(([s, t]) => [s, [t]])) },
  }),
);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const childEnv = (serverUrl: string): NodeJS.ProcessEnv => ({
  // Not the parent's VITEST_* variables: the vitest child would think it runs inside a worker.
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST'))),
  MFP_SERVER_URL: serverUrl,
  MFP_CLIENT_ID: backend.id,
  MFP_CLIENT_SECRET: backend.secret,
  // The dev server's administrator (the DevKit default), for the admin API recipes.
  MFP_ADMIN_USER: 'admin',
  MFP_ADMIN_PASSWORD: 'admin',
  // The fleet recipe's Redis (a redis-server of this file's) and its token encryption key.
  REDIS_URL: redisUrl,
  TOKEN_KEY: 'dGhpcnR5LXR3by1ieXRlcy1vZi1ub3QtYS1zZWNyZXQ=',
});

/** Blocks that need a Redis: they get REDIS_URL, a redis-server started for this file. */
const needsRedis = (snippet: Snippet) => /confidential-client\/redis|REDIS_URL/.test(snippet.code);
const redis = new RedisServer();
let redisUrl = 'redis://127.0.0.1:6379';
let redisStarted: Promise<void> | undefined;
async function useRedis(): Promise<void> {
  redisStarted ??= redis.start().then(() => {
    redisUrl = redis.url;
  });
  await redisStarted;
}
afterAll(() => redis.stop());

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (killed after `timeout`); never throws. */
function exec(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeout = processTimeout,
): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: work, env, timeout }, (error, stdout, stderr) => {
      const failed = error as (Error & { code?: unknown; signal?: NodeJS.Signals }) | null;
      resolve({
        code: failed ? (typeof failed.code === 'number' ? failed.code : null) : 0,
        signal: failed?.signal ?? null,
        stdout,
        // A command that could not start says why only in the error.
        stderr: stderr || (typeof failed?.code === 'string' ? String(failed) : ''),
      });
    });
  });
}

function expectSuccess(what: string, outcome: Outcome) {
  const how =
    outcome.signal === 'SIGTERM'
      ? `did not exit within ${processTimeout / 1000} s: does it close everything it opens?`
      : `exited with ${outcome.code ?? outcome.signal}`;
  expect(outcome.code, `${what} ${how}\n${outcome.stderr}${outcome.stdout}`).toBe(0);
}

async function withDevServer<T>(use: (server: DevServer) => Promise<T>): Promise<T> {
  const server = await startDevServer({ emulatorOptions: { clients: [backend] } });
  try {
    return await use(server);
  } finally {
    await server.close();
  }
}

const substitute = (code: string, serverUrl: string) =>
  code.replaceAll(placeholderServerUrl, serverUrl);

async function runModule(snippet: Snippet) {
  if (needsRedis(snippet)) await useRedis();
  await withDevServer(async (server) => {
    const file = join(work, `${snippet.slug}.${snippet.kind === 'ts' ? 'mts' : 'mjs'}`);
    writeFileSync(file, substitute(snippet.code, server.url));
    const env = childEnv(server.url);
    if (snippet.kind === 'js')
      expectSuccess('node --check', await exec(process.execPath, ['--check', file], env));
    expectSuccess('the snippet', await exec(process.execPath, ['--import', 'tsx', file], env));
  });
}

/** Test-file snippets run together in one vitest child; a file's result, by snippet. */
let vitestResults: Promise<Map<Snippet, string | undefined>> | undefined;

async function runTestFiles(): Promise<Map<Snippet, string | undefined>> {
  const tests = snippets.filter((s) => s.test && s.skip === undefined);
  const dir = join(work, 'vitest');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'vitest.config.mjs'),
    `export default {
  cacheDir: ${JSON.stringify(join(dir, '.vite'))},
  resolve: {
    alias: [${entryPoints
      .map(
        ([s, t]) =>
          `{ find: new RegExp(${JSON.stringify(`^${s.replace(/[/.]/g, '\\$&')}$`)}), replacement: ${JSON.stringify(t)} }`,
      )
      .join(', ')}],
  },
  test: { globals: true, environment: 'node', include: ['*.test.mts', '*.test.mjs'] },
};
`,
  );
  return withDevServer(async (server) => {
    const files = new Map<Snippet, string>();
    const checks: Promise<Outcome>[] = [];
    for (const snippet of tests) {
      const file = join(dir, `${snippet.slug}.test.${snippet.kind === 'ts' ? 'mts' : 'mjs'}`);
      writeFileSync(file, substitute(snippet.code, server.url));
      files.set(snippet, file);
      if (snippet.kind === 'js')
        checks.push(exec(process.execPath, ['--check', file], childEnv(server.url)));
    }
    for (const check of await Promise.all(checks)) expectSuccess('node --check', check);
    const report = join(dir, 'report.json');
    const outcome = await exec(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        dir,
        '--config',
        join(dir, 'vitest.config.mjs'),
        '--reporter=json',
        `--outputFile=${report}`,
      ],
      childEnv(server.url),
      // One vitest child runs every test-file block: its start-up alone can take seconds on a
      // loaded machine.
      processTimeout * 3,
    );
    let results: {
      testResults: {
        name: string;
        status: string;
        message: string;
        assertionResults: { failureMessages: string[] }[];
      }[];
    };
    try {
      results = JSON.parse(readFileSync(report, 'utf8'));
    } catch {
      throw new Error(
        `vitest wrote no report (exit ${outcome.code})\n${outcome.stderr}${outcome.stdout}`,
      );
    }
    return new Map(
      [...files].map(([snippet, file]) => {
        const result = results.testResults.find((r) => r.name === file);
        if (result === undefined) return [snippet, 'vitest did not run it'];
        if (result.status === 'passed') return [snippet, undefined];
        const failures = result.assertionResults.flatMap((a) => a.failureMessages);
        return [snippet, [result.message, ...failures].filter(Boolean).join('\n')];
      }),
    );
  });
}

/** Starts `npx confidential-client <args>` from src/; resolves once it listens or has ended. */
function startCli(args: string[], env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/cli/index.ts'), ...args],
    { cwd: work, env },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  const ready = new Promise<{ url?: string; exitCode?: number | null }>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ exitCode: null });
    }, processTimeout);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (https?:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode });
    });
  });
  return { child, exited, ready, output: () => output };
}

/**
 * A dev-server command line on a free port: any `--port` becomes 0, and one without a port gets
 * `--port 0` (several servers of one block would all take the default 9080).
 */
function withFreePort(args: string[]): string[] {
  const out = args.map((arg, i) =>
    args[i - 1] === '--port' ? '0' : arg.replace(/^--port=.*/, '--port=0'),
  );
  const server = out[0] === 'dev-server' && !out.includes('--help') && !out.includes('-h');
  return server && !out.some((arg) => arg === '--port' || arg.startsWith('--port='))
    ? [...out, '--port', '0']
    : out;
}

/** The words of a command line as a POSIX shell splits them: quotes and backslashes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && /["\\$`]/.test(line[i + 1] ?? '')) i++;
        word += line[i];
      }
      if (i >= line.length) throw new Error(`unterminated " in: ${line}`);
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

async function runShell(snippet: Snippet) {
  const cliLine = /^\s*npx confidential-client(?:\s+(.*?))?\s*(?:#.*)?$/;
  const script = snippet.code
    .split('\n')
    .filter((line) => !cliLine.test(line))
    .join('\n');
  const hasScript = script
    .split('\n')
    .some((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  await withDevServer(async (server) => {
    const env = childEnv(server.url);
    const clis = snippet.code
      .split('\n')
      .filter((line) => cliLine.test(line))
      .map((line) => withFreePort(shellWords(cliLine.exec(line)?.[1] ?? '')));
    const started = [];
    try {
      for (const args of clis) {
        const cli = startCli(args, env);
        started.push(cli);
        const ready = await cli.ready;
        const what = `npx confidential-client ${args.join(' ')}`;
        if (ready.url === undefined) {
          expect(ready.exitCode, `${what} exited with ${ready.exitCode}\n${cli.output()}`).toBe(0);
        }
      }
      if (hasScript) {
        const url = (await started[0]?.ready)?.url ?? server.url;
        let code = substitute(script, url);
        for (const cliUrl of cliServerUrls) code = code.replaceAll(cliUrl, url);
        const file = join(work, `${snippet.slug}.sh`);
        writeFileSync(file, code);
        expectSuccess('the script', await exec('bash', ['-eux', '-o', 'pipefail', file], env));
      }
      for (const cli of started) {
        if ((await cli.ready).url === undefined) continue;
        cli.child.kill('SIGINT');
        expect(await cli.exited, `the dev server's exit code after SIGINT\n${cli.output()}`).toBe(
          0,
        );
      }
    } finally {
      for (const cli of started) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    }
  });
}

describe('code blocks in README.md and docs/', () => {
  it('every code block has a runner, and every marker is well-formed', () => {
    expect(problems).toEqual([]);
    expect(snippets.length).toBeGreaterThan(0);
  });

  it('blocks marked skip say why (a skipped block gets no test of its own)', () => {
    const skipped = snippets.filter((s) => s.skip !== undefined);
    expect(skipped.every((s) => (s.skip ?? '').trim().length > 0)).toBe(true);
    // Keep them rare: a block that cannot run usually wants rewriting.
    expect(skipped.length).toBeLessThanOrEqual(2);
  });

  for (const snippet of snippets) {
    if (snippet.skip !== undefined) continue;
    if (needsRedis(snippet) && !redisServerAvailable) {
      // Counted as a failure in CI (.ci/run), which installs redis-server.
      it.skip(`${snippet.name} runs (SKIPPED: no redis-server here)`, () => undefined);
      continue;
    }
    if (snippet.test) {
      it.concurrent(`${snippet.name} passes as a vitest file`, async () => {
        vitestResults ??= runTestFiles();
        const failure = (await vitestResults).get(snippet);
        expect(failure, failure).toBeUndefined();
      }, 60_000);
    } else {
      it.concurrent(
        `${snippet.name} runs`,
        () => (snippet.kind === 'sh' ? runShell(snippet) : runModule(snippet)),
        60_000,
      );
    }
  }
});
