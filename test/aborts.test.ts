import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { isTimeoutError } from '../src/index.js';
import { SAMPLE, useEmulator } from './helpers/emulator.js';
import { flush } from './helpers/token-server.js';

const mfp = useEmulator();

describe('aborts and timeouts in client.fetch', () => {
  it("the caller's signal aborts the wait for a token; the token request goes on for others", async () => {
    mfp.emulator.setLatency(300, 'token');
    const client = mfp.client();
    const controller = new AbortController();
    const aborted = client.fetch(SAMPLE, { signal: controller.signal });
    const other = client.getToken({ scope: 'RegisteredClient accessRestricted' });
    await flush();
    controller.abort(new Error('user cancelled'));
    await expect(aborted).rejects.toThrow('user cancelled');
    await other;
    expect(mfp.emulator.counters().resourceCalls).toBe(0);
  });

  it('an already aborted signal rejects at once', async () => {
    const client = mfp.client();
    await expect(client.fetch(SAMPLE, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(mfp.tokenRequests).toBe(0);
  });

  it('init.timeout covers the wait for a token → TimeoutError', async () => {
    mfp.emulator.setLatency(2_000, 'token');
    const client = mfp.client();
    const error = await client.fetch(SAMPLE, { timeout: 50 }).catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
  });

  it('requestTimeout covers a slow resource → TimeoutError', async () => {
    const client = mfp.client({ requestTimeout: 50 });
    await client.getToken({ scope: 'RegisteredClient accessRestricted' });
    mfp.emulator.setLatency(2_000, 'resource');
    const error = await client
      .fetch(SAMPLE, { scope: 'RegisteredClient accessRestricted' })
      .catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
  });

  it('the caller signal aborts a request to a foreign origin too (plain fetch semantics)', async () => {
    const client = mfp.client();
    await expect(
      client.fetch('https://foreign.example/x', { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('init.timeout applies to requests to other origins too', async () => {
    mfp.server.use(
      http.get('https://slow.example/x', async () => {
        await delay(2_000);
        return HttpResponse.json({});
      }),
    );
    const client = mfp.client();
    const error = await client
      .fetch('https://slow.example/x', { timeout: 50 })
      .catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
  });
});
