/**
 * `confidential-client clients list|get|add|remove`: the runtime's confidential clients through
 * `AdminClient` (the admin REST API, HTTP Basic). Secrets are printed only with `--show-secrets`.
 *
 * @module
 */

import { AdminClient, type ConfidentialClientEntry } from 'confidential-client/mobilefirst';
import type { CliCommand } from '../command.js';
import { adminFlags, adminFlagsHelp, readSecret, resolveAdminOptions } from '../credentials.js';
import { CliFailure, UsageError } from '../errors.js';
import type { Output } from '../output.js';
import { type ParsedFlags, parseFlags } from '../parse-flags.js';

const help = `Usage: confidential-client clients list [--show-secrets] [--json]
       confidential-client clients get <id> [--show-secrets] [--json]
       confidential-client clients add --id <id> --scope <allowed scope> [--secret-stdin]
         [--display-name <name>] [--force] [--json]
       confidential-client clients remove <id> [--force] [--json]
       (each with the server and administrator options below)

Lists, shows, registers or changes (add is an upsert: an existing client keeps the secret and
display name not given), and removes the runtime's confidential clients through the admin API.
A write reads the list again just before writing and reapplies the change up to twice if
another administrator changed it meanwhile.

Options:
  --show-secrets           list, get: print the secrets too (hidden by default)
  --id <id>                add: the client ID
  --scope <scope>          add: the allowed scope, space-separated elements that may hold *
                           wildcards ("*" allows any; "" only RegisteredClient)
  --secret-stdin           add: read the client's secret from standard input (needed for a new
                           client; an existing one keeps its secret without it)
  --secret <s>             add: the secret as an argument: other users can see it in the
                           process list
  --display-name <name>    add: the name the console shows (default: the ID)
  --force                  add, remove: change MobileFirst's own admin and push clients, which
                           the administration and push services use (changing them breaks push)
  --json                   print JSON: the clients (list), the client (get), { action, client }
                           (add), { removed } (remove)
  -h, --help               show this help

${adminFlagsHelp}

Example:
  openssl rand -hex 24 | confidential-client clients add --id orders-api --secret-stdin \\
    --scope 'authorization.introspect orders.*'`;

const flags = {
  ...adminFlags,
  'show-secrets': { type: 'boolean' },
  id: { type: 'string' },
  scope: { type: 'string' },
  secret: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  'display-name': { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ParsedFlags<typeof flags>['values'];

/** Conflicting writes are re-read and reapplied this many times before failing. */
const WRITE_RETRIES = 2;

/** Flags that only some sub-commands take. */
const ONLY: Record<string, readonly (keyof Values)[]> = {
  list: ['show-secrets'],
  get: ['show-secrets'],
  add: ['id', 'scope', 'secret', 'secret-stdin', 'display-name', 'force'],
  remove: ['force'],
};

function entryJson(entry: ConfidentialClientEntry, showSecrets: boolean) {
  return {
    id: entry.id,
    displayName: entry.displayName,
    allowedScope: entry.allowedScope.join(' '),
    ...(showSecrets ? { secret: entry.secret } : {}),
  };
}

function printEntries(
  output: Output,
  entries: readonly ConfidentialClientEntry[],
  showSecrets: boolean,
) {
  const rows = [
    ['ID', 'DISPLAY NAME', 'ALLOWED SCOPE', ...(showSecrets ? ['SECRET'] : [])],
    ...entries.map((e) => [
      e.id,
      e.displayName,
      e.allowedScope.join(' ') || '(RegisteredClient only)',
      ...(showSecrets ? [e.secret] : []),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows)
    output.line(
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '),
    );
}

/** The `clients` command. */
export const clientsCommand: CliCommand = {
  name: 'clients',
  summary: 'list, show, add or remove confidential clients (admin API)',
  help,
  jsonFlag: true,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, flags, {
      max: 2,
      usage: 'list, get <id>, add or remove <id>',
    });
    const { output } = context;
    if (values.help) {
      output.line(help);
      return 0;
    }
    const [sub, id] = positionals;
    if (sub === undefined || !(sub in ONLY)) {
      throw new UsageError(
        sub === undefined
          ? 'clients needs list, get, add or remove'
          : `unknown clients command "${sub}" (list, get, add or remove)`,
      );
    }
    const misplaced = Object.entries(ONLY)
      .flatMap(([other, names]) => (other === sub ? [] : names))
      .find((name) => values[name] !== undefined && !ONLY[sub]!.includes(name));
    if (misplaced !== undefined)
      throw new UsageError(`--${misplaced} does not go with clients ${sub}`);
    if ((sub === 'get' || sub === 'remove') !== (id !== undefined)) {
      throw new UsageError(
        sub === 'get' || sub === 'remove'
          ? `clients ${sub} needs the client ID: clients ${sub} <id>`
          : `clients ${sub} takes no ID${sub === 'add' ? ' argument: use --id' : ''}`,
      );
    }
    const secret =
      sub === 'add'
        ? await readSecret(values, {}, { flag: 'secret', noun: 'secret' }, context)
        : undefined;
    const admin = new AdminClient(await resolveAdminOptions(values, context));
    const showSecrets = values['show-secrets'] === true;
    if (sub === 'list') {
      const entries = await admin.list();
      if (output.json) output.document(entries.map((e) => entryJson(e, showSecrets)));
      else printEntries(output, entries, showSecrets);
      return 0;
    }
    if (sub === 'get') {
      const entry = await admin.get(id!);
      if (entry === undefined) throw new CliFailure(`no client has the ID ${JSON.stringify(id)}`);
      if (output.json) output.document(entryJson(entry, showSecrets));
      else printEntries(output, [entry], showSecrets);
      return 0;
    }
    const write = { force: values.force === true, retries: WRITE_RETRIES };
    if (sub === 'add') {
      if (values.id === undefined) throw new UsageError('clients add needs --id <id>');
      if (values.scope === undefined)
        throw new UsageError(
          'clients add needs --scope <allowed scope> ("" for RegisteredClient only)',
        );
      const { action, client } = await admin.upsert(
        {
          id: values.id,
          allowedScope: values.scope,
          ...(secret === undefined ? {} : { secret }),
          ...(values['display-name'] === undefined ? {} : { displayName: values['display-name'] }),
        },
        write,
      );
      if (output.json) output.document({ action, client: entryJson(client, false) });
      else
        output.line(
          `${action} ${client.id} (allowed scope: ${client.allowedScope.join(' ') || 'RegisteredClient only'})`,
        );
      return 0;
    }
    const removed = await admin.remove(id!, write);
    if (output.json) output.document({ removed });
    else if (removed) output.line(`removed ${id}`);
    if (!removed)
      throw new CliFailure(`no client has the ID ${JSON.stringify(id)}; nothing removed`);
    return 0;
  },
};
