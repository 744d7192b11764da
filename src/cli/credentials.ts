/**
 * Where a command's server and credentials come from: flags first, then the environment
 * (`MFP_*`), then an `--env-file` (never read implicitly), and secrets from standard input. Turned
 * into the options of a `ConfidentialClient` or an `AdminClient`. A secret given as an argument
 * gets a warning: other users can read it in the process list.
 *
 * @module
 */

import { readFile } from 'node:fs/promises';
import * as util from 'node:util';
import type { ConfidentialClientOptions } from 'confidential-client';
import type { AdminClientOptions } from 'confidential-client/mobilefirst';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import type { Output } from './output.js';
import type { Stdin } from './stdin.js';

/** The flags every command that talks to the server takes. */
export const serverFlags = {
  'server-url': { type: 'string' },
  runtime: { type: 'string' },
  'allow-insecure-http': { type: 'boolean' },
  'env-file': { type: 'string' },
} as const;

/** The flags of the confidential client's credentials. */
export const clientFlags = {
  ...serverFlags,
  'token-url': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'client-secret-stdin': { type: 'boolean' },
} as const;

/** The flags of the administrator's credentials (admin API). */
export const adminFlags = {
  ...serverFlags,
  'admin-user': { type: 'string' },
  'admin-password': { type: 'string' },
  'admin-password-stdin': { type: 'boolean' },
} as const;

const serverHelp = `  --server-url <url>       MobileFirst server, e.g. https://mfp.example.com (MFP_SERVER_URL)
  --runtime <name>         MobileFirst runtime (MFP_RUNTIME; default mfp)
  --allow-insecure-http    allow http: to a host other than loopback (secrets travel in clear)
  --env-file <path>        read MFP_* variables from this file too (the environment wins)`;

/** Help lines of {@link clientFlags}. */
export const clientFlagsHelp = `Server and credentials (flags win over the environment):
${serverHelp}
  --token-url <url>        any OAuth 2.0 token endpoint, instead of --server-url (MFP_TOKEN_URL)
  --client-id <id>         confidential client ID (MFP_CLIENT_ID)
  --client-secret-stdin    read the client secret from standard input (else MFP_CLIENT_SECRET)
  --client-secret <s>      the secret as an argument: other users can see it in the process list`;

/** Help lines of {@link adminFlags}. */
export const adminFlagsHelp = `Server and administrator (flags win over the environment):
${serverHelp}
  --admin-user <name>      administrator, sent with HTTP Basic (MFP_ADMIN_USER)
  --admin-password-stdin   read the password from standard input (else MFP_ADMIN_PASSWORD)
  --admin-password <p>     the password as an argument: other users can see it in the process list`;

type Values = { readonly [K in string]?: string | boolean | readonly (string | boolean)[] };

type Env = Readonly<Record<string, string | undefined>>;

/** A variable's value; an empty one counts as unset. */
function variable(env: Env, name: string): string | undefined {
  return env[name] === '' ? undefined : env[name];
}

function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The environment of a run: the process's, over the variables of `--env-file` when one is named.
 * As with `node --env-file`, a variable already set in the environment wins over the file (an
 * empty one does not).
 *
 * @throws UsageError when the file cannot be read, or Node has no `util.parseEnv` (< 20.12).
 */
async function environment(values: Values, io: CliIo): Promise<Env> {
  const path = text(values, 'env-file');
  if (path === undefined) return { ...io.env };
  const parseEnv = (util as { parseEnv?: (content: string) => Record<string, string> }).parseEnv;
  if (typeof parseEnv !== 'function') {
    throw new UsageError(
      `--env-file needs Node 20.12 or later (util.parseEnv); this is Node ${process.versions.node}. Set the MFP_* variables in the environment instead`,
    );
  }
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`--env-file ${JSON.stringify(path)} cannot be read (${code})`);
  }
  // An empty variable counts as unset here too, so that it does not hide the file's value.
  const set = Object.entries(io.env).filter(([, value]) => value !== undefined && value !== '');
  return { ...parseEnv(content), ...Object.fromEntries(set) };
}

/**
 * A secret from `--<flag>`, `--<flag>-stdin`, or a variable; a warning when it is an argument
 * (other users can read it in the process list). The output scrubs it from stderr from then on.
 *
 * @param values - The parsed flags.
 * @param env - The environment, when a variable may give the secret.
 * @param names - The flag, the variable (if any) and what the secret is called in the warning.
 * @param context - Output and standard input.
 * @returns The secret, or `undefined` when none of them gives one.
 * @throws UsageError when both the flag and its `-stdin` form are given, or stdin is empty.
 */
