/**
 * The request `confidential-client fetch` sends, from curl's flags: `-X`, `-H 'name: value'`,
 * `-d` (form data, `@file` with line breaks removed), `--data-binary` (bytes as they are) and
 * `--json` (JSON, with its `Content-Type` and `Accept`), each with `@file` and `@-` (stdin).
 *
 * @module
 */

import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { Stdin } from '../stdin.js';

/** The flags of {@link buildRequest}, as `parseArgs` gives them. */
export interface RequestFlags {
  readonly request?: string | undefined;
  readonly header?: readonly string[] | undefined;
  readonly data?: readonly string[] | undefined;
  readonly 'data-binary'?: string | undefined;
  readonly json?: string | undefined;
}

/** What to send. */
export interface CliRequest {
  readonly method: string;
  readonly headers: Headers;
  readonly body: Uint8Array<ArrayBuffer> | undefined;
}

/** An HTTP method token (RFC 9110 §9.1): the characters of a `token`. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `name: value` into a header; the value may be empty, the name may not. */
function parseHeader(line: string, headers: Headers): void {
  const colon = line.indexOf(':');
  const name = colon === -1 ? '' : line.slice(0, colon).trim();
  if (!TOKEN.test(name)) {
    throw new UsageError(
      `-H must be "Name: value", such as -H 'Accept: application/json' (got a header without a valid name)`,
    );
  }
  try {
    headers.append(name, line.slice(colon + 1).trim());
  } catch {
    throw new UsageError(`-H ${name}: the value holds characters a header cannot carry`);
  }
}

/** A data argument: the text itself, or `@file` / `@-` read as bytes. */
async function dataBytes(value: string, flag: string, stdin: Stdin): Promise<Buffer> {
  if (!value.startsWith('@')) return Buffer.from(value, 'utf8');
  const path = value.slice(1);
  if (path === '-') return stdin.bytes(`${flag} @-`);
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${flag} ${JSON.stringify(value)}: cannot read the file (${code})`);
  }
}

/**
 * The body and the headers it implies: `-d` joins its values with `&` (each `@file` without its
 * line breaks, as curl does) and sends a form; `--data-binary` sends the bytes as they are (as a
 * form too, curl's default); `--json` sends JSON.
 */
async function body(
  flags: RequestFlags,
  stdin: Stdin,
): Promise<{ bytes: Uint8Array; type: string; accept?: string } | undefined> {
  const given = [
    flags.data !== undefined && flags.data.length > 0 ? '-d' : undefined,
    flags['data-binary'] !== undefined ? '--data-binary' : undefined,
    flags.json !== undefined ? '--json' : undefined,
  ].filter((flag) => flag !== undefined);
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} exclude each other: give one`);
  const form = 'application/x-www-form-urlencoded';
  if (flags.json !== undefined) {
    const bytes = await dataBytes(flags.json, '--json', stdin);
    return { bytes, type: 'application/json', accept: 'application/json' };
  }
  if (flags['data-binary'] !== undefined) {
    return { bytes: await dataBytes(flags['data-binary'], '--data-binary', stdin), type: form };
  }
  if (flags.data === undefined || flags.data.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const value of flags.data) {
    const bytes = await dataBytes(value, '-d', stdin);
    parts.push(
      value.startsWith('@')
        ? Buffer.from(bytes.toString('latin1').replace(/[\r\n]/g, ''), 'latin1')
        : bytes,
    );
  }
  const joined = parts.flatMap((part, i) => (i === 0 ? [part] : [Buffer.from('&'), part]));
  return { bytes: Buffer.concat(joined), type: form };
}

/**
 * Builds the request from curl's flags.
 *
 * @param flags - `-X`, `-H`, `-d`, `--data-binary`, `--json`.
 * @param stdin - Standard input, for `@-`.
 * @returns Method, headers and body.
 * @throws UsageError for a malformed header or method, two kinds of data, or a file that cannot
 *   be read.
 */
export async function buildRequest(flags: RequestFlags, stdin: Stdin): Promise<CliRequest> {
  const headers = new Headers();
  for (const line of flags.header ?? []) parseHeader(line, headers);
  const data = await body(flags, stdin);
  if (data !== undefined) {
    if (!headers.has('content-type')) headers.set('content-type', data.type);
    if (data.accept !== undefined && !headers.has('accept')) headers.set('accept', data.accept);
  }
  const method = flags.request ?? (data === undefined ? 'GET' : 'POST');
  if (!TOKEN.test(method)) {
    throw new UsageError('-X must be an HTTP method, such as GET, POST, PUT or DELETE');
  }
  if (data !== undefined && /^(GET|HEAD)$/i.test(method)) {
    throw new UsageError(`-X ${method} cannot send a body: drop the data, or use -X POST`);
  }
  // A copy on an ArrayBuffer of its own: what fetch's BodyInit types accept.
  return { method, headers, body: data && new Uint8Array(data.bytes) };
}
