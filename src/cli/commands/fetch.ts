/**
 * `confidential-client fetch <url>`: a curl-like request through `client.fetch`, so the token is
 * attached, a `403 insufficient_scope` teaches the scope and a `401` gets a new token, each
 * replayed once (`-v` says so). The body goes to stdout (or `-o`) as bytes, streamed.
 *
 * @module
 */

import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ConfidentialClient } from 'confidential-client';
import { clientObserver, describeStats } from '../client-observer.js';
import type { CliCommand } from '../command.js';
import { clientFlags, clientFlagsHelp, resolveClientOptions } from '../credentials.js';
import { CliFailure, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { Output } from '../output.js';
import { parseFlags } from '../parse-flags.js';
import { buildRequest } from './fetch-request.js';
import { absolute, isPath, target, withOrigin } from './fetch-target.js';

const help = `Usage: confidential-client fetch <url | /path> [-X <method>] [-H 'Name: value']... [-d <data> |
         --data-binary <data> | --json <data>] [-i] [-o <file>] [--scope <scope>] [--fail]
         [-m <seconds>] [-v] [server and credentials]

Sends a request with an access token, as curl would; a /path is appended to the server URL.
A 403 insufficient_scope names the scope
the resource needs: a token for it is got and the request replayed once (and the scope kept for
the resource); a 401 gets a new token and one replay. The token goes to the URL's origin and the
token endpoint's, and never across a redirect to another origin.

Options:
  -X, --request <method>   HTTP method (default GET, or POST with data)
  -H, --header <line>      add a header, "Name: value"; repeat for more
  -d, --data <data>        form data (application/x-www-form-urlencoded unless -H sets the type);
                           repeat to join with &; @file reads a file without its line breaks,
                           @- standard input
  --data-binary <data>     the bytes as they are; @file, @- as for -d
  --json <data>            a JSON body, with Content-Type and Accept: application/json; @file, @-
                           (curl's --json: the response body is printed as it comes)
  -i, --include            print the status line and the response headers before the body
  -o, --output <file>      write the body (and -i's headers) to a file instead of stdout
  --scope <scope>          the token's scope (default: the scope the resource asks for)
  -f, --fail               on a 4xx or 5xx answer print no body and exit 1 (curl exits 22)
  -m, --max-time <s>       give up after this many seconds, token and replay included (exit 4)
  -v, --verbose            say on stderr what is sent and received, and every token request
  -h, --help               show this help

${clientFlagsHelp}

Example:
  confidential-client fetch -v /mfp/api/adapters/sample/resource`;

const flags = {
  ...clientFlags,
  request: { type: 'string', short: 'X' },
  header: { type: 'string', short: 'H', multiple: true },
  data: { type: 'string', short: 'd', multiple: true },
  'data-binary': { type: 'string' },
  json: { type: 'string' },
  include: { type: 'boolean', short: 'i' },
  output: { type: 'string', short: 'o' },
  scope: { type: 'string' },
  fail: { type: 'boolean', short: 'f' },
  'max-time': { type: 'string', short: 'm' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Header values that `-v` does not print. */
const HIDDEN = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

function seconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(
      `-m (--max-time) must be a number of seconds greater than 0, got "${value}"`,
    );
  }
  return Math.ceil(n * 1000);
}

/** Header lines; for `-v` (`mark` set) without the values of credentials and cookies. */
function headerLines(headers: Headers, mark = ''): string[] {
  return [...headers].map(
    ([name, value]) => `${mark}${name}: ${mark !== '' && HIDDEN.has(name) ? '[redacted]' : value}`,
  );
}

/** What the `-v` lines say about the request before it is sent. */
function describeRequest(
  output: Output,
  method: string,
  url: URL,
  headers: Headers,
  size?: number,
) {
  output.note(`> ${method} ${url.href}`);
  for (const line of headerLines(headers, '> ')) output.note(line);
  if (headers.has('authorization'))
    output.note('* your Authorization header is sent: no token is attached');
  if (size !== undefined) output.note(`* body: ${size} bytes`);
}

/** `client.fetch` rejects with fetch's own `TypeError` when the resource cannot be reached. */
function unreachable(error: unknown, url: URL): unknown {
  if (!(error instanceof TypeError)) return error;
  let cause: unknown = error;
  let detail = error.message;
  for (let depth = 0; depth < 5 && cause instanceof Error; depth++) {
    const code = (cause as { code?: unknown }).code;
    detail =
      typeof code === 'string' && !cause.message.includes(code)
        ? `${code}: ${cause.message}`
        : cause.message;
    cause = cause.cause;
  }
  return new CliFailure(`could not reach ${url.origin}: ${detail}`, ExitCode.network);
}

/** The `fetch` command. */
export const fetchCommand: CliCommand = {
  name: 'fetch',
  summary: 'send a request with a token, like curl (403 scope discovery and 401 replay included)',
  help,
  jsonFlag: false,
  async run(args, context) {
    const { values, positionals } = parseFlags(args, flags, { max: 1, usage: 'one URL' });
    const { output } = context;
    if (values.help) {
      output.line(help);
      return 0;
    }
    const [raw] = positionals;
    if (raw === undefined) {
      throw new UsageError('the URL is missing: confidential-client fetch <url | /path>');
    }
    // Checked now, before anything is read; a /path is resolved once the server is known.
    if (!isPath(raw)) absolute(raw);
    const timeout = seconds(values['max-time']);
    const request = await buildRequest(values, context.stdin);
    const resolved = await resolveClientOptions(values, context);
    const url = target(raw, resolved);
    const options = withOrigin(resolved, url);
    const verbose = values.verbose === true;
    const file =
      values.output === undefined
        ? undefined
        : await open(values.output, 'w').catch((error: NodeJS.ErrnoException) => {
            throw new UsageError(
              `-o ${JSON.stringify(values.output)}: cannot write the file (${error.code ?? error.message})`,
            );
          });
    const client = new ConfidentialClient({ ...options, ...clientObserver(output, verbose) });
    try {
      if (verbose)
        describeRequest(output, request.method, url, request.headers, request.body?.length);
      const response = await client
        .fetch(url, {
          method: request.method,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
          ...(values.scope === undefined ? {} : { scope: values.scope }),
          ...(timeout === undefined ? {} : { timeout }),
        })
        .catch((error: unknown) => {
          throw unreachable(error, url);
        });
      const status = `HTTP/1.1 ${response.status} ${response.statusText}`.trimEnd();
      if (verbose) {
        output.note(`< ${status}`);
        for (const line of headerLines(response.headers, '< ')) output.note(line);
        output.note(`* ${describeStats(client.stats())}`);
      }
      if (values.fail && response.status >= 400) {
        await response.body?.cancel();
        throw new CliFailure(
          `${url.href} answered ${response.status} ${response.statusText}`.trimEnd(),
        );
      }
      const sink: Writable = file === undefined ? context.io.stdout : file.createWriteStream();
      if (values.include) {
        sink.write([status, ...headerLines(response.headers), '', ''].join('\r\n'));
      }
      if (response.body !== null) {
        await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), sink, {
          end: file !== undefined,
        }).catch((error: unknown) => {
          throw unreachable(error, url);
        });
      } else if (file !== undefined) {
        sink.end();
      }
      return 0;
    } finally {
      await client.close();
      // Closed by the stream once piped; closing again only reports EBADF, ignored.
      await file?.close().catch(() => {});
    }
  },
};
