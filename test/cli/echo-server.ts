import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/**
 * A resource on another origin than the dev server, for a test file: it answers the request's
 * body back as bytes, with what it saw in `x-*` headers (method, content type, accept, whether a
 * Bearer token came). `/missing` answers 404; the first request to each path under `/once-401/`
 * answers 401 `invalid_token`.
 */
export function useEchoServer(): { readonly url: string } {
  const rejected = new Set<string>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      if (path.startsWith('/once-401/') && !rejected.has(path)) {
        rejected.add(path);
        res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
        return;
      }
      if (path === '/missing') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such thing');
        return;
      }
      res
        .writeHead(200, {
          'content-type': 'application/octet-stream',
          'x-method': req.method ?? '',
          'x-content-type': req.headers['content-type'] ?? '',
          'x-accept': req.headers.accept ?? '',
          'x-bearer': String(/^Bearer \S+$/.test(req.headers.authorization ?? '')),
        })
        .end(Buffer.concat(chunks));
    });
  });
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    get url() {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
  };
}

/**
 * A token endpoint that refuses every request, quoting the Basic credentials it got in its
 * `error_description` and its `WWW-Authenticate`: what the secret's redaction must survive.
 */
export function useEchoingTokenEndpoint(): { readonly url: string } {
  const server = createServer((req, res) => {
    const basic = atob((req.headers.authorization ?? '').replace(/^Basic /, ''));
    res
      .writeHead(400, {
        'content-type': 'application/json',
        'www-authenticate': `Basic realm="${basic}"`,
      })
      .end(
        JSON.stringify({ error: 'invalid_client', error_description: `bad credentials ${basic}` }),
      );
  });
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    get url() {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
    },
  };
}
