/**
 * A tiny loopback forward proxy for tests: `CONNECT host:port` tunnels (what undici's
 * `ProxyAgent` and `EnvHttpProxyAgent` send for `https:` targets), each one counted, optionally
 * behind `Proxy-Authorization`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

/** A running proxy. */
export interface ConnectProxy {
  /** `http://127.0.0.1:port`. */
  readonly url: string;
  /** The `host:port` of every tunnel asked for, in order (refused ones included). */
  readonly tunnels: string[];
  /** The `Proxy-Authorization` header of every tunnel asked for. */
  readonly authorizations: Array<string | undefined>;
  close(): Promise<void>;
}

/**
 * Starts the proxy.
 *
 * @param options - `authorization`: the `Proxy-Authorization` value required (`407` otherwise).
 */
export async function startConnectProxy(
  options: { authorization?: string } = {},
): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const authorizations: Array<string | undefined> = [];
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => {
    // Only tunnels: a plain request for an absolute URL is not what these tests send.
    res.writeHead(405).end();
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    tunnels.push(target);
    authorizations.push(req.headers['proxy-authorization']);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    if (
      options.authorization !== undefined &&
      req.headers['proxy-authorization'] !== options.authorization
    ) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm="test"\r\ncontent-length: 0\r\n\r\n',
      );
      return;
    }
    const [host = '', port = ''] = splitHostPort(target);
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `127.0.0.1:443` → `['127.0.0.1', '443']`; `[::1]:443` → `['::1', '443']`. */
function splitHostPort(target: string): [string, string] {
  const at = target.lastIndexOf(':');
  return [target.slice(0, at).replace(/^\[(.*)\]$/, '$1'), target.slice(at + 1)];
}
