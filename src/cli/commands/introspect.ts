/**
 * `confidential-client introspect <token>`: what MobileFirst's introspection says about a token,
 * through `TokenValidator` (the CLI's client needs `authorization.introspect`), and what a
 * resource requiring `--scope` would answer: 200, or 401/403/409 with its `WWW-Authenticate`.
 *
 * @module
 */

import {
  type IntrospectionData,
  TokenValidator,
  type ValidationResult,
} from 'confidential-client/mobilefirst';
import { clientObserver } from '../client-observer.js';
import type { CliCommand } from '../command.js';
import { clientFlags, clientFlagsHelp, resolveClientOptions } from '../credentials.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { parseFlags } from '../parse-flags.js';

const help = `Usage: confidential-client introspect <token | -> [--scope <scope>] [--json]
         [server and credentials]

Asks the MobileFirst introspection endpoint about an access token, prints what it says (client,
scope, expiry, application, device, user), and what a resource requiring --scope would answer:
200, 401 with WWW-Authenticate: Bearer error="invalid_token", 403 insufficient_scope, or 409.
The credentials are the resource server's: its allowed scope must include authorization.introspect.
Exits 0 when such a resource would admit the token, 1 when it would not (or when introspection
failed), as a check in a script.

Arguments:
  <token>                  the access token; - reads it from standard input, so that it does
                           not show in the process list
Options:
  --scope <scope>          the scope the resource requires (default: none, any active token)
  --json                   print { active, introspection, requiredScope, answer }
  -v, --verbose            say on stderr when a token is requested
  -h, --help               show this help

${clientFlagsHelp}

Example:
  confidential-client token --scope accessRestricted | confidential-client introspect - --scope accessRestricted`;

const flags = {
  ...clientFlags,
  scope: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The answer a resource would send, as the JSON output gives it. */
function answerOf(result: ValidationResult) {
  if (result.ok) return { status: 200 };
  return {
    status: result.status,
    error: result.error,
    ...(result.wwwAuthenticate === undefined ? {} : { wwwAuthenticate: result.wwwAuthenticate }),
    ...(result.status === 409 ? { mfpConflict: true } : {}),
  };
}

const REASONS: Record<number, string> = {
  200: 'OK',
  401: 'Unauthorized',
  403: 'Forbidden',
  409: 'Conflict',
};

function printHuman(
  output: Output,
  data: IntrospectionData | undefined,
  scope: string,
  result: ValidationResult,
) {
  const rows: [string, string | undefined][] = data
    ? [
        ['active', output.paint('true', 'green')],
        ['client', data.clientId],
        ['scope', data.scope.join(' ')],
        [
          'expires',
          data.expiresAt === undefined
            ? undefined
            : `${new Date(data.expiresAt).toISOString()} (in ${Math.round((data.expiresAt - Date.now()) / 1000)} s)`,
        ],
        ['user', data.username],
        [
          'application',
          data.application &&
            [data.application.id, data.application.version].filter(Boolean).join(' '),
        ],
        ['device', data.device && [data.device.id, data.device.hardware].filter(Boolean).join(' ')],
      ]
    : [['active', output.paint('false', 'red')]];
  for (const [name, value] of rows)
    if (value !== undefined && value !== '') output.line(`${name.padEnd(12)}${value}`);
  const answer = answerOf(result);
  const line = `${answer.status} ${REASONS[answer.status] ?? ''}`.trimEnd();
  output.line(
    `A resource requiring ${scope === '' ? 'no particular scope' : `"${scope}"`} would answer: ${output.paint(line, result.ok ? 'green' : 'red')}`,
  );
  if (!result.ok && result.wwwAuthenticate !== undefined)
    output.line(`  WWW-Authenticate: ${result.wwwAuthenticate}`);
  if (!result.ok && result.status === 409) output.line('  MFP-Conflict: true');
}

/** The `introspect` command. */
export const introspectCommand: CliCommand = {
  name: 'introspect',
  summary: 'show what introspection says about a token, and what a resource would answer',
  help,
  jsonFlag: true,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, flags, { max: 1, usage: 'one token, or -' });
    const { output, stdin } = context;
    if (values.help) {
      output.line(help);
      return 0;
    }
    const [argument] = positionals;
    if (argument === undefined)
      throw new UsageError(
        'the token is missing: introspect <token>, or - to read it from standard input',
      );
    if (argument === '-') stdin.claim('the token "-"');
    const options = await resolveClientOptions(values, context);
    const token = argument === '-' ? await stdin.value('the token "-"') : argument;
    if (/\s/.test(token))
      throw new UsageError(
        'the token holds a space or a line break: give the token alone, without "Bearer "',
      );
    const scope = values.scope ?? '';
    const validator = new TokenValidator({
      ...options,
      ...clientObserver(output, values.verbose === true),
    });
    try {
      const authorization = `Bearer ${token}`;
      // Any active token first, for its data; then the scope, answered from the validator's cache.
      const any = await validator.validate(authorization, []);
      const result = scope === '' || !any.ok ? any : await validator.validate(authorization, scope);
      const data = any.ok ? any.data : undefined;
      if (output.json) {
        output.document({
          active: data !== undefined,
          introspection: data?.raw ?? { active: false },
          requiredScope: scope,
          answer: answerOf(result),
        });
      } else {
        printHuman(output, data, scope, result);
      }
      return result.ok ? ExitCode.ok : ExitCode.failed;
    } finally {
      await validator.close();
    }
  },
};