export async function readSecret(
  values: Values,
  env: Env,
  names: { flag: string; variable?: string; noun: string },
  context: { output: Output; stdin: Stdin },
): Promise<string | undefined> {
  const { flag, variable: name } = names;
  const argument = text(values, flag);
  const fromStdin = values[`${flag}-stdin`] === true;
  if (argument !== undefined && fromStdin) {
    throw new UsageError(`--${flag} and --${flag}-stdin exclude each other: give one`);
  }
  let secret = argument;
  if (argument !== undefined) {
    context.output.warn(
      `--${flag} puts the ${names.noun} in the process list, where other users can read it; prefer ${name === undefined ? '' : `${name} or `}--${flag}-stdin`,
    );
  } else if (fromStdin) {
    secret = await context.stdin.value(`--${flag}-stdin`);
  } else if (name !== undefined) {
    secret = variable(env, name);
  }
  context.output.secret(secret);
  return secret;
}

function required(value: string | undefined, message: string): string {
  if (value === undefined || value === '') throw new UsageError(message);
  return value;
}

/** A flag's value, else the variable's. */
function pick(values: Values, env: Env, flag: string, name: string): string | undefined {
  return text(values, flag) ?? variable(env, name);
}

/**
 * The options of the confidential client a command uses.
 *
 * @param values - The parsed {@link clientFlags}.
 * @param context - I/O, output (warnings, secrets to scrub) and standard input.
 * @returns The options (`serverUrl` + `runtime`, or `tokenUrl`; `clientId`, `clientSecret`).
 * @throws UsageError naming what is missing or given twice.
 */
export async function resolveClientOptions(
  values: Values,
  context: { io: CliIo; output: Output; stdin: Stdin },
): Promise<ConfidentialClientOptions> {
  const env = await environment(values, context.io);
  const clientSecret = await readSecret(
    values,
    env,
    { flag: 'client-secret', variable: 'MFP_CLIENT_SECRET', noun: 'client secret' },
    context,
  );
  const flagServer = text(values, 'server-url');
  const flagToken = text(values, 'token-url');
  if (flagServer !== undefined && flagToken !== undefined) {
    throw new UsageError('--server-url and --token-url exclude each other: give one');
  }
  // Flags replace the environment's endpoint as a whole: --token-url ignores MFP_SERVER_URL.
  const fromFlags = flagServer !== undefined || flagToken !== undefined;
  const serverUrl = fromFlags ? flagServer : variable(env, 'MFP_SERVER_URL');
  const tokenUrl = fromFlags ? flagToken : variable(env, 'MFP_TOKEN_URL');
  if (serverUrl !== undefined && tokenUrl !== undefined) {
    throw new UsageError(
      'MFP_SERVER_URL and MFP_TOKEN_URL are both set: unset one, or pass --server-url or --token-url',
    );
  }
  const clientId = required(
    pick(values, env, 'client-id', 'MFP_CLIENT_ID'),
    'no client ID: pass --client-id or set MFP_CLIENT_ID',
  );
  const secret = required(
    clientSecret,
    'no client secret: set MFP_CLIENT_SECRET, pipe it to --client-secret-stdin, or name an --env-file that sets it',
  );
  const allowInsecureHttp = values['allow-insecure-http'] === true;
  const common = {
    clientId,
    clientSecret: secret,
    ...(allowInsecureHttp ? { allowInsecureHttp } : {}),
  };
  if (tokenUrl !== undefined) {
    if (text(values, 'runtime') !== undefined) {
      throw new UsageError('--runtime goes with --server-url, not with --token-url');
    }
    return { ...common, tokenUrl };
  }
  const runtime = pick(values, env, 'runtime', 'MFP_RUNTIME');
  return {
    ...common,
    serverUrl: required(
      serverUrl,
      'no server: pass --server-url (or set MFP_SERVER_URL), or --token-url (MFP_TOKEN_URL)',
    ),
    ...(runtime === undefined ? {} : { runtime }),
  };
}

/**
 * The options of the `AdminClient` of `clients`.
 *
 * @param values - The parsed {@link adminFlags}.
 * @param context - I/O, output and standard input.
 * @returns The options: `serverUrl`, `runtime`, `username`, `password`.
 * @throws UsageError naming what is missing.
 */
export async function resolveAdminOptions(
  values: Values,
  context: { io: CliIo; output: Output; stdin: Stdin },
): Promise<AdminClientOptions> {
  const env = await environment(values, context.io);
  const password = await readSecret(
    values,
    env,
    { flag: 'admin-password', variable: 'MFP_ADMIN_PASSWORD', noun: 'admin password' },
    context,
  );
  const serverUrl = required(
    pick(values, env, 'server-url', 'MFP_SERVER_URL'),
    'no server: pass --server-url or set MFP_SERVER_URL',
  );
  const runtime = pick(values, env, 'runtime', 'MFP_RUNTIME');
  return {
    serverUrl,
    ...(runtime === undefined ? {} : { runtime }),
    username: required(
      pick(values, env, 'admin-user', 'MFP_ADMIN_USER'),
      'no administrator: pass --admin-user or set MFP_ADMIN_USER',
    ),
    password: required(
      password,
      'no admin password: set MFP_ADMIN_PASSWORD, pipe it to --admin-password-stdin, or name an --env-file that sets it',
    ),
    ...(values['allow-insecure-http'] === true ? { allowInsecureHttp: true } : {}),
  };
}
