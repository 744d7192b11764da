import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfidentialClient,
  isNetworkError,
  isTokenResponseError,
  type NetworkError,
  type TokenResponseError,
} from '../src/index.js';

/** What the token endpoint does next; each test sets it. */
let answer: (req: IncomingMessage, res: ServerResponse, n: number) => void;
let requests = 0;
let server: Server;
let tokenUrl: string;

const TOKEN = JSON.stringify({
  access_token: 'wire-token',
  token_type: 'Bearer',
  expires_in: 3600,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => answer(req, res, requests));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
});

const client = (extra: Partial<ConstructorParameters<typeof ConfidentialClient>[0]> = {}) => {
  requests = 0;
  return new ConfidentialClient({
    tokenUrl,
    clientId: 'wire',
    clientSecret: 'wire-secret',
    retry: { retries: 2, minTimeout: 10, randomize: false, cooldown: 0 },
    timeout: 5_000,
    ...extra,
  } as ConstructorParameters<typeof ConfidentialClient>[0]);
};

/** Headers and the start of a body, then the connection is reset. */
const resetMidBody = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
  res.write('{"access_token":"half');
  setTimeout(() => res.socket?.resetAndDestroy?.() ?? res.destroy(), 20);
};

describe('token responses on the wire', () => {
  it('a reset in the middle of the body is a network failure: retried, then a NetworkError', async () => {
    answer = (req, res, n) => (n === 1 ? resetMidBody(req, res) : res.end(TOKEN));
    const ok = client();
    await expect(ok.getToken()).resolves.toMatchObject({ tokenType: 'Bearer' });
    expect(requests).toBe(2);
    expect(ok.stats().retries).toBe(1);

    answer = resetMidBody;
    const failing = client();
    const error = (await failing.getToken().catch((e: unknown) => e)) as NetworkError;
    expect(isNetworkError(error)).toBe(true);
    expect(requests).toBe(3);
    expect(error.causeCode).toMatch(/^(UND_ERR_SOCKET|ECONNRESET)$/);
    expect(error.message).toMatch(/terminated \(.*(UND_ERR_SOCKET|ECONNRESET)/);
  });

  it('an endless 200 body stops at maxTokenResponseBytes with a typed error', async () => {
    let abandoned = false;
    answer = (_req, res) => {
      res.on('close', () => {
        abandoned = !res.writableFinished;
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) {}
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    };
    const error = (await client()
      .getToken()
      .catch((e: unknown) => e)) as TokenResponseError;
    expect(isTokenResponseError(error)).toBe(true);
    expect(error.field).toBe('body');
    expect(error.message).toContain('larger than 1048576 bytes (maxTokenResponseBytes');
    expect(requests).toBe(1); // not retried
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(abandoned).toBe(true); // the rest was not read
  });

  it('decompressed bytes count: a small gzip body that inflates past the limit is stopped', async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100_000);
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    };
    const error = (await client()
      .getToken()
      .catch((e: unknown) => e)) as TokenResponseError;
    expect(isTokenResponseError(error)).toBe(true);
    expect(error.message).toContain('decompressed bytes count');
  });

  it('a Content-Length over the limit fails before a byte is read; the limit is configurable', async () => {
    answer = (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(TOKEN.length),
      });
      res.end(TOKEN);
    };
    const small = client({ maxTokenResponseBytes: 20 });
    await expect(small.getToken()).rejects.toMatchObject({
      name: 'TokenResponseError',
      field: 'body',
      message: expect.stringContaining('larger than 20 bytes'),
    });
    await expect(client({ maxTokenResponseBytes: TOKEN.length }).getToken()).resolves.toBeTruthy();
  });

  it('a Content-Length over the limit fails at once, without waiting for the body', async () => {
    answer = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '10000000' });
      res.write('{"access_token":'); // and nothing more: reading would wait for the timeout
    };
    const started = Date.now();
    await expect(client({ timeout: 3_000 }).getToken()).rejects.toMatchObject({
      name: 'TokenResponseError',
      field: 'body',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an endless error body is not read whole: the status speaks', async () => {
    answer = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.write('{"error":"invalid_client","pad":"');
      const chunk = Buffer.alloc(64 * 1024, 0x78);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) {}
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    };
    await expect(client().getToken()).rejects.toMatchObject({
      name: 'TokenRequestError',
      status: 400,
      error: undefined,
    });
  });

  it.each([
    ['a newline', 'abc\ndef'],
    ['a control character', 'abc\u0001def'],
    ['a space', 'abc def'],
    ['non-ASCII', 'abcé'],
  ])(
    'an access token with %s is refused without echoing it, and not cached',
    async (_what, bad) => {
      const secretPart = `LEAK${Math.random().toString(36).slice(2)}`;
      answer = (_req, res) =>
        res.end(JSON.stringify({ access_token: `${secretPart}${bad}`, token_type: 'Bearer' }));
      const c = client({ retry: { retries: 0, cooldown: 0 } });
      const error = (await c.getToken().catch((e: unknown) => e)) as TokenResponseError;
      expect(isTokenResponseError(error)).toBe(true);
      expect(error.field).toBe('access_token');
      expect(error.message).not.toContain(secretPart);
      answer = (_req, res) => res.end(TOKEN);
      await expect(c.getToken()).resolves.toMatchObject({ accessToken: 'wire-token' });
      expect(requests).toBe(2);
    },
  );

  it('NetworkError names the root cause that fetch keeps three levels down', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const c = new ConfidentialClient({
      tokenUrl: `http://127.0.0.1:${port}/token`,
      clientId: 'a',
      clientSecret: 'b',
      retry: false,
    });
    const error = (await c.getToken().catch((e: unknown) => e)) as NetworkError;
    expect(isNetworkError(error)).toBe(true);
    expect(error.causeCode).toBe('ECONNREFUSED');
    expect(error.message).toContain(`fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`);
  });
});
