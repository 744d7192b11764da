import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfidentialClient } from '../src/index.js';
import { useDevServer } from './helpers/http-servers.js';

const e2e = useDevServer();

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A full GC, then time for the finalizers it queued, a few times over. */
async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);
process.on('warning', onWarning);
afterEach(() => {
  warnings.length = 0;
});

/**
 * A load harness passes one shutdown signal to every request. That must cost neither a warning
 * nor memory, with or without a time limit per request.
 */
describe('one long-lived signal shared by many requests', () => {
  it.each([
    ['without a time limit', undefined],
    ['with requestTimeout', 10_000],
  ])(
    '%s: 50 concurrent cold calls, no MaxListenersExceededWarning, nothing left on the signal',
    async (_name, requestTimeout) => {
      const client = e2e.client(requestTimeout === undefined ? {} : { requestTimeout });
      const shutdown = new AbortController();
      const url = `${e2e.dev.url}/mfp/api/adapters/sample/resource`;
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => client.fetch(url, { signal: shutdown.signal })),
      );
      expect(responses.every((r) => r.status === 200)).toBe(true);
      if (requestTimeout !== undefined) {
        // One listener of ours; fetch's own go on the request's signal. (Without a time limit,
        // the caller's signal goes to fetch itself, which listens per request while it runs.)
        expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1);
      }
      await Promise.all(responses.map((r) => r.arrayBuffer()));
      responses.length = 0;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
      await settle();
      expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
    },
  );

  it.each([
    ['a fetch that ignores the signal', false],
    ['a fetch whose abort listener reaches the body', true],
  ])(
    'with requestTimeout, 50,000 requests on one signal leave the heap flat: %s',
    async (_name, wrap) => {
      const client = new ConfidentialClient({
        tokenUrl: 'https://heap.invalid/token',
        clientId: 'heap',
        clientSecret: 'heap-secret',
        requestTimeout: 10_000,
        fetch: async (input, init) => {
          if (String(input).endsWith('/token')) {
            return Response.json({
              access_token: 'heap-token',
              token_type: 'Bearer',
              expires_in: 3600,
            });
          }
          if (!wrap) return new Response('ok');
          // Like a fetch wrapper that errors its body when the request is aborted.
          let stream!: ReadableStreamDefaultController<Uint8Array>;
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              stream = controller;
              controller.enqueue(new TextEncoder().encode('ok'));
              controller.close();
            },
          });
          init?.signal?.addEventListener('abort', () => {
            try {
              stream.error(init.signal?.reason);
            } catch {}
            void body.locked;
          });
          return new Response(body);
        },
      });
      const { signal } = new AbortController();
      const run = async (n: number) => {
        for (let i = 0; i < n; i++) {
          await (await client.fetch('https://heap.invalid/resource', { signal })).arrayBuffer();
        }
      };
      // The heap settles at a level that depends on the Node version (on Node 24, V8's own tables
      // grow by about 1.6 MB over the first 70,000 requests, then stay flat). A leak keeps
      // growing: measure a stretch of 50,000 requests after the heap has settled.
      await run(20_000);
      await settle();
      await run(50_000);
      await settle();
      const settled = process.memoryUsage().heapUsed;
      await run(50_000);
      await settle();
      const growth = process.memoryUsage().heapUsed - settled;
      // AbortSignal.any kept about 50 bytes per request alive in Node 20 (2.6 MB a stretch), and a
      // link that held the body from its own finalizer about 4 KB (200 MB).
      expect(growth).toBeLessThan(1_000_000);
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    },
    60_000,
  );

  it("many token requests at once (20 scopes) leave the client's own signal one listener: no warning", async () => {
    const client = e2e.client();
    await Promise.all(Array.from({ length: 20 }, (_, i) => client.getToken({ scope: `s${i}` })));
    await Promise.all(Array.from({ length: 20 }, (_, i) => client.getToken({ scope: `t${i}` })));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
