import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { MobileFirstEmulator, startDevServer } from '../../src/testing/index.js';

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
