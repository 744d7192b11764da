import { type SetupServer, setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { ConfidentialClient, type ConfidentialClientOptions } from '../../src/index.js';
import {
  createMswHandlers,
  type DevServer,
  MobileFirstEmulator,
  type MobileFirstEmulatorOptions,
  startDevServer,
} from '../../src/testing/index.js';
import type { TestClientOptions } from './token-server.js';

/** The two ways the emulator is served: MSW in-process, or a real HTTP dev server. */
export const transports = ['msw', 'http'] as const;
export type Transport = (typeof transports)[number];

/** Base URL of the emulator under MSW. */
export const MSW_BASE_URL = 'http://mfp.test:9080';

/** Fixed start of the emulator's clock in tests. */
export const T0 = Date.UTC(2026, 0, 1);

/** How {@link serveEmulator} serves the emulator of a test file. */
export interface ServeEmulatorOptions {
  readonly transport: Transport;
  /** `test`: a fresh emulator (and dev server) per test; `file`: one for the whole file. */
  readonly lifetime: 'test' | 'file';
  /** Origin of the MSW handlers (`msw` only). @default MSW_BASE_URL */
  readonly mswBaseUrl?: string;
  /** Options of each emulator. */
  readonly options?: () => MobileFirstEmulatorOptions;
}

/** An emulator served for the tests of a file; every getter works inside a test only. */
export interface ServedEmulator {
  /** The emulator behind the current test. */
  readonly emulator: MobileFirstEmulator;
  /** Base URL of the emulated server, without a trailing slash. */
  readonly baseUrl: string;
  /** The MSW server (`msw` only), to add handlers with `use(...)`. */
  readonly msw: SetupServer;
  /** The dev server (`http` only). */
  readonly dev: DevServer;
}

function inTest<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the ${what} exists only inside a test`);
  return value;
}

/**
 * The one place the tests start an emulator: registers the hooks that create it and serve it over
 * `transport` (MSW handlers on `mswBaseUrl`, unhandled requests an error; or a dev server on a
 * free loopback port), and stop it.
 */
export function serveEmulator(serve: ServeEmulatorOptions): ServedEmulator {
  const { transport, lifetime, mswBaseUrl = MSW_BASE_URL, options = () => ({}) } = serve;
  let emulator: MobileFirstEmulator | undefined;
  let dev: DevServer | undefined;
  const msw = transport === 'msw' ? setupServer() : undefined;

  const start = async (): Promise<void> => {
    emulator = new MobileFirstEmulator(options());
    if (msw) msw.resetHandlers(...createMswHandlers(emulator, { baseUrl: mswBaseUrl }));
    else dev = await startDevServer({ emulator });
  };
  const stop = async (): Promise<void> => {
    await dev?.close();
    dev = undefined;
  };
  if (msw) {
    beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
    afterAll(() => msw.close());
  }
  if (lifetime === 'test') {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }
  return {
    get emulator() {
      return inTest(emulator, 'served emulator');
    },
    get baseUrl() {
      return msw ? mswBaseUrl : inTest(dev, 'dev server').url;
    },
    get msw() {
      return inTest(msw, 'MSW server (transport msw)');
    },
    get dev() {
      return inTest(dev, 'dev server (transport http)');
    },
  };
}

/**
 * A factory of `ConfidentialClient`s for the DevKit's `test`/`test` client (by default) on
 * `serverUrl()`; `closeAll` closes those a test made.
 */
export function testClients(serverUrl: () => string) {
  const clients: ConfidentialClient[] = [];
  return {
    client(extra: TestClientOptions = {}): ConfidentialClient {
      const client = new ConfidentialClient({
        serverUrl: serverUrl(),
        clientId: 'test',
        clientSecret: 'test',
        ...extra,
      } as ConfidentialClientOptions);
      clients.push(client);
      return client;
    },
    async closeAll(): Promise<void> {
      await Promise.all(clients.splice(0).map((client) => client.close()));
    },
  };
}

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
  const served = serveEmulator({
    transport,
    lifetime: 'test',
    options: () => ({ now: () => T0, ...options() }),
  });
  return {
    get emulator() {
      return served.emulator;
    },
    url: (path) => `${served.baseUrl}${path}`,
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
