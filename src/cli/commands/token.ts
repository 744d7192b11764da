/**
 * `confidential-client token`: gets an access token and prints it alone, for
 * `curl -H "Authorization: Bearer $(confidential-client token)"`; or, with `--json`, the token
 * response without any secret.
 *
 * @module
 */

import { ConfidentialClient } from 'confidential-client';
import { clientObserver } from '../client-observer.js';
import type { CliCommand } from '../command.js';
import { clientFlags, clientFlagsHelp, resolveClientOptions } from '../credentials.js';
import { parseFlags } from '../parse-flags.js';

const help = `Usage: confidential-client token [--scope <scope>] [--json] [-v] [server and credentials]

Gets an access token with the client-credentials grant and prints it alone on stdout.

Options:
  --scope <scope>          space-separated scope elements (default: none sent; MobileFirst then
                           grants RegisteredClient)
  --json                   print the token response instead: access_token, token_type,
                           expires_in (seconds left), scope and expires_at (ISO 8601)
  -v, --verbose            say on stderr which token request is made
  -h, --help               show this help

${clientFlagsHelp}

Example:
  curl -H "Authorization: Bearer $(confidential-client token --scope accessRestricted)" \\
    https://mfp.example.com/mfp/api/adapters/sample/resource`;

/** The `token` command. */
export const tokenCommand: CliCommand = {
  name: 'token',
  summary: 'print an access token (for curl -H "Authorization: Bearer …")',
  help,
  jsonFlag: true,
  async run(args, context) {
    const { values } = parseFlags(args, {
      ...clientFlags,
      scope: { type: 'string' },
      json: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    });
    const { output } = context;
    if (values.help) {
      output.line(help);
      return 0;
    }
    const client = new ConfidentialClient({
      ...(await resolveClientOptions(values, context)),
      ...clientObserver(output, values.verbose === true),
    });
    try {
      const token = await client.getToken(
        values.scope === undefined ? {} : { scope: values.scope },
      );
      if (!output.json) {
        output.line(token.accessToken);
        return 0;
      }
      output.document({
        access_token: token.accessToken,
        token_type: token.tokenType,
        expires_in: Math.max(0, Math.floor((token.expiresAt - Date.now()) / 1000)),
        scope: token.scope.join(' '),
        expires_at: new Date(token.expiresAt).toISOString(),
      });
      return 0;
    } finally {
      await client.close();
    }
  },
};
