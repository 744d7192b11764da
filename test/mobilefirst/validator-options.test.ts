import { describe, expect, it, vi } from 'vitest';
import { ConfidentialClient, isClientClosedError } from '../../src/index.js';
import {
  TokenValidator,
  type TokenValidatorOptions,
  validatorDefaults,
} from '../../src/mobilefirst/index.js';

const CREDENTIALS = { clientId: 'rs', clientSecret: 'rs-secret' };

function make(options: Record<string, unknown>): TokenValidator {
  return new TokenValidator(options as unknown as TokenValidatorOptions);
}

function configurationError(options: Record<string, unknown>): {
  name: string;
  option: string;
  message: string;
} {
  try {
    void make(options).close();
  } catch (error) {
    return error as { name: string; option: string; message: string };
  }
  throw new Error('expected a ConfigurationError');
}

describe('where introspection is', () => {
  it.each([
    ['http://localhost:9080', undefined, 'http://localhost:9080/mfp/api/az/v1/introspection'],
    ['https://mfp.example.com', 'prod', 'https://mfp.example.com/prod/api/az/v1/introspection'],
    [
      'https://mfp.example.com/base/',
      undefined,
      'https://mfp.example.com/base/mfp/api/az/v1/introspection',
    ],
  ])('serverUrl %s, runtime %s → %s', (serverUrl, runtime, expected) => {
    const validator = make({ serverUrl, ...(runtime ? { runtime } : {}), ...CREDENTIALS });
    expect(validator.introspectionUrl).toBe(expected);
    void validator.close();
  });

  it('derives it from a MobileFirst tokenUrl, dropping any query', () => {
    const validator = make({
      tokenUrl: 'https://mfp.example.com/mfp/api/az/v1/token?x=1',
      ...CREDENTIALS,
    });
    expect(validator.introspectionUrl).toBe('https://mfp.example.com/mfp/api/az/v1/introspection');
    void validator.close();
  });

  it('requires introspectionUrl for another token URL', () => {
    const error = configurationError({
      tokenUrl: 'https://idp.example.com/oauth2/token',
      ...CREDENTIALS,
    });
    expect(error).toMatchObject({ name: 'ConfigurationError', option: 'introspectionUrl' });
    expect(error.message).toContain('/az/v1/token');
    const validator = make({
      tokenUrl: 'https://idp.example.com/oauth2/token',
      introspectionUrl: new URL('https://idp.example.com/oauth2/introspect#frag'),
      ...CREDENTIALS,
    });
    expect(validator.introspectionUrl).toBe('https://idp.example.com/oauth2/introspect');
    void validator.close();
  });

  it.each([
    ['not a URL', 'introspect'],
    ['another scheme', 'ftp://mfp.example.com/introspect'],
    ['credentials in the URL', 'https://u:p@mfp.example.com/introspect'],
    ['http: on a non-loopback host', 'http://mfp.example.com/introspect'],
  ])('refuses %s', (_what, introspectionUrl) => {
    expect(
      configurationError({
        serverUrl: 'https://mfp.example.com',
        introspectionUrl,
        ...CREDENTIALS,
      }),
    ).toMatchObject({ option: 'introspectionUrl' });
  });

  it('allows http: on a non-loopback host with allowInsecureHttp, and on loopback always', () => {
    for (const options of [
      { introspectionUrl: 'http://mfp.example.com/i', allowInsecureHttp: true },
      { introspectionUrl: 'http://127.0.0.1:8080/i' },
    ]) {
      const validator = make({ serverUrl: 'https://mfp.example.com', ...CREDENTIALS, ...options });
      expect(validator.introspectionUrl).toBe(options.introspectionUrl);
      void validator.close();
    }
  });
});

describe('validator settings', () => {
  const base = { serverUrl: 'https://mfp.example.com', ...CREDENTIALS };

  it('has IBM’s defaults', () => {
    expect(validatorDefaults).toEqual({
      cacheSize: 50_000,
      maxCacheAge: Number.POSITIVE_INFINITY,
      introspectionTimeout: 10_000,
    });
    expect(Object.isFrozen(validatorDefaults)).toBe(true);
  });

  it.each([
    ['cacheSize', -1],
    ['cacheSize', 1.5],
    ['cacheSize', '10'],
    ['maxCacheAge', 0],
    ['maxCacheAge', Number.NaN],
    ['introspectionTimeout', Number.POSITIVE_INFINITY],
    ['introspectionTimeout', 0],
    ['now', 42],
    ['logger', { info() {} }],
  ])('refuses %s = %s', (option, value) => {
    expect(configurationError({ ...base, [option]: value })).toMatchObject({
      name: 'ConfigurationError',
      option,
    });
  });

  it('passes client options on to the client it makes, and rejects unknown ones', () => {
    const validator = make({ ...base, runtime: 'prod', cacheSize: 0 });
    expect(validator.client.tokenUrl).toBe('https://mfp.example.com/prod/api/az/v1/token');
    expect(validator.client.clientId).toBe('rs');
    void validator.close();
    expect(configurationError({ ...base, cacheSzie: 1 })).toMatchObject({
      name: 'ConfigurationError',
    });
  });

  it('takes a client, with only the validator’s own settings beside it', async () => {
    const client = new ConfidentialClient(base);
    const validator = make({ client, cacheSize: 10, logger: console, now: Date.now });
    expect(validator.client).toBe(client);
    expect(configurationError({ client, clientId: 'x' })).toMatchObject({ option: 'clientId' });
    expect(configurationError({ client, cacheSzie: 1 }).message).toContain(
      'did you mean "cacheSize"',
    );
    expect(configurationError({ client: { tokenUrl: 'x' } })).toMatchObject({ option: 'client' });
    await client.close();
  });

  it('never changes the options object', () => {
    const options = Object.freeze({ ...base, cacheSize: 5 });
    void make(options).close();
    expect(options).toEqual({ ...base, cacheSize: 5 });
  });

  it('closes the client it made when the options turn out wrong', () => {
    const close = vi.spyOn(ConfidentialClient.prototype, 'close');
    configurationError({ tokenUrl: 'https://idp.example.com/token', ...CREDENTIALS });
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('refuses no options at all', () => {
    expect(() => new TokenValidator(undefined as never)).toThrow(/`options` must be an object/);
  });

  it('leaves a given client open when the options turn out wrong', async () => {
    const client = new ConfidentialClient({
      tokenUrl: 'https://idp.example.com/token',
      ...CREDENTIALS,
    });
    const close = vi.spyOn(client, 'close');
    expect(configurationError({ client })).toMatchObject({ option: 'introspectionUrl' });
    expect(close).not.toHaveBeenCalled();
    await client.close();
  });

  it('refuses a protect() handler that is not a function', () => {
    const validator = make(base);
    expect(() => validator.protect('a', 'nope' as never)).toThrow(/handler/);
    void validator.close();
  });

  it('closes the client it made on close() and on asyncDispose', async () => {
    const validator = make(base);
    await validator[Symbol.asyncDispose]();
    await expect(
      validator.client.getToken({ scope: 'authorization.introspect' }),
    ).rejects.toSatisfy(isClientClosedError);
  });
});
