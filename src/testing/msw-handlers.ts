/**
 * MSW request handlers that serve a {@link MobileFirstEmulator}, for tests that mock the network
 * at the `fetch` boundary (vitest, jest, browsers, any runtime MSW supports).
 *
 * @module
 * @see https://mswjs.io/docs/
 */

import { type HttpHandler, http } from 'msw';
import type { MobileFirstEmulator } from '../emulator/emulator.js';
import { assertKnownKeys, keysOf } from '../emulator/known-keys.js';

/** Options of {@link createMswHandlers}. */
export interface MswHandlersOptions {
  /**
   * Origin the emulated server answers on (scheme, host and port; no path).
   * @default 'http://localhost:9080'
   */
  readonly baseUrl?: string;
}

const MSW_HANDLERS_OPTION_KEYS = keysOf<MswHandlersOptions>({ baseUrl: true });

/**
 * MSW handlers routing every request for `baseUrl` to the emulator: the origin belongs to the
 * emulated server, and paths it does not serve answer 404 (a request that fell through would reach
 * the real network). To mock more paths on that origin, put your handlers first, add them with
 * `server.use(...)`, or protect them with {@link MobileFirstEmulator.protect}. A `drop` fault
 * makes `fetch` reject with a network error.
 *
 * @param emulator - The emulator to serve.
 * @param options - `{ baseUrl }`.
 * @returns Handlers for `setupServer(...)` or `setupWorker(...)`.
 * @throws TypeError if `baseUrl` is not an absolute http(s) URL without a path, or `options` holds
 *   a key it does not know.
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { MobileFirstEmulator, createMswHandlers } from 'confidential-client/testing';
 *
 * const emulator = new MobileFirstEmulator();
 * const server = setupServer(...createMswHandlers(emulator));
 * beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
 * afterAll(() => server.close());
 * ```
 */
export function createMswHandlers(
  emulator: MobileFirstEmulator,
  options: MswHandlersOptions = {},
): HttpHandler[] {
  if (typeof emulator?.handle !== 'function') {
    throw new TypeError('createMswHandlers(emulator): emulator must be a MobileFirstEmulator');
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createMswHandlers: options must be an object { baseUrl? }');
  }
  assertKnownKeys(options, MSW_HANDLERS_OPTION_KEYS, 'createMswHandlers: options');
  const baseUrl = options.baseUrl ?? 'http://localhost:9080';
  let origin: string;
  try {
    const url = new URL(baseUrl);
    if (!/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash) {
      throw new TypeError();
    }
    origin = url.origin;
  } catch {
    throw new TypeError(
      `createMswHandlers: baseUrl must be an http(s) origin such as "http://localhost:9080", got "${baseUrl}"`,
    );
  }
  return [
    http.all(`${origin}/*`, ({ request }) =>
      emulator.handle(request).catch((error: unknown) => {
        // Aborted during injected latency: `fetch` has rejected already, so nobody reads this
        // answer, and a rejection would make MSW log an "unhandled exception".
        if (request.signal.aborted) return Response.error();
        throw error;
      }),
    ),
  ];
}
