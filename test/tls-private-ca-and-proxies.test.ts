/**
 * TLS over real sockets: a server whose certificate a private CA signed (the HTTPS dev server),
 * reached with the CA passed as an undici dispatcher or through the `fetch` option, and through a
 * corporate proxy (a loopback CONNECT proxy that counts its tunnels).
 */
import { Agent as HttpsAgent } from 'node:https';
import { Agent, EnvHttpProxyAgent, ProxyAgent, fetch as undiciFetch } from 'undici';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ClientOptions,
  ConfidentialClient,
  type DispatcherLike,
  isNetworkError,
} from '../src/index.js';
import { startDevServer } from '../src/testing/index.js';
import { type ConnectProxy, startConnectProxy } from './helpers/connect-proxy.js';
import { makeCa, makeServerCert } from './helpers/tls.js';

const SAMPLE = '/mfp/api/adapters/sample/resource';
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** Closed after the test, in reverse order of creation. */
function later<T extends { close(): Promise<unknown> }>(value: T): T {
  closers.push(() => value.close());
  return value;
}

async function httpsDevServer() {
  return later(await startDevServer({ https: true }));
}

function client(url: string, options: Partial<Omit<ClientOptions, 'clientAuthentication'>> = {}) {
  return later(
    new ConfidentialClient({ serverUrl: url, clientId: 'test', clientSecret: 'test', ...options }),
  );
}

async function proxy(options?: { authorization?: string }): Promise<ConnectProxy> {
  return later(await startConnectProxy(options));
}

describe('a server with a private CA', () => {
  it('fails without the CA: a NetworkError naming the TLS cause, and no retries', async () => {
    const server = await httpsDevServer();
    const c = client(server.url);
    const error = await c.getToken().catch((e: unknown) => e);
    expect(isNetworkError(error)).toBe(true);
    expect(error).toMatchObject({
      causeCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      url: `${server.url}/mfp/api/az/v1/token`,
    });
    expect((error as Error).message).toContain('unable to verify the first certificate');
    expect((error as Error).message).toContain('for a private CA, pass it');
    // A certificate the runtime refuses is refused again: one attempt, not four.
    expect(c.stats()).toMatchObject({ tokenRequests: 1, retries: 0 });
  });

  it('fails at once for a certificate of another host name, saying so', async () => {
    const ca = await makeCa();
    const { cert, key } = await makeServerCert(ca); // localhost, 127.0.0.1, ::1
    const server = later(
      await startDevServer({ host: '127.0.0.2', https: { cert, key, ca: ca.cert } }),
    );
    const dispatcher = later(new Agent({ connect: { ca: ca.cert } }));
    const c = client(server.url, { dispatcher });
    const error = await c.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'NetworkError',
      causeCode: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    expect((error as Error).message).toContain('is not for this host name');
    expect(c.stats()).toMatchObject({ tokenRequests: 1, retries: 0 });
  });

  it('succeeds with the CA in a dispatcher, for the token and the resource', async () => {
    const server = await httpsDevServer();
    const dispatcher = later(new Agent({ connect: { ca: server.ca as string } }));
    const c = client(server.url, { dispatcher });
    const res = await c.fetch(`${server.url}${SAMPLE}`);
    expect(res.status).toBe(200);
    expect(server.emulator.counters().tokenRequests).toBe(2); // default scope, then after the 403
  });

  it('succeeds with a certificate from a CA of its own (made by another library)', async () => {
    const ca = await makeCa('Acme Corp Root CA');
    const { cert, key } = await makeServerCert(ca);
    const server = later(await startDevServer({ https: { cert, key, ca: ca.cert } }));
    const dispatcher = later(new Agent({ connect: { ca: ca.cert } }));
    expect((await client(server.url, { dispatcher }).getToken()).tokenType).toBe('Bearer');
  });

  it('succeeds with the CA through the fetch option (undici fetch, or a wrapper)', async () => {
    const server = await httpsDevServer();
    const dispatcher = later(new Agent({ connect: { ca: server.ca as string } }));
    const wrapped: typeof fetch = (input, init) =>
      fetch(input, { ...init, dispatcher } as RequestInit);
    expect(
      (await client(server.url, { fetch: wrapped }).fetch(`${server.url}${SAMPLE}`)).status,
    ).toBe(200);
    const viaUndici = ((input: RequestInfo | URL, init?: RequestInit) =>
      undiciFetch(input as string, { ...init, dispatcher } as never)) as unknown as typeof fetch;
    expect((await client(server.url, { fetch: viaUndici }).getToken()).tokenType).toBe('Bearer');
  });

  it("lets a request's own init.dispatcher win over the option", async () => {
    const server = await httpsDevServer();
    const trusting = later(new Agent({ connect: { ca: server.ca as string } }));
    const counted = { dispatches: 0 };
    const counting = {
      dispatch: (...args: Parameters<Agent['dispatch']>) => {
        counted.dispatches++;
        return trusting.dispatch(...args);
      },
    };
    const c = client(server.url, { dispatcher: counting, scope: 'accessRestricted' });
    await c.getToken();
    expect(counted.dispatches).toBe(1);
    const untrusting = later(new Agent());
    await expect(
      c.fetch(`${server.url}${SAMPLE}`, { dispatcher: untrusting } as RequestInit),
    ).rejects.toThrow(TypeError); // fetch failed: this request's dispatcher has no CA
    expect(counted.dispatches).toBe(1);
  });

  it('types: undici dispatchers fit the option, a node:https Agent does not', () => {
    expectTypeOf<Agent>().toExtend<DispatcherLike>();
    expectTypeOf<ProxyAgent>().toExtend<DispatcherLike>();
    expectTypeOf<EnvHttpProxyAgent>().toExtend<DispatcherLike>();
    expectTypeOf<HttpsAgent>().not.toExtend<DispatcherLike>();
    expectTypeOf<ClientOptions['dispatcher']>().toEqualTypeOf<
      DispatcherLike | (() => DispatcherLike | Promise<DispatcherLike>) | undefined
    >();
  });

  it('refuses a dispatcher that is not an undici one, and a typo of the key', () => {
    const base = { serverUrl: 'https://mfp.example.com', clientId: 'a', clientSecret: 'b' };
    const wrong = () => new ConfidentialClient({ ...base, dispatcher: new HttpsAgent() as never });
    expect(wrong).toThrow(
      /option `dispatcher` must be an undici Dispatcher .*node:http\(s\) Agent/,
    );
    expect(() => new ConfidentialClient({ ...base, dispatcher: {} as never })).toThrow(
      expect.objectContaining({ option: 'dispatcher' }),
    );
    const typo = () => new ConfidentialClient({ ...base, dispatchr: new Agent() } as never);
    expect(typo).toThrow(/did you mean `dispatcher`/);
    expect(typo).toThrow(
      expect.objectContaining({ name: 'ConfigurationError', option: 'dispatchr' }),
    );
  });
});

