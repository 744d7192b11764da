import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MobileFirstEmulator, startDevServer } from '../../src/testing/index.js';

/**
 * Sends raw bytes on a new connection and resolves with what came back once the server closes it
 * (`Connection: close`), or after `settleMs` of silence once something came back, or with
 * whatever came back after 3 s (a server that waits for a body never sent).
 */
function raw(port: number, data: string | Buffer, settleMs = 100): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    let settle: ReturnType<typeof setTimeout> | undefined;
    const done = (): void => {
      clearTimeout(settle);
      clearTimeout(timeout);
      socket.destroy();
      resolve(received);
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      clearTimeout(settle);
      settle = setTimeout(done, settleMs);
    });
    socket.on('close', done);
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? done() : reject(error),
    );
    const timeout = setTimeout(done, 3_000);
    socket.once('close', () => clearTimeout(timeout));
    socket.write(data);
  });
}

/** The status line of each response in a raw answer, e.g. `['HTTP/1.1 404 Not Found']`. */
function statusLines(answer: string): string[] {
  return answer.match(/HTTP\/1\.1 \d{3}[^\r]*/g) ?? [];
}

/** A `sleep` that tells when it is entered, keeps its signal, and waits until released. */
function sleepGate() {
  let entered: (signal: AbortSignal) => void = () => {};
  let release: () => void = () => {};
  return {
    entered: new Promise<AbortSignal>((resolve) => {
      entered = resolve;
    }),
    release: () => release(),
    sleep: (_ms: number, signal: AbortSignal) => {
      entered(signal);
      return new Promise<void>((resolve) => {
        release = resolve;
      });
    },
  };
}

describe('startDevServer', () => {
  it('listens on a free loopback port and serves a fresh emulator from emulatorOptions', async () => {
    const server = await startDevServer({ emulatorOptions: { mode: 'production' } });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.port).toBeGreaterThan(0);
      expect(server.emulator.options.mode).toBe('production');
      const res = await fetch(`${server.url}/mfp/api/az/v1/token`, {
        method: 'POST',
        headers: { authorization: 'Basic dGVzdDp0ZXN0' },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      });
      expect(res.status).toBe(400);
    } finally {
      await server.close();
    }
  });

  it.each([
    [undefined, true],
    ['127.0.0.1', true],
    ['localhost', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
  ])('tells whether host %s is loopback only: %s', async (host, loopbackOnly) => {
    await using server = await startDevServer(host === undefined ? {} : { host });
    expect(server.loopbackOnly).toBe(loopbackOnly);
  });

  it('answers 404 with JSON for paths it does not serve', async () => {
    await using server = await startDevServer();
    const res = await fetch(`${server.url}/nothing/here`);
    expect(res.status).toBe(404);
    expect((await res.json()).message).toContain('/nothing/here');
  });

  it('answers HEAD without a body', async () => {
    await using server = await startDevServer();
    const res = await fetch(`${server.url}/mfp/api/adapters/sample/resource`, { method: 'HEAD' });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('');
  });

  it('closes promptly while a keep-alive connection is open, and close is idempotent', async () => {
    const server = await startDevServer();
    const agentResponse = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${server.url}/mfp/api/adapters/sample/resource`, {
        headers: { connection: 'keep-alive' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(agentResponse).toBe(401);
    await Promise.all([server.close(), server.close()]);
    await expect(fetch(`${server.url}/`)).rejects.toThrow(TypeError);
  });

  it('destroys the socket for a drop fault', async () => {
    const emulator = new MobileFirstEmulator();
    await using server = await startDevServer({ emulator });
    emulator.failNextTokenRequests(1, { kind: 'drop' });
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const req = httpRequest(`${server.url}${emulator.tokenPath}`, { method: 'POST' });
      req.on('error', resolve);
      req.on('response', () => resolve(new Error('got a response') as NodeJS.ErrnoException));
      req.end('grant_type=client_credentials');
    });
    expect(error.code).toBe('ECONNRESET');
  });

  it('rejects when the port is taken', async () => {
    await using first = await startDevServer();
    await expect(startDevServer({ port: first.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('rejects bad options', async () => {
    await expect(startDevServer({ port: -1 })).rejects.toThrow(RangeError);
    await expect(startDevServer({ port: 70_000 })).rejects.toThrow(/port/);
    await expect(startDevServer({ host: '' })).rejects.toThrow(/host/);
    await expect(
      startDevServer({ emulator: new MobileFirstEmulator(), emulatorOptions: {} }),
    ).rejects.toThrow(/either emulator or emulatorOptions/);
  });
});

describe('dev server request targets', () => {
  it('keeps a target starting with // as a path', async () => {
    await using server = await startDevServer();
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1',
        port: server.port,
        path: '//evil/mfp/api/adapters/sample/resource',
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
  });
});

describe('dev server request lines', () => {
  it('serves an absolute-form target by its path, on its own origin', async () => {
    await using server = await startDevServer();
    const answer = await raw(
      server.port,
      `GET http://elsewhere.example:81/mfp/api/adapters/sample/resource?x=1 HTTP/1.1\r\nHost: elsewhere.example\r\nConnection: close\r\n\r\n`,
    );
    expect(statusLines(answer)).toEqual(['HTTP/1.1 401 Unauthorized']);
    expect(answer.toLowerCase()).toContain('www-authenticate: bearer');
    expect(server.emulator.counters().resourceCallsByStatus).toEqual({ 401: 1 });
  });

  it('answers 400 to OPTIONS * (no path to serve)', async () => {
    await using server = await startDevServer();
    const answer = await raw(
      server.port,
      'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(statusLines(answer)).toEqual(['HTTP/1.1 400 Bad Request']);
    expect(answer).toContain('request target must be a path');
  });

  it.each([
    ['TRACE', 'TRACE /mfp/api/az/v1/token HTTP/1.1'],
    ['CONNECT', 'CONNECT 127.0.0.1:1 HTTP/1.1'],
  ])('answers 501 Not Implemented to %s', async (method, line) => {
    await using server = await startDevServer();
    const answer = await raw(server.port, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(statusLines(answer)).toEqual(['HTTP/1.1 501 Not Implemented']);
    expect(answer).toContain(`does not implement ${method}`);
  });
});

