/**
 * `confidential-client dev-server`: serves the MobileFirst emulator over HTTP until stopped.
 *
 * @module
 */

import { readFile, writeFile } from 'node:fs/promises';
import {
  type DevServerHttpsOptions,
  type MobileFirstEmulator,
  startDevServer,
} from 'confidential-client/dev-server';
import type { CliCommand } from '../command.js';
import { CliFailure, UsageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { parseFlags } from '../parse-flags.js';
import { emulatorFlags, emulatorFlagsHelp, emulatorFromFlags } from './emulator-flags.js';

const help = `Usage: confidential-client dev-server [--port 9080] [--host 127.0.0.1] [--mode development|production]
         [--client id:secret:allowedScope]... [--token-lifetime 3599]
         [--https [--ca-out ca.pem] | --cert cert.pem --key key.pem] [other options]

Serves an emulated MobileFirst server over HTTP or HTTPS (token endpoint, introspection, the
sample adapter resource, push messages, admin API) until SIGINT or SIGTERM, with a console page
at /mfpconsole to watch and control it from a browser.

Options:
  --port <n>               TCP port; 0 picks a free one (default 9080)
  --host <addr>            interface to listen on (default 127.0.0.1, loopback only); any other
                           interface prints a warning: the admin API returns secrets in clear text
  --https                  serve HTTPS with a CA and a certificate for localhost, 127.0.0.1 and
                           ::1 made at start
  --ca-out <file>          with --https: write the CA certificate (PEM) there, for clients to trust
                           (NODE_EXTRA_CA_CERTS=<file>, curl --cacert <file>)
  --cert <file>, --key <file>
                           serve HTTPS with this certificate (chain) and key, PEM
${emulatorFlagsHelp}
  --console                serve the console page even in production mode
  --no-console             do not serve the console page (default: served in development mode)
  --json                   print one JSON document (url, endpoints, clients) instead of the banner
  -h, --help               show this help

Example:
  confidential-client dev-server --client "orders:s3cret:orders.read orders.write" --token-lifetime 60`;

function parseHost(value: string): string {
  if (value.trim() === '') {
    throw new UsageError('--host must be a host name or IP address, such as 127.0.0.1');
  }
  return value;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

function parse(args: readonly string[]) {
  return parseFlags(args, {
    port: { type: 'string', default: '9080' },
    host: { type: 'string', default: '127.0.0.1' },
    https: { type: 'boolean' },
    'ca-out': { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    ...emulatorFlags,
    console: { type: 'boolean' },
    'no-console': { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }).values;
}

/** `startDevServer`'s `https` option from the flags; `undefined` for plain HTTP. */
async function httpsFromFlags(values: ReturnType<typeof parse>) {
  const { cert, key } = values;
  if ((cert === undefined) !== (key === undefined)) {
    throw new UsageError('--cert and --key go together');
  }
  if (values['ca-out'] !== undefined && !values.https) {
    throw new UsageError('--ca-out needs --https (the CA is made at start)');
  }
  if (cert !== undefined && key !== undefined) {
    if (values.https)
      throw new UsageError('--https makes a certificate; --cert/--key bring one: pass either');
    const read = (path: string, flag: string) =>
      readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new UsageError(`${flag}: cannot read ${path} (${error.code ?? error.message})`);
      });
    return {
      cert: await read(cert, '--cert'),
      key: await read(key, '--key'),
    } satisfies DevServerHttpsOptions;
  }
  return values.https ? true : undefined;
}

/** The registered clients, one line each: ID and allowed scope, never the secret. */
function describeClients(emulator: MobileFirstEmulator): string[] {
  const clients = emulator.clients();
  if (clients.length === 0) return ['  (none)'];
  const width = Math.max(...clients.map((client) => client.id.length));
  return clients.map(
    ({ id, allowedScope }) =>
      `  ${id.padEnd(width)}  allowed scope: ${allowedScope === '' ? '(none: RegisteredClient only)' : allowedScope}`,
  );
}

/** The `dev-server` command. */
export const devServerCommand: CliCommand = {
  name: 'dev-server',
  summary: 'serve an emulated MobileFirst server over HTTP(S) for development and tests',
  help,
  jsonFlag: true,
  async run(args, { io, output }) {
    const values = parse(args);
    if (values.help) {
      io.out(help);
      return 0;
    }
    const port = parsePort(values.port ?? '9080');
    const host = parseHost(values.host ?? '127.0.0.1');
    const https = await httpsFromFlags(values);
    if (values.console && values['no-console']) {
      throw new UsageError('use either --console or --no-console, not both');
    }
    const consoleFlag = values.console ? true : values['no-console'] ? false : undefined;
    const server = await startDevServer({
      port,
      host,
      emulator: emulatorFromFlags(values),
      ...(https === undefined ? {} : { https }),
      ...(consoleFlag === undefined ? {} : { console: consoleFlag }),
    });
    const caOut = values['ca-out'];
    if (caOut !== undefined && server.ca !== undefined) {
      try {
        await writeFile(caOut, server.ca);
      } catch (error) {
        await server.close();
        throw new CliFailure(
          `--ca-out: cannot write ${caOut} (${(error as NodeJS.ErrnoException).code ?? error})`,
        );
      }
    }
    const { emulator, url } = server;
    const { mode, tokenLifetime, sampleResource } = emulator.options;
    if (!server.loopbackOnly) {
      io.err(
        `WARNING: listening on ${host}, which other machines may reach. The emulator is for development only: ` +
          'its admin API (admin:admin) returns every client secret in clear text, and the predefined ' +
          'credentials (test:test, admin:nimda, push:hsup) are public. Use --host 127.0.0.1 unless you need this.',
      );
    }
    if (output.json) {
      output.document({
        url,
        mode,
        tokenEndpoint: `${url}${emulator.tokenPath}`,
        introspectionEndpoint: `${url}${emulator.introspectionPath}`,
        ...(sampleResource ? { sampleResource: `${url}${emulator.sampleResourcePath}` } : {}),
        pushMessages: `${url}/imfpush/v1/apps/{appId}/messages`,
        adminApi: `${url}${emulator.adminPath}`,
        ...(server.consoleUrl === undefined ? {} : { console: server.consoleUrl }),
        tokenLifetime,
        clients: emulator.clients().map(({ id, allowedScope }) => ({ id, allowedScope })),
        ...(server.ca === undefined ? {} : { ca: server.ca }),
      });
    } else {
      banner(io, server.url, emulator, https === true ? { caOut } : undefined, server.consoleUrl);
    }
    const signal = await io.untilShutdown();
    await server.close();
    io.err(`Stopped (${signal}).`);
    return 0;
  },
};

/** The human banner: where everything is, and the clients (never their secrets). */
function banner(
  io: CliIo,
  url: string,
  emulator: MobileFirstEmulator,
  madeCa: { caOut: string | undefined } | undefined,
  consoleUrl: string | undefined,
): void {
  const { mode, tokenLifetime, sampleResource } = emulator.options;
  io.out(`MobileFirst emulator (${mode} mode) listening on ${url}`);
  io.out(`  token endpoint   POST ${url}${emulator.tokenPath}`);
  io.out(`  introspection    POST ${url}${emulator.introspectionPath}`);
  if (sampleResource) {
    io.out(`  sample resource  GET  ${url}${emulator.sampleResourcePath} (scope accessRestricted)`);
  }
  io.out(`  push messages    POST ${url}/imfpush/v1/apps/{appId}/messages`);
  io.out(`  admin API        GET|PUT ${url}${emulator.adminPath} (admin:admin)`);
  if (consoleUrl !== undefined) {
    io.out(`  console          ${consoleUrl} (in a browser; sign in as admin:admin)`);
  }
  io.out(`Access tokens live ${tokenLifetime} s (expires_in). Confidential clients:`);
  for (const line of describeClients(emulator)) io.out(line);
  if (madeCa !== undefined) {
    const { caOut } = madeCa;
    io.out(
      caOut === undefined
        ? 'HTTPS with a CA made at start: pass --ca-out <file> to write it for clients to trust.'
        : `HTTPS with a CA made at start, written to ${caOut}: trust it with NODE_EXTRA_CA_CERTS=${caOut}.`,
    );
  }
  if (emulator.clients().some((client) => client.id === 'test' && client.secret === 'test')) {
    const cacert = madeCa?.caOut === undefined ? '' : ` --cacert ${madeCa.caOut}`;
    io.out(
      `Try: curl${cacert} -u test:test -d grant_type=client_credentials ${url}${emulator.tokenPath}`,
    );
  }
  io.out('Press Ctrl+C to stop.');
}
