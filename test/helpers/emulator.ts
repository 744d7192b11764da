import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { ConfidentialClient, type ConfidentialClientOptions } from '../../src/index.js';
import {
  createMswHandlers,
  MobileFirstEmulator,
  type MobileFirstEmulatorOptions,
} from '../../src/testing/index.js';
import type { TestClientOptions } from './token-server.js';

export const MFP = 'http://localhost:9080';
export const SAMPLE = `${MFP}/mfp/api/adapters/sample/resource`;

/**
 * A fresh MobileFirst emulator per test, served over MSW at http://localhost:9080, plus a client
 * factory (the DevKit's `test`/`test` client by default). Clients are closed after each test.
 */
export function useEmulator(options: MobileFirstEmulatorOptions = {}) {
  const server = setupServer();
  const clients: ConfidentialClient[] = [];
  const ctx = {
    server,
    emulator: undefined as unknown as MobileFirstEmulator,
    client(extra: TestClientOptions = {}) {
      const client = new ConfidentialClient({
        serverUrl: MFP,
        clientId: 'test',
        clientSecret: 'test',
        ...extra,
      } as ConfidentialClientOptions);
      clients.push(client);
      return client;
    },
    /** Token requests the emulator received. */
    get tokenRequests() {
      return ctx.emulator.counters().tokenRequests;
    },
  };
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  beforeEach(() => {
    ctx.emulator = new MobileFirstEmulator(options);
    server.resetHandlers(...createMswHandlers(ctx.emulator));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(() => server.close());
  return ctx;
}
