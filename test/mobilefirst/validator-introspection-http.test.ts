import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isIntrospectionError, type TokenValidator } from '../../src/mobilefirst/index.js';
import { startRecordingServer } from '../helpers/http-servers.js';
import { RS, useValidatorDevServer } from './validator-kit.js';

/** The introspection exchange over real HTTP (the dev server, and plain node:http servers). */
const t = useValidatorDevServer();

async function introspectionError(validator: TokenValidator, header: string) {
  const error = await validator.validate(header, 'orders.read').then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isIntrospectionError(error)) throw new Error(`expected an IntrospectionError: ${error}`);
  return error;
}

describe('introspection over real HTTP', () => {
  it('a refused validator token: a new one and one retry', async () => {
    const token = await t.appToken();
    const validator = t.validator();
    const emulator = t.e2e.dev.emulator;
    emulator.failNextIntrospections(1, { kind: 'invalid-token' });
    expect((await validator.validate(`Bearer ${token}`, 'orders.read')).ok).toBe(true);
    expect(emulator.counters().introspections).toBe(2);
    expect(emulator.tokenRequestCount({ clientId: RS.id })).toBe(2);
  });

  it('a dropped connection: "unreachable"', async () => {
    const token = await t.appToken();
    t.e2e.dev.emulator.failNextIntrospections(1, { kind: 'drop' });
    expect((await introspectionError(t.validator(), `Bearer ${token}`)).reason).toBe('unreachable');
  });

  it('a slow endpoint: "unreachable" after introspectionTimeout', async () => {
    const emulator = t.e2e.dev.emulator;
    emulator.setLatency(3_000, 'introspection');
    try {
      const started = Date.now();
      const validator = t.validator({ introspectionTimeout: 100 });
      const error = await introspectionError(validator, 'Bearer abc');
      expect(error.reason).toBe('unreachable');
      expect(error.message).toMatch(/time|abort/i);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      emulator.clearFaults();
    }
  });

  it('an answer cut off mid-body: "unreachable"', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"active":true,');
      setTimeout(() => res.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const validator = t.validator({ introspectionUrl: `http://127.0.0.1:${port}/i` });
      expect(await introspectionError(validator, 'Bearer abc')).toMatchObject({
        reason: 'unreachable',
        status: 200,
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('an answer whose body stalls: "unreachable" after introspectionTimeout, the token not pinned', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"active":'); // then nothing: the headers came, the body never ends
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const validator = t.validator({
        introspectionUrl: `http://127.0.0.1:${port}/i`,
        introspectionTimeout: 200,
      });
      const started = Date.now();
      const [first, second] = await Promise.all([
        introspectionError(validator, 'Bearer stalled'),
        introspectionError(validator, 'Bearer stalled'),
      ]);
      expect(first).toBe(second); // one shared check
      expect(first.reason).toBe('unreachable');
      expect(first.message).toContain('no complete answer within 200 ms');
      expect(Date.now() - started).toBeLessThan(2_000);
      // Not pinned: the next check of the same token asks again, and ends in time again.
      expect((await introspectionError(validator, 'Bearer stalled')).reason).toBe('unreachable');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reads at most 256 KiB of an answer', async () => {
    const big = JSON.stringify({ active: true, pad: 'x'.repeat(300 * 1024) });
    const server = await startRecordingServer(() => ({ body: big }));
    try {
      const validator = t.validator({ introspectionUrl: `${server.url}/introspection` });
      const error = await introspectionError(validator, 'Bearer abc');
      expect(error).toMatchObject({ reason: 'malformed', status: 200 });
      expect(error.message).toContain('larger than 262144 bytes');
    } finally {
      await server.close();
    }
  });
});
