import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import {
  createMswHandlers,
  type DevServer,
  MobileFirstEmulator,
  type MobileFirstEmulatorOptions,
  startDevServer,
} from '../../src/testing/index.js';

/** The two ways the emulator is served: MSW in-process, or a real HTTP dev server. */
export const transports = ['msw', 'http'] as const;
export type Transport = (typeof transports)[number];

/** Base URL of the emulator under MSW. */
export const MSW_BASE_URL = 'http://mfp.test:9080';

/** Fixed start of the emulator's clock in tests. */
export const T0 = Date.UTC(2026, 0, 1);

export interface Harness {
  /** The emulator behind the current test. */
  readonly emulator: MobileFirstEmulator;
  /** Absolute URL of a path on the emulated server. */
  url(path: string): string;
}

/**
 * Registers hooks that give each test a fresh emulator (clock fixed at {@link T0}) served over
 * `transport`.
 */
export function useEmulator(
  transport: Transport,
  options: () => MobileFirstEmulatorOptions = () => ({}),
): Harness {
  let emulator: MobileFirstEmulator | undefined;
  let baseUrl = MSW_BASE_URL;
  let dev: DevServer | undefined;
  const msw = transport === 'msw' ? setupServer() : undefined;

  if (msw) {
    beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
    afterAll(() => msw.close());
  }
  beforeEach(async () => {
    emulator = new MobileFirstEmulator({ now: () => T0, ...options() });
    if (msw) {
      msw.resetHandlers(...createMswHandlers(emulator, { baseUrl: MSW_BASE_URL }));
    } else {
      dev = await startDevServer({ emulator });
      baseUrl = dev.url;
    }
  });
  afterEach(async () => {
    await dev?.close();
    dev = undefined;
  });
  return {
    get emulator() {
      if (!emulator) throw new Error('the harness emulator exists only inside a test');
      return emulator;
    },
    url: (path) => `${baseUrl}${path}`,
  };
}

/** `Authorization: Basic` for an ID and secret. */
export function basic(id: string, secret: string): string {
  return `Basic ${btoa(`${id}:${secret}`)}`;
}

/** Posts a client-credentials token request. */
export function requestToken(
  h: Harness,
  init: {
    id?: string;
    secret?: string;
    scope?: string;
    form?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
): Promise<Response> {
  const { id = 'test', secret = 'test', scope, form = { grant_type: 'client_credentials' } } = init;
  const body = new URLSearchParams(form);
  if (scope !== undefined) body.set('scope', scope);
  return fetch(h.url(h.emulator.tokenPath), {
    method: 'POST',
    headers: {
      authorization: basic(id, secret),
      'content-type': 'application/x-www-form-urlencoded',
      ...init.headers,
    },
    body,
  });
}

/** Gets an access token or fails the test. */
export async function getToken(
  h: Harness,
  init: { id?: string; secret?: string; scope?: string } = {},
): Promise<string> {
  const res = await requestToken(h, init);
  if (res.status !== 200)
    throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Calls a path with a Bearer token (or none). */
export function callWithToken(
  h: Harness,
  path: string,
  token: string | undefined,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  return fetch(h.url(path), { ...init, headers });
}
