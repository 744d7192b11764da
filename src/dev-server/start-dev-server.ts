/**
 * A real HTTP server (node:http) in front of a {@link MobileFirstEmulator}, for tests over real
 * sockets and for callers written in any language.
 *
 * @module
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MobileFirstEmulator } from '../emulator/emulator.js';
import { keysOf } from '../emulator/known-keys.js';
import { EMULATOR_OPTION_KEYS, type MobileFirstEmulatorOptions } from '../emulator/options.js';
import { isLoopbackHost } from '../util/loopback.js';
import { onAbort } from '../util/on-abort.js';
import { describeUnknownKey, findUnknownKey } from '../util/unknown-keys.js';
import { CONSOLE_PATH, withConsole } from './console/dev-console.js';
import { declaredLength, MAX_BODY_BYTES } from './node-request.js';
import { send, serveRequest, tooLarge } from './serve-request.js';
import { createTlsServer, type DevServerHttpsOptions } from './tls-server.js';

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
  /**
   * Serve HTTPS: `true` makes a CA and a certificate for `localhost`, `127.0.0.1` and `::1` at
   * start ({@link DevServer.ca} is the PEM to trust); or your own certificate, and client
   * certificates to require (see {@link DevServerHttpsOptions}).
   * @default false (plain HTTP)
   */
  readonly https?: boolean | DevServerHttpsOptions;
  /**
   * Serve the console page at `/` and `/mfpconsole`: the confidential clients (through the admin
   * API), the tokens issued, push messages, faults and clock, live counters. It asks for the
   * administrator's credentials. Off in `production` mode unless set to `true`.
   * @default true in `development` mode, false in `production` mode
   */
  readonly console?: boolean;
}

const DEV_SERVER_OPTION_KEYS = keysOf<DevServerOptions>({
  port: true,
  host: true,
  emulator: true,
  emulatorOptions: true,
  https: true,
  console: true,
});

/**
 * Rejects a key `startDevServer` does not know. An emulator option passed at the top level
 * (`{ mode: 'production' }`) is the likely mistake, so the message says where it goes.
 *
 * @throws TypeError naming the key and the nearest valid one.
 */
function assertDevServerKeys(options: object): void {
  const unknown = findUnknownKey(options, DEV_SERVER_OPTION_KEYS);
  if (!unknown) return;
  const { key, suggestion } = unknown;
  const prefix = 'startDevServer: options.';
  if (EMULATOR_OPTION_KEYS.has(key)) {
    throw new TypeError(
      `${prefix}${describeUnknownKey(key, undefined)}; emulator options go in emulatorOptions: ` +
        `startDevServer({ emulatorOptions: { ${key}: … } })`,
    );
  }
  const emulatorKey =
    suggestion === undefined
      ? findUnknownKey({ [key]: true }, EMULATOR_OPTION_KEYS)?.suggestion
      : undefined;
  if (emulatorKey !== undefined) {
    throw new TypeError(
      `${prefix}${describeUnknownKey(key, undefined)} (did you mean emulatorOptions.${emulatorKey}?)`,
    );
  }
  throw new TypeError(`${prefix}${describeUnknownKey(key, suggestion)}`);
}