describe('dev server request bodies', () => {
  const token = (headers: string) =>
    `POST /mfp/api/az/v1/token HTTP/1.1\r\nHost: x\r\nAuthorization: Basic dGVzdDp0ZXN0\r\nContent-Type: application/x-www-form-urlencoded\r\n${headers}\r\n`;

  it('answers 413 to a declared Content-Length over 1 MiB without waiting for the body', async () => {
    await using server = await startDevServer();
    const answer = await raw(server.port, token(`Content-Length: ${1024 * 1024 + 1}\r\n`));
    expect(statusLines(answer)).toEqual(['HTTP/1.1 413 Payload Too Large']);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(server.emulator.counters().tokenRequests).toBe(0);
  });

  it('answers 413 to Expect: 100-continue with too large a body, without 100 Continue', async () => {
    await using server = await startDevServer();
    const answer = await raw(
      server.port,
      token(`Content-Length: ${2 * 1024 * 1024}\r\nExpect: 100-continue\r\n`),
    );
    expect(statusLines(answer)).toEqual(['HTTP/1.1 413 Payload Too Large']);
  });

  it('answers 413 to a chunked body that grows over 1 MiB, and issues no token', async () => {
    await using server = await startDevServer();
    const chunk = 'a'.repeat(64 * 1024);
    const chunks = Array.from({ length: 17 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    const answer = await raw(
      server.port,
      `${token('Transfer-Encoding: chunked\r\n')}${`grant_type=client_credentials&x=`.length.toString(16)}\r\ngrant_type=client_credentials&x=\r\n${chunks.join('')}0\r\n\r\n`,
    );
    expect(statusLines(answer)).toEqual(['HTTP/1.1 413 Payload Too Large']);
    expect(server.emulator.counters().tokensIssued).toBe(0);
  });

  it('accepts a body of exactly 1 MiB', async () => {
    await using server = await startDevServer();
    const form = 'grant_type=client_credentials&pad=';
    const body = form + 'a'.repeat(1024 * 1024 - form.length);
    const res = await fetch(`${server.url}${server.emulator.tokenPath}`, {
      method: 'POST',
      headers: {
        authorization: 'Basic dGVzdDp0ZXN0',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body,
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ['an unknown path', 'POST /nothing/here HTTP/1.1', 'HTTP/1.1 404 Not Found'],
    [
      'a push request without a token',
      'POST /imfpush/v1/apps/a/messages HTTP/1.1',
      'HTTP/1.1 401 Unauthorized',
    ],
    [
      'a PATCH to the token endpoint',
      'PATCH /mfp/api/az/v1/token HTTP/1.1',
      'HTTP/1.1 405 Method Not Allowed',
    ],
  ])('answers %s without waiting for the body', async (_, line, status) => {
    await using server = await startDevServer();
    // The body is announced but never sent: reading it would wait forever.
    const answer = await raw(
      server.port,
      `${line}\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`,
    );
    expect(statusLines(answer)).toEqual([status]);
  });

  it('discards an unread body and serves the next request on the same connection', async () => {
    await using server = await startDevServer();
    const body = 'x'.repeat(5000);
    const answer = await raw(
      server.port,
      `POST /nothing HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        'GET /mfp/api/adapters/sample/resource HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(statusLines(answer)).toEqual(['HTTP/1.1 404 Not Found', 'HTTP/1.1 401 Unauthorized']);
  });
});

describe('dev server latency and aborts', () => {
  it('aborts the delay when the client goes away: no token issued, no fault taken, nothing counted', async () => {
    const gate = sleepGate();
    const emulator = new MobileFirstEmulator({ sleep: gate.sleep });
    await using server = await startDevServer({ emulator });
    emulator.setLatency(1_000, 'token');
    emulator.failNextTokenRequests(1, { kind: 'rate-limit' });
    const req = httpRequest(`${server.url}${emulator.tokenPath}`, {
      method: 'POST',
      headers: {
        authorization: 'Basic dGVzdDp0ZXN0',
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
    req.on('error', () => {});
    req.end('grant_type=client_credentials');
    const signal = await gate.entered;
    const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve));
    req.destroy();
    await aborted;
    gate.release();
    emulator.clearFaults();
    const next = await fetch(`${server.url}${emulator.tokenPath}`, {
      method: 'POST',
      headers: {
        authorization: 'Basic dGVzdDp0ZXN0',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(next.status).toBe(200);
    expect(emulator.counters()).toMatchObject({ tokenRequests: 1, tokensIssued: 1 });
  });

  it('aborts pending delays on close(), so the default sleep keeps no timer alive', async () => {
    const gate = sleepGate();
    const emulator = new MobileFirstEmulator({ sleep: gate.sleep });
    const server = await startDevServer({ emulator });
    emulator.setLatency(60_000, 'resource');
    const outcome = fetch(`${server.url}${emulator.sampleResourcePath}`).then(
      (res) => res.status,
      () => 'rejected',
    );
    const signal = await gate.entered;
    expect(signal.aborted).toBe(false);
    await server.close();
    expect(signal.aborted).toBe(true);
    expect(await outcome).toBe('rejected');
    gate.release();
    expect(emulator.counters().resourceCalls).toBe(0);
  });
});

describe('dev server close with a request in flight', () => {
  it('does not wait for an unanswered request', { timeout: 3_000 }, async () => {
    let entered: () => void = () => {};
    const inFlight = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const emulator = new MobileFirstEmulator({
      sleep: () => {
        entered();
        return new Promise(() => {});
      },
    });
    emulator.setLatency(1);
    const server = await startDevServer({ emulator });
    const outcome = new Promise<string>((resolve) => {
      const req = httpRequest(`${server.url}/mfp/api/adapters/sample/resource`);
      req.on('response', () => resolve('response'));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      req.end();
    });
    await inFlight;
    await server.close();
    expect(await outcome).toBe('ECONNRESET');
  });
});
