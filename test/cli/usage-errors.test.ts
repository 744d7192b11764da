import { describe, expect, it } from 'vitest';
import { runCli } from './in-process.js';

const env = {
  MFP_SERVER_URL: 'http://127.0.0.1:9',
  MFP_CLIENT_ID: 'backend',
  MFP_CLIENT_SECRET: 'cli-S3cret-7f2c9a4e',
};
const commands = ['token', 'fetch', 'push', 'introspect', 'clients', 'dev-server'];

describe('help', () => {
  it.each(commands)(
    '%s --help prints its usage, options and an example, and exits 0',
    async (command) => {
      const run = await runCli([command, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: confidential-client ${command}`);
      expect(run.stdout).toContain('Example:');
      expect(run.stdout).toMatch(/--help/);
    },
  );

  it('without a command, prints the usage on stderr and exits 2', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: confidential-client <command>');
    expect(run.stderr).toContain('Exit codes: 0 ok, 1 request failed, 2 usage');
  });

  it('says that options come after the command', async () => {
    const run = await runCli(['--json', 'token']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--json is not a program option: options come after the command');
  });
});

describe('unknown and malformed flags: exit 2, naming the flag', () => {
  it.each([
    [['token', '--scop', 'x'], 'unknown option --scop (did you mean --scope?)'],
    [['fetch', '--hedaer', 'a: b', 'http://x'], 'unknown option --hedaer (did you mean --header?)'],
    [['push', 'send', '--aap', 'x'], 'unknown option --aap (did you mean --app?)'],
    [['introspect', 'x', '--scoep', 'a'], 'unknown option --scoep (did you mean --scope?)'],
    [
      ['clients', 'list', '--show-secret'],
      'unknown option --show-secret (did you mean --show-secrets?)',
    ],
    [['dev-server', '--prot', '1'], 'unknown option --prot (did you mean --port?)'],
    [
      ['token', '--client-secert=x'],
      'unknown option --client-secert (did you mean --client-secret?)',
    ],
    [['token', '--frobnicate'], 'unknown option --frobnicate'],
    [['fetch', '-Z', 'http://x'], 'unknown option -Z'],
    [['token', '--scope'], '--scope needs a value'],
    [['token', '--json=yes'], '--json takes no value'],
    [['fetch', '-H'], '--header (-H) needs a value'],
    [['token', 'extra'], 'unexpected argument "extra" (it takes no arguments)'],
    [['fetch', 'http://a', 'http://b'], 'unexpected argument "http://b" (it takes one URL)'],
  ])('%j', async (argv, message) => {
    const run = await runCli(argv, { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`: ${message}`);
    expect(run.stderr).toContain(`Run "confidential-client ${argv[0]} --help" for every option.`);
    expect(run.stdout).toBe('');
  });

  it('never repeats the value after a flag that reads standard input: it is likely the secret', async () => {
    const run = await runCli(['token', '--client-secret-stdin', 'topsecret-value'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--client-secret-stdin takes no value: it reads from standard input',
    );
    expect(run.stderr).not.toContain('topsecret-value');
  });

  it('never repeats a value that starts with "-" (a secret may)', async () => {
    const run = await runCli(['token', '--client-secret', '-Secr3t-value'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--client-secret is followed by something that looks like an option',
    );
    expect(run.stderr).not.toContain('Secr3t');
  });

  it('gives a usage error as JSON on stderr with --json', async () => {
    const run = await runCli(['token', '--json', '--scop', 'x'], { env });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toEqual({
      error: {
        name: 'UsageError',
        code: 'ERR_USAGE',
        message: 'unknown option --scop (did you mean --scope?)',
        exitCode: 2,
      },
    });
  });
});

describe('arguments of each command: exit 2 before any request', () => {
  it.each([
    [['fetch'], 'the URL is missing'],
    [['fetch', 'ftp://x/y'], 'the URL must be http: or https:, not ftp:'],
    [['fetch', 'http://x', '-d', 'a', '--json', '{}'], '-d and --json exclude each other'],
    [['fetch', 'http://x', '-X', 'GET', '-d', 'a'], '-X GET cannot send a body'],
    [['fetch', 'http://x', '-X', 'G E T'], '-X must be an HTTP method'],
    [['fetch', 'http://x', '-H', 'no colon'], '-H must be "Name: value"'],
    [
      ['fetch', 'http://x', '-m', '0'],
      '-m (--max-time) must be a number of seconds greater than 0, got "0"',
    ],
    [
      ['fetch', 'http://x', '-d', '@/nonexistent/file'],
      '-d "@/nonexistent/file": cannot read the file (ENOENT)',
    ],
    [
      ['fetch', 'http://x', '-o', '/nonexistent/dir/out'],
      '-o "/nonexistent/dir/out": cannot write the file (ENOENT)',
    ],
    [['push'], 'push needs send or bulk'],
    [['push', 'shove'], 'unknown push command "shove" (send or bulk)'],
    [['push', 'send', '--alert', 'x'], '--app <id> is required'],
    [['push', 'send', '--app', 'a'], 'push send needs --alert <text> or --file <message.json>'],
    [
      ['push', 'send', '--app', 'a', '--alert', 'x', '--file', 'f'],
      '--alert and --file exclude each other',
    ],
    [
      ['push', 'send', '--app', 'a', '--alert', 'x', '--tag', 't', '--user', 'u'],
      '--tag and --user exclude each other',
    ],
    [
      ['push', 'send', '--app', 'a', '--alert', 'x', '--platform', 'X'],
      '--platform must be A, G or W, got "X"',
    ],
    [
      ['push', 'send', '--app', 'a', '--file', '/nonexistent.json'],
      '--file "/nonexistent.json" cannot be read (ENOENT)',
    ],
    [['push', 'bulk', '--app', 'a'], 'push bulk needs --file <messages.json>'],
    [
      ['push', 'bulk', '--app', 'a', '--file', 'f', '--tag', 't'],
      'push bulk takes its messages and their targets from --file only',
    ],
    [['introspect'], 'the token is missing'],
    [['clients'], 'clients needs list, get, add or remove'],
    [['clients', 'delete', 'x'], 'unknown clients command "delete"'],
    [['clients', 'get'], 'clients get needs the client ID'],
    [['clients', 'list', 'x'], 'clients list takes no ID'],
    [['clients', 'add', 'x'], 'clients add takes no ID argument: use --id'],
    [['clients', 'list', '--force'], '--force does not go with clients list'],
    [['clients', 'add', '--show-secrets'], '--show-secrets does not go with clients add'],
    [
      ['clients', 'add', '--id', 'x', '--secret', 's', '--secret-stdin'],
      '--secret and --secret-stdin exclude each other',
    ],
  ])('%j', async (argv, message) => {
    const run = await runCli(argv, { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it.each([
    [['push', 'send', '--app', 'a', '--file', '-'], 'not json', 'is not JSON'],
    [
      ['push', 'bulk', '--app', 'a', '--file', '-'],
      '{"message":{"alert":"x"}}',
      'must hold a JSON array',
    ],
    [['introspect', '-'], '', 'the token "-": standard input was empty'],
    [['introspect', '-'], 'Bearer abc', 'the token holds a space'],
    [
      ['introspect', '-', '--client-secret-stdin'],
      'x',
      'the token "-" and --client-secret-stdin both read standard input',
    ],
    [
      ['fetch', 'http://x', '--json', '@-', '--client-secret-stdin'],
      'x',
      '--json @- and --client-secret-stdin both read standard input',
    ],
  ])('%j with stdin %j', async (argv, stdin, message) => {
    const run = await runCli(argv, { env, stdin });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
