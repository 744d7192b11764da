import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import type { DevServer } from '../../src/testing/index.js';
import { serveEmulator, testClients } from './emulator-harness.js';

/** What a plain node:http server saw of one request. */
export interface SeenHttpRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain loopback HTTP server (another origin than the dev server) that records requests. */
export async function startRecordingServer(
  answer: (seen: SeenHttpRequest) => {
    status?: number;
    headers?: Record<string, string>;
    body?: string;
  } = () => ({}),
): Promise<{ url: string; seen: SeenHttpRequest[]; close(): Promise<void> }> {
  const seen: SeenHttpRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      const record = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(record);
      const {
        status = 200,
        headers = { 'content-type': 'application/json' },
        body: out = '{"ok":true}',
      } = answer(record);
      res.writeHead(status, headers);
      res.end(out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The MobileFirst dev server (real HTTP) for a test file, with a client factory. */
export function useDevServer() {
  const served = serveEmulator({ transport: 'http', lifetime: 'file' });
  const clients = testClients(() => served.dev.url);
  afterEach(async () => {
    await clients.closeAll();
    served.emulator.resetCounters();
  });
  return {
    /** The dev server of this file (one for all its tests). */
    get dev(): DevServer {
      return served.dev;
    },
    client: clients.client,
  };
}

/**
 * A raw TCP server on loopback, for what an HTTP server would not do: hang before the headers or
 * mid-body, reset the connection, send garbage. `serve` gets each socket once its request head
 * (up to the blank line) has arrived, and writes whatever it likes.
 */
export async function startRawServer(
  serve: (socket: Socket, head: string) => void,
): Promise<{ url: string; connections: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server = createNetServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      serve(socket, head);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
