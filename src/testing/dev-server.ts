/**
 * A real HTTP server (node:http) in front of a {@link MobileFirstEmulator}, for tests over real
 * sockets and for callers written in any language.
 *
 * @module
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MobileFirstEmulator } from './emulator.js';
import type { MobileFirstEmulatorOptions } from './options.js';

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  /** TCP port; `0` picks a free one. @default 0 */
  readonly port?: number;
  /** Interface to listen on. Loopback by default: the emulator is for development only. @default '127.0.0.1' */
  readonly host?: string;
  /** An emulator to serve; a new one is created from `emulatorOptions` otherwise. */
  readonly emulator?: MobileFirstEmulator;
  /** Options of the emulator to create when `emulator` is not given. */
  readonly emulatorOptions?: MobileFirstEmulatorOptions;
}

/** A running dev server. */
export interface DevServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:9080`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The emulator it serves, to register clients, inject faults and read counters. */
  readonly emulator: MobileFirstEmulator;
  /** Stops listening and closes every connection, keep-alive ones included. Idempotent. */
  close(): Promise<void>;
  /** Same as {@link DevServer.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

function toRequest(req: IncomingMessage, body: Buffer, origin: string): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    // Pseudo-headers and hop-by-hop fields mean nothing to the emulator and some are forbidden.
    if (name.startsWith(':') || /^(connection|keep-alive|transfer-encoding)$/i.test(name)) continue;
    headers.append(name, req.rawHeaders[i + 1]!);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD' && body.length > 0;
  // Concatenated, not resolved: a request target such as `//host/x` must stay a path.
  return new Request(`${origin}${req.url ?? '/'}`, {
    method,
    headers,
    ...(hasBody ? { body: new Uint8Array(body) } : {}),
  });
}

async function serve(
  emulator: MobileFirstEmulator,
  origin: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let response: Response;
  try {
    response = await emulator.handle(toRequest(req, Buffer.concat(chunks), origin));
  } catch (error) {
    response = Response.json(
      { message: `the MobileFirst dev server failed: ${(error as Error).message}` },
      { status: 500 },
    );
  }
  if (response.type === 'error') {
    // The `drop` fault: close the connection without an answer, as a crashed server would.
    req.socket.destroy();
    return;
  }
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, { ...headers, 'content-length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Starts an HTTP server that serves an emulator.
 *
 * @param options - Port, host, and the emulator or its options.
 * @returns The running server, once it listens.
 * @throws TypeError if both `emulator` and `emulatorOptions` are given, or an option is invalid;
 *   the listen error (e.g. `EADDRINUSE`) if the port is taken.
 * @example
 * ```ts
 * const server = await startDevServer({ port: 9080 });
 * console.info(server.url); // http://127.0.0.1:9080
 * // curl -X POST -u test:test -d grant_type=client_credentials $URL/mfp/api/az/v1/token
 * await server.close();
 * ```
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const { port = 0, host = '127.0.0.1' } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(
      'startDevServer: port must be an integer from 0 to 65535 (0 = any free port)',
    );
  }
  if (typeof host !== 'string' || host === '') {
    throw new TypeError('startDevServer: host must be a host name or IP address');
  }
  if (options.emulator && options.emulatorOptions) {
    throw new TypeError('startDevServer: pass either emulator or emulatorOptions, not both');
  }
  const emulator = options.emulator ?? new MobileFirstEmulator(options.emulatorOptions);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let origin = `http://${urlHost}:${port}`;

  const server = createServer((req, res) => {
    serve(emulator, origin, req, res).catch(() => {
      // The client went away mid-request; nothing is left to answer.
      req.socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  origin = `http://${urlHost}:${actualPort}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return closing;
  };
  return {
    url: origin,
    port: actualPort,
    emulator,
    close,
    [Symbol.asyncDispose]: close,
  };
}