describe('a corporate proxy', () => {
  it('tunnels token and resource requests through ProxyAgent, with the CA for the target', async () => {
    const server = await httpsDevServer();
    const p = await proxy();
    const dispatcher = later(
      new ProxyAgent({ uri: p.url, requestTls: { ca: server.ca as string } }),
    );
    const res = await client(server.url, { dispatcher }).fetch(`${server.url}${SAMPLE}`);
    expect(res.status).toBe(200);
    expect(p.tunnels.length).toBeGreaterThanOrEqual(1); // kept alive: one tunnel may serve all
    expect(new Set(p.tunnels)).toEqual(new Set([`127.0.0.1:${server.port}`]));
    expect(server.emulator.counters().tokenRequests).toBe(2);
  });

  it('sends the proxy credentials, and fails with a NetworkError on 407 without them', async () => {
    const server = await httpsDevServer();
    const authorization = `Basic ${btoa('proxyuser:proxypass')}`;
    const p = await proxy({ authorization });
    const requestTls = { ca: server.ca as string };
    const withCredentials = later(new ProxyAgent({ uri: p.url, token: authorization, requestTls }));
    expect((await client(server.url, { dispatcher: withCredentials }).getToken()).tokenType).toBe(
      'Bearer',
    );
    expect(p.authorizations).toEqual([authorization]);

    const without = later(new ProxyAgent({ uri: p.url, requestTls }));
    const error = await client(server.url, { dispatcher: without, retry: false })
      .getToken()
      .catch((e: unknown) => e);
    expect(isNetworkError(error)).toBe(true);
    expect((error as Error).message).toMatch(/407/);
    expect(server.emulator.counters().tokenRequests).toBe(1);
  });

  it('EnvHttpProxyAgent: HTTPS_PROXY tunnels, NO_PROXY goes direct', async () => {
    const server = await httpsDevServer();
    const p = await proxy();
    const requestTls = { ca: server.ca as string };
    const connect = { ca: server.ca as string };
    const proxied = later(new EnvHttpProxyAgent({ httpsProxy: p.url, requestTls, connect }));
    expect((await client(server.url, { dispatcher: proxied }).getToken()).tokenType).toBe('Bearer');
    expect(p.tunnels).toHaveLength(1);

    const direct = later(
      new EnvHttpProxyAgent({ httpsProxy: p.url, noProxy: '127.0.0.1', requestTls, connect }),
    );
    expect((await client(server.url, { dispatcher: direct }).getToken()).tokenType).toBe('Bearer');
    expect(p.tunnels).toHaveLength(1);
    expect(server.emulator.counters().tokenRequests).toBe(2);
  });
});
