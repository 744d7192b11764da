import { afterEach } from 'vitest';
import type { MobileFirstEmulatorOptions } from '../../src/testing/index.js';
import { serveEmulator, testClients } from './emulator-harness.js';

export const MFP = 'http://localhost:9080';
export const SAMPLE = `${MFP}/mfp/api/adapters/sample/resource`;

/**
 * A fresh MobileFirst emulator per test, served over MSW at http://localhost:9080, plus a client
 * factory (the DevKit's `test`/`test` client by default). Clients are closed after each test.
 */
export function useEmulator(options: MobileFirstEmulatorOptions = {}) {
  const served = serveEmulator({
    transport: 'msw',
    lifetime: 'test',
    mswBaseUrl: MFP,
    options: () => options,
  });
  const clients = testClients(() => MFP);
  afterEach(() => clients.closeAll());
  return {
    /** The MSW server, to add handlers in front of the emulator's. */
    get server() {
      return served.msw;
    },
    get emulator() {
      return served.emulator;
    },
    client: clients.client,
    /** Token requests the emulator received. */
    get tokenRequests() {
      return served.emulator.counters().tokenRequests;
    },
  };
}
