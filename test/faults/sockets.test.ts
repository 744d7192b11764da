/**
 * The fault matrix over real sockets: what only a real connection shows (a server that hangs
 * before its headers or mid-body, resets, lies about its length, compresses, or is not there).
 * Same columns as fault-matrix.test.ts; real timers, one retry. Timeouts are long (10 s) but for
 * the rows about a hang, whose short one (`hangs`) is what they wait for: on a loaded machine a
 * short timeout would also cut rows that are not about time.
 */
import type { Socket } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfidentialClient } from '../../src/index.js';
import { startRawServer, startRecordingServer } from '../helpers/http-servers.js';
import { CLIENT_ID, CLIENT_SECRET } from '../helpers/token-server.js';
import { type Expected, outcomeOf, Recorder, settle } from './fault-run.js';

type Serve = (socket: Socket, rec: Recorder) => void;

interface SocketFault extends Expected {
  name: string;
  /** How the token endpoint answers; default: a good token. */
  token?: Serve;
  /** How the resource answers, when the row calls `client.fetch`. */
  resource?: Serve;
  /** The row waits for a hang: `timeout` and `requestTimeout` this short (ms). */
  hangs?: number;
}

const head = (status: number, headers: Record<string, string | number>) =>
  `HTTP/1.1 ${status} X\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
const tokenJson = (rec: Recorder) =>
  JSON.stringify({ access_token: rec.token(), token_type: 'Bearer', expires_in: 3600 });
/** A complete answer with `body` (compressed with `encoding` when given). */
const answer =
  (
    status: number,
    body: (rec: Recorder) => string | Buffer,
    headers: Record<string, string> = {},
  ): Serve =>
  (socket, rec) => {
    const bytes = Buffer.from(body(rec));
    socket.end(
      Buffer.concat([
        Buffer.from(
          head(status, {
            'content-type': 'application/json',
            'content-length': bytes.length,
            connection: 'close',
            ...headers,
          }),
        ),
        bytes,
      ]),
    );
  };
const compressed = (encoding: string, pack: (b: Buffer) => Buffer) =>
  answer(200, (rec) => pack(Buffer.from(tokenJson(rec))), { 'content-encoding': encoding });
/** Sends the head and `part` of a declared 1000-byte body, then `then` (hang, reset, close). */
const partial =
  (then: 'hang' | 'reset' | 'close', status = 200): Serve =>
  (socket) => {
    socket.write(head(status, { 'content-type': 'application/json', 'content-length': 1000 }));
    socket.write('{"access_token":"');
    if (then === 'reset') setTimeout(() => socket.resetAndDestroy(), 20);
    if (then === 'close') setTimeout(() => socket.end(), 20);
  };

const FAULTS: SocketFault[] = [
  {
    name: 'nothing listens (connection refused)',
    token: () => undefined,
    outcome: 'NetworkError',
    tokenRequests: 2,
  },
  {
    name: 'hangs before the headers',
    token: () => undefined,
    hangs: 300,
    outcome: 'TimeoutError',
    tokenRequests: 2,
  },
  {
    name: 'hangs mid-body',
    token: partial('hang'),
    hangs: 300,
    outcome: 'TimeoutError',
    tokenRequests: 2,
  },
  {
    name: '503 whose body hangs',
    token: partial('hang', 503),
    hangs: 300,
    outcome: 'TimeoutError',
    tokenRequests: 2,
  },
  {
    name: 'resets the connection mid-body',
    token: partial('reset'),
    outcome: 'NetworkError',
    tokenRequests: 2,
  },
  {
    name: 'closes before the declared length',
    token: partial('close'),
    outcome: 'NetworkError',
    tokenRequests: 2,
  },
  {
    name: 'closes before the headers',
    token: (socket) => socket.destroy(),
    outcome: 'NetworkError',
    tokenRequests: 2,
  },
  {
    name: 'answers garbage instead of HTTP',
    token: (socket) => socket.end('SSH-2.0-OpenSSH\r\n\r\n'),
    outcome: 'NetworkError',
    tokenRequests: 2,
  },
  {
    name: 'gzip-compressed token: decompressed',
    token: compressed('gzip', gzipSync),
    outcome: 'token',
    tokenRequests: 1,
  },
  {
    name: 'deflate-compressed token: decompressed',
    token: compressed('deflate', deflateSync),
    outcome: 'token',
    tokenRequests: 1,
  },
  {
    name: 'brotli-compressed token: decompressed',
    token: compressed('br', brotliCompressSync),
    outcome: 'token',
    tokenRequests: 1,
  },
  {
    name: 'gzip bomb (8 KB inflating to 8 MB): stopped at 1 MB',
    token: answer(200, () => gzipSync(Buffer.alloc(8 * 1024 * 1024, 32)), {
      'content-encoding': 'gzip',
    }),
    outcome: 'TokenResponseError(body)',
    tokenRequests: 1,
  },
  {
    name: 'oversized chunked body (2 MB, no length)',
    token: (socket) => {
      socket.write(
        head(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }),
      );
      const chunk = 'a'.repeat(64 * 1024);
      for (let i = 0; i < 32; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      socket.end('0\r\n\r\n');
    },
    outcome: 'TokenResponseError(body)',
    tokenRequests: 1,
  },
  {
    name: 'declared Content-Length over the limit: refused before reading',
    token: (socket) =>
      socket.write(head(200, { 'content-type': 'application/json', 'content-length': 50_000_000 })),
    outcome: 'TokenResponseError(body)',
    tokenRequests: 1,
  },
  {
    name: 'resource hangs before the headers: requestTimeout',
    resource: () => undefined,
    hangs: 1_000,
    outcome: 'TimeoutError',
    tokenRequests: 1,
    resourceRequests: 1,
  },
  {
    name: 'resource resets mid-body: the body read fails (fetch semantics)',
    resource: partial('reset'),
    outcome: 'status 200',
    tokenRequests: 1,
    resourceRequests: 1,
  },
  {
    name: 'resource closes before the headers (fetch semantics: TypeError)',
    resource: (socket) => socket.destroy(),
    outcome: 'TypeError',
    tokenRequests: 1,
    resourceRequests: 1,
  },
];

describe('fault matrix over real sockets', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });

  it.each(FAULTS.map((f) => [f.name, f] as const))('%s', async (_name, fault) => {
    const rec = new Recorder();
    let tokenUrl: string;
    if (fault.name.startsWith('nothing listens')) {
      const gone = await startRawServer(() => undefined);
      await gone.close();
      tokenUrl = `${gone.url}/token`;
    } else if (fault.token) {
      const serve = fault.token;
      const server = await startRawServer((socket) => serve(socket, rec));
      closers.push(server.close);
      tokenUrl = `${server.url}/token`;
    } else {
      const server = await startRecordingServer(() => ({ body: tokenJson(rec) }));
      closers.push(server.close);
      tokenUrl = `${server.url}/token`;
    }
    let resource: { url: string; connections: number } | undefined;
    if (fault.resource) {
      const serve = fault.resource;
      const server = await startRawServer((socket) => serve(socket, rec));
      closers.push(server.close);
      resource = server;
    }
    const client = new ConfidentialClient({
      tokenUrl,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      logger: rec.logger,
      hooks: rec.hooks,
      timeout: fault.hangs ?? 10_000,
      requestTimeout: fault.hangs ?? 10_000,
      retry: { retries: 1, minTimeout: 10, maxTimeout: 10, randomize: false },
      origins: resource ? [resource.url] : undefined,
    });
    closers.push(() => client.close());
    const settled = await settle<unknown>(
      resource
        ? client.fetch(`${resource.url}/data`).then(async (response) => {
            // A body that fails mid-way fails the caller's read, as with fetch.
            const read = await settle(response.text());
            expect('error' in read).toBe(true);
            return response;
          })
        : client.getToken(),
    );
    expect({
      outcome: outcomeOf(settled),
      tokenRequests: client.stats().tokenRequests,
      resourceRequests: resource?.connections ?? 0,
    }).toEqual({
      outcome: fault.outcome,
      tokenRequests: fault.tokenRequests,
      resourceRequests: fault.resourceRequests ?? 0,
    });
    expect(rec.leaks(client, settled)).toEqual([]);
  });
});
