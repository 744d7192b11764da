import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfidentialClient } from '../../src/index.js';
import { createMswHandlers, MobileFirstEmulator, startDevServer } from '../../src/testing/index.js';

// The example of docs/testing.md, kept working.
describe('docs/testing.md: the client against the MSW emulator', () => {
  const emulator = new MobileFirstEmulator();
  const server = setupServer(...createMswHandlers(emulator));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('reads the protected resource', async () => {
    const client = new ConfidentialClient({
      serverUrl: 'http://localhost:9080',
      clientId: 'test',
      clientSecret: 'test',
    });
    // The first call meets the 403, learns `accessRestricted`, gets that token and retries.
    const res = await client.fetch('http://localhost:9080/mfp/api/adapters/sample/resource');
    expect(res.status).toBe(200);
    expect(emulator.counters().resourceCallsByStatus).toEqual({ 403: 1, 200: 1 });
    expect(
      emulator.tokenRequestCount({ clientId: 'test', scope: 'RegisteredClient accessRestricted' }),
    ).toBe(1);
    await client.close();
  });
});

describe('the client against the dev server', () => {
  it('gets a token over real HTTP and caches it', async () => {
    await using server = await startDevServer();
    const client = new ConfidentialClient({
      serverUrl: server.url,
      clientId: 'test',
      clientSecret: 'test',
    });
    const token = await client.getToken({ scope: 'accessRestricted' });
    await client.getToken({ scope: 'accessRestricted' });
    expect(token.scope).toEqual(['accessRestricted']);
    expect(server.emulator.tokenRequestCount()).toBe(1);
    await client.close();
  });
});