/** A running dev server. */
export interface DevServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:9080` (`https:` with `https`). */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The emulator it serves, to register clients, inject faults and read counters. */
  readonly emulator: MobileFirstEmulator;
  /**
   * Whether the server listens on a loopback interface only (`127.0.0.0/8`, `::1`, `localhost`),
   * so that other machines cannot reach it. `false` for `0.0.0.0`, `::`, a LAN address or another
   * name: the emulator is for development only (its admin API returns every client secret, and
   * the predefined credentials are public), so a caller may want to warn.
   */
  readonly loopbackOnly: boolean;
  /**
   * With `https`: the CA certificate (PEM) a client must trust to reach the server, e.g.
   * `new Agent({ connect: { ca: server.ca } })` (undici) or `NODE_EXTRA_CA_CERTS`. `undefined`
   * over plain HTTP.
   */
  readonly ca: string | undefined;
  /**
   * With `https`: issues a client certificate (and its key, PEM) signed by the dev server's own
   * CA, which `requireClientCertificate` accepts (unless `clientCa` names others).
   * @throws TypeError over plain HTTP.
   */
  issueClientCertificate(options?: { commonName?: string }): { cert: string; key: string };
  /**
   * The console page's URL, e.g. `http://127.0.0.1:9080/mfpconsole`, or `undefined` when the
   * console is off (see {@link DevServerOptions.console}).
   */
  readonly consoleUrl: string | undefined;
  /**
   * Stops listening, aborts pending injected delays and closes every connection, keep-alive ones
   * included. Idempotent.
   */
  close(): Promise<void>;
  /** Same as {@link DevServer.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts an HTTP server that serves an emulator. Before the emulator sees a request, the server
 * answers `501` to `CONNECT`, `TRACE` and `TRACK`, `400` to a target that is not a path
 * (`OPTIONS *`), and `413` to a body over 1 MiB; an absolute-form target is served by its path.
 * Bodies are streamed to the emulator, and a request whose client goes away aborts its
 * `request.signal`.
 *
 * With the console on (the default in `development` mode), `GET /` and `/mfpconsole` serve a page
 * that shows and controls the emulator; it asks for the administrator's credentials.
 *
 * @param options - Port, host, the emulator or its options, the console.
 * @returns The running server, once it listens.
 * @throws TypeError if both `emulator` and `emulatorOptions` are given, an option is invalid or
 *   a key is unknown (an emulator option such as `mode` goes in `emulatorOptions`); the listen
 *   error (e.g. `EADDRINUSE`) if the port is taken.
 * @example
 * ```ts
 * const server = await startDevServer({ port: 9080 });
 * console.info(server.url); // http://127.0.0.1:9080
 * // curl -X POST -u test:test -d grant_type=client_credentials $URL/mfp/api/az/v1/token
 * await server.close();
 * ```
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'startDevServer: options must be an object { port?, host?, emulator?, emulatorOptions?, console? }',
    );
  }
  assertDevServerKeys(options);
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
  if (options.console !== undefined && typeof options.console !== 'boolean') {
    throw new TypeError('startDevServer: console must be true or false');
  }
  const emulator = options.emulator ?? new MobileFirstEmulator(options.emulatorOptions);
  const loopbackOnly = isLoopbackHost(host);
  const consoleOn = options.console ?? emulator.options.mode === 'development';
  const app = consoleOn ? withConsole(emulator, { beyondLoopback: !loopbackOnly }) : emulator;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const scheme = options.https ? 'https' : 'http';
  let origin = `${scheme}://${urlHost}:${port}`;

  // Aborted when the server closes, so that no injected delay outlives it.
  const closed = new AbortController();
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const request = new AbortController();
    // One listener on `closed` for all requests in flight, however many.
    const unsubscribe = onAbort(closed.signal, () => request.abort());
    res.once('close', () => {
      unsubscribe();
      // The socket closed before the answer was sent: the client went away.
      if (!res.writableFinished) request.abort();
    });
    serveRequest(app, origin, req, res, request.signal).catch(() => {
      // The client went away mid-request; nothing is left to answer.
      req.socket.destroy();
    });
  };
  const tls = options.https ? createTlsServer(options.https, host, handler) : undefined;
  const server = tls?.server ?? createServer(handler);
  server.on('checkContinue', (req, res) => {
    // `Expect: 100-continue` with a body over the cap: refuse before the client sends it.
    if ((declaredLength(req) ?? 0) > MAX_BODY_BYTES) {
      send(req, res, tooLarge(), true).catch(() => req.socket.destroy());
      return;
    }
    res.writeContinue();
    handler(req, res);
  });
  server.on('connect', (req, socket) => {
    // CONNECT (a proxy tunnel) is never served; node:http hands it over as a raw socket.
    const body = JSON.stringify({
      message: `the MobileFirst dev server does not implement ${req.method}`,
    });
    socket.end(
      `HTTP/1.1 501 Not Implemented\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  origin = `${scheme}://${urlHost}:${actualPort}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      closed.abort();
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
    return closing;
  };
  return {
    url: origin,
    port: actualPort,
    emulator,
    loopbackOnly,
    consoleUrl: consoleOn ? `${origin}${CONSOLE_PATH}` : undefined,
    ca: tls?.ca,
    issueClientCertificate: (certificateOptions) => {
      if (tls === undefined) {
        throw new TypeError(
          'startDevServer: issueClientCertificate needs an HTTPS server (startDevServer({ https: true }))',
        );
      }
      return tls.issueClientCertificate(certificateOptions);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
