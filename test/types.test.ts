import type { KyInstance, ResponsePromise } from 'ky';
import { describe, expectTypeOf, it } from 'vitest';
import type { IntrospectionResponse as FromDevServer } from '../src/dev-server/index.js';
import {
  type AccessToken,
  type AuthorizedKyInstance,
  type ClientStats,
  ConfidentialClient,
  type ConfidentialClientOptions,
  type DpopAlgorithm,
  type DpopOptions,
  InsufficientScopeError,
  isInsufficientScopeError,
  isTokenRequestError,
  type TokenStore,
} from '../src/index.js';
import type { IntrospectionResponse as FromTesting } from '../src/testing/index.js';

/** Type-checks `build` without running it (it would throw: these are the invalid cases). */
const compileOnly = (build: () => unknown): void => void build;

describe('public types', () => {
  const client = new ConfidentialClient({
    serverUrl: 'https://mfp.example.com',
    clientId: 'a',
    clientSecret: 'b',
  });

  it('getToken resolves with an AccessToken', () => {
    expectTypeOf(client.getToken).returns.resolves.toEqualTypeOf<AccessToken>();
    expectTypeOf<AccessToken['accessToken']>().toEqualTypeOf<string>();
    expectTypeOf<AccessToken['scope']>().toEqualTypeOf<readonly string[]>();
  });

  it('client.fetch can stand in for the global fetch', () => {
    const f: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> = client.fetch;
    expectTypeOf(f).toBeFunction();
    expectTypeOf(client.fetch).parameter(1).toMatchTypeOf<
      | (RequestInit & {
          scope?: string | readonly string[] | undefined;
          timeout?: number | undefined;
        })
      | undefined
    >();
    expectTypeOf(client.ky).toEqualTypeOf<AuthorizedKyInstance>();
    expectTypeOf(client.createKy({ scope: 'a' })).toEqualTypeOf<AuthorizedKyInstance>();
  });

  it('client.ky takes a scope per request and in extend, and stays a ky instance', () => {
    // Types only: nothing is sent.
    const ky = client.ky;
    expectTypeOf<ReturnType<typeof ky.get<unknown>>>().toEqualTypeOf<ResponsePromise<unknown>>();
    compileOnly(() => ky.get('https://x', { scope: 'a b' }));
    compileOnly(() => ky.post('https://x', { scope: ['a'], json: {} }));
    compileOnly(() => ky('https://x', { scope: 'a' }));
    expectTypeOf(ky.extend({ scope: 'a' })).toEqualTypeOf<AuthorizedKyInstance>();
    expectTypeOf(ky.extend((o) => ({ ...o, scope: 'b' }))).toEqualTypeOf<AuthorizedKyInstance>();
    const plain: KyInstance = ky;
    void plain;
    // @ts-expect-error a scope is a string or a list of strings
    compileOnly(() => ky.get('https://x', { scope: 42 }));
    // @ts-expect-error ky's own options are still checked
    compileOnly(() => ky.get('https://x', { retry: 'often' }));
  });

  it('the URL of the token endpoint: serverUrl or tokenUrl, exactly one', () => {
    const viaServer: ConfidentialClientOptions = {
      serverUrl: 'https://x',
      clientId: 'a',
      clientSecret: 'b',
    };
    const viaToken: ConfidentialClientOptions = {
      tokenUrl: 'https://x/t',
      clientId: 'a',
      clientSecret: 'b',
    };
    void viaServer;
    void viaToken;
    // @ts-expect-error neither serverUrl nor tokenUrl
    compileOnly(() => new ConfidentialClient({ clientId: 'a', clientSecret: 'b' }));
    // @ts-expect-error both serverUrl and tokenUrl
    const both: ConfidentialClientOptions = {
      serverUrl: 'https://x',
      tokenUrl: 'https://x/t',
      clientId: 'a',
      clientSecret: 'b',
    };
    // @ts-expect-error runtime goes with serverUrl only
    const runtimeWithTokenUrl: ConfidentialClientOptions = {
      tokenUrl: 'https://x/t',
      runtime: 'mfp',
      clientId: 'a',
      clientSecret: 'b',
    };
    void both;
    void runtimeWithTokenUrl;
  });

  it('typos in options are compile errors too', () => {
    const base = { serverUrl: 'https://x', clientId: 'a', clientSecret: 'b' } as const;
    compileOnly(
      () =>
        new ConfidentialClient({
          ...base,
          // @ts-expect-error refreh is not an option
          refreh: {},
        }),
    );
    compileOnly(
      () =>
        new ConfidentialClient({
          ...base,
          // @ts-expect-error autoRefersh is not a refresh option
          refresh: { autoRefersh: true },
        }),
    );
    // @ts-expect-error a scope is a string or a list of strings
    compileOnly(() => client.getToken({ scope: 42 }));
  });

  it('InsufficientScopeError is exported as a class', () => {
    const error = new InsufficientScopeError({
      requiredScope: ['a'],
      requestedScope: ['a', 'b'],
      resource: 'https://x/y',
      cause: undefined,
    });
    expectTypeOf(error.requiredScope).toEqualTypeOf<readonly string[]>();
    expectTypeOf(error.name).toEqualTypeOf<'InsufficientScopeError'>();
  });

  it('guards narrow unknown errors', () => {
    const error: unknown = undefined;
    if (isTokenRequestError(error)) {
      expectTypeOf(error.status).toEqualTypeOf<number>();
      expectTypeOf(error.error).toEqualTypeOf<string | undefined>();
    }
    if (isInsufficientScopeError(error))
      expectTypeOf(error.requiredScope).toEqualTypeOf<readonly string[]>();
  });

  it('options require credentials and accept a custom store', () => {
    // @ts-expect-error clientSecret is required
    const missing: ConfidentialClientOptions = { serverUrl: 'https://x', clientId: 'a' };
    void missing;
    expectTypeOf<ConfidentialClientOptions['store']>().toEqualTypeOf<TokenStore | undefined>();
    expectTypeOf(client.stats()).toEqualTypeOf<ClientStats>();
  });

  it('issuer, tokenUrl and serverUrl exclude each other; clientSecret and privateKey too', () => {
    const issuer: ConfidentialClientOptions = {
      issuer: 'https://idp.example.com',
      metadata: { issuer: 'https://idp.example.com', token_endpoint: 'https://idp.example.com/t' },
      clientId: 'a',
      privateKey: () => '-----BEGIN PRIVATE KEY-----',
      resource: ['https://api.example.com'],
    };
    // @ts-expect-error issuer and tokenUrl are exclusive
    const both: ConfidentialClientOptions = {
      issuer: 'https://i',
      tokenUrl: 'https://t',
      clientId: 'a',
      clientSecret: 's',
    };
    // @ts-expect-error metadata only with issuer
    const stray: ConfidentialClientOptions = {
      tokenUrl: 'https://t',
      metadata: { issuer: 'x', token_endpoint: 'y' },
      clientId: 'a',
      clientSecret: 's',
    };
    // @ts-expect-error a secret and a key are exclusive
    const twice: ConfidentialClientOptions = {
      tokenUrl: 'https://t',
      clientId: 'a',
      clientSecret: 's',
      privateKey: 'k',
    };
    const rotating: ConfidentialClientOptions = {
      serverUrl: 'https://x',
      clientId: 'a',
      clientSecret: async () => 's',
    };
    void [issuer, both, stray, twice, rotating];
    expectTypeOf(client.issuer).toEqualTypeOf<string | undefined>();
  });

  it('dpop: true, an alg, a key pair or a private JWK', () => {
    const base = { tokenUrl: 'https://as.example.com/token', clientId: 'a', clientSecret: 'b' };
    type Dpop = ConfidentialClientOptions['dpop'];
    expectTypeOf<true>().toMatchTypeOf<Dpop>();
    expectTypeOf<{ alg: 'EdDSA' }>().toMatchTypeOf<Dpop>();
    expectTypeOf<CryptoKeyPair>().toMatchTypeOf<Dpop>();
    expectTypeOf<{ privateKey: JsonWebKey; alg: DpopAlgorithm }>().toMatchTypeOf<Dpop>();
    expectTypeOf<DpopOptions['alg']>().toEqualTypeOf<DpopAlgorithm | undefined>();
    compileOnly(() => new ConfidentialClient({ ...base, dpop: { alg: 'ES384' } }));
    // A bare private JWK is typed as WebCrypto's JsonWebKey (every member optional, so that
    // `exportKey('jwk')` and jose's JWK fit): a wrong value compiles, and the constructor refuses
    // it with a ConfigurationError naming `dpop` (test/dpop.test.ts, test/dpop-keys.test.ts).
  });

  it('the emulator types are reachable from both emulator entries', () => {
    expectTypeOf<FromTesting>().toEqualTypeOf<FromDevServer>();
    expectTypeOf<FromTesting['active']>().toEqualTypeOf<boolean>();
  });
});
