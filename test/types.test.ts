import type { KyInstance } from 'ky';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type AccessToken,
  type ClientStats,
  ConfidentialClient,
  type ConfidentialClientOptions,
  isInsufficientScopeError,
  isTokenRequestError,
  type TokenStore,
} from '../src/index.js';

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
    expectTypeOf(client.ky).toEqualTypeOf<KyInstance>();
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
});
