import { describe, expect, it, vi } from 'vitest';
import {
  ConfidentialClient,
  type ConfidentialClientOptions,
  isConfigurationError,
} from '../src/index.js';

const base = {
  serverUrl: 'https://mfp.example.com',
  clientId: 'svc',
  clientSecret: 'Secr3t!value',
};

function configError(options: unknown) {
  try {
    new ConfidentialClient(options as ConfidentialClientOptions);
  } catch (error) {
    return error as Error & { option: string };
  }
  throw new Error('expected a ConfigurationError');
}

describe('options', () => {
  it('builds the MobileFirst token URL from serverUrl and runtime', () => {
    expect(new ConfidentialClient(base).tokenUrl).toBe(
      'https://mfp.example.com/mfp/api/az/v1/token',
    );
    expect(
      new ConfidentialClient({ ...base, serverUrl: 'https://h/ctx/', runtime: 'prod' }).tokenUrl,
    ).toBe('https://h/ctx/prod/api/az/v1/token');
    expect(new ConfidentialClient({ ...base, serverUrl: new URL('https://h:9443') }).tokenUrl).toBe(
      'https://h:9443/mfp/api/az/v1/token',
    );
  });

  it('takes a full tokenUrl instead', () => {
    const { serverUrl: _, ...rest } = base;
    expect(
      new ConfidentialClient({ ...rest, tokenUrl: 'https://idp/oauth2/token?x=1' }).tokenUrl,
    ).toBe('https://idp/oauth2/token?x=1');
  });

  it.each([
    [{ ...base, serverUrl: undefined }, 'serverUrl'],
    [{ ...base, tokenUrl: 'https://x/token' }, 'tokenUrl'],
    [{ ...base, serverUrl: 'not a url' }, 'serverUrl'],
    [{ ...base, serverUrl: 'ftp://host' }, 'serverUrl'],
    [{ ...base, serverUrl: 'https://u:p@host' }, 'serverUrl'],
    [{ ...base, serverUrl: 'http://mfp.example.com' }, 'serverUrl'],
    [{ ...base, runtime: 'a/b' }, 'runtime'],
    [{ ...base, clientId: '' }, 'clientId'],
    [{ ...base, clientId: 42 }, 'clientId'],
    [{ ...base, clientId: 'café' }, 'clientId'],
    [{ ...base, clientSecret: undefined }, 'clientSecret'],
    [{ ...base, clientSecret: 'line\n' }, 'clientSecret'],
    [{ ...base, scope: 'ok bad"quote' }, 'scope'],
    [{ ...base, scope: [1] }, 'scope'],
    [{ ...base, clientAuthentication: 'private_key_jwt' }, 'privateKey'],
    [{ ...base, clientAuthentication: 'client_secret' }, 'clientAuthentication'],
    [{ ...base, basicAuthEncoding: 'utf8' }, 'basicAuthEncoding'],
    [{ ...base, clientId: 'a:b', basicAuthEncoding: 'plain' }, 'clientId'],
    [{ ...base, timeout: 0 }, 'timeout'],
    [{ ...base, timeout: Number.NaN }, 'timeout'],
    [{ ...base, retry: { retries: -1 } }, 'retry.retries'],
    [{ ...base, retry: { retries: 1.5 } }, 'retry.retries'],
    [{ ...base, retry: { minTimeout: 10, maxTimeout: 5 } }, 'retry.minTimeout'],
    [{ ...base, refresh: { refreshBefore: -1 } }, 'refresh.refreshBefore'],
    [{ ...base, refresh: { autoRefresh: 'yes' } }, 'refresh.autoRefresh'],
    [{ ...base, tokenParams: { scope: 'x' } }, 'tokenParams.scope'],
    [{ ...base, tokenParams: { audience: 1 } }, 'tokenParams.audience'],
    [{ ...base, logger: { info() {} } }, 'logger.debug'],
    [{ ...base, hooks: { onToken: 'x' } }, 'hooks.onToken'],
    [{ ...base, store: {} }, 'store'],
    [{ ...base, fetch: 'fetch' }, 'fetch'],
  ])('rejects %o naming %s', (options, option) => {
    const error = configError(options);
    expect(isConfigurationError(error)).toBe(true);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(/^confidential-client: option `/);
    expect(error.message).not.toContain('Secr3t!value');
  });

  it('never echoes a rejected secret', () => {
    const secret = 'hünter2-very-secret';
    const error = configError({ ...base, clientSecret: secret });
    expect(error.option).toBe('clientSecret');
    expect(`${error.message}${error.stack}${JSON.stringify(error)}`).not.toContain(secret);
  });

  it('allows http on loopback hosts, and elsewhere only when asked', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'api.localhost']) {
      expect(
        () => new ConfidentialClient({ ...base, serverUrl: `http://${host}:9080` }),
      ).not.toThrow();
    }
    expect(
      () =>
        new ConfidentialClient({
          ...base,
          serverUrl: 'http://mfp.internal',
          allowInsecureHttp: true,
        }),
    ).not.toThrow();
  });

  it('does not mutate the caller object', () => {
    const options = Object.freeze({
      ...base,
      scope: Object.freeze(['b', 'a']),
      retry: Object.freeze({ retries: 1 }),
      refresh: Object.freeze({}),
    });
    const copy = structuredClone(options);
    const client = new ConfidentialClient(options);
    expect(options).toEqual(copy);
    expect(client.scope).toEqual(['a', 'b']);
  });

  it.each([
    [{ clientSecrett: 'x' }, 'clientSecrett', 'did you mean `clientSecret`?'],
    [{ refreh: {} }, 'refreh', 'did you mean `refresh`?'],
    [
      { refresh: { autoRefersh: true } },
      'refresh.autoRefersh',
      'did you mean `refresh.autoRefresh`?',
    ],
    [{ retry: { retires: 1 } }, 'retry.retires', 'did you mean `retry.retries`?'],
    [
      { replay: { nonIdempotant: false } },
      'replay.nonIdempotant',
      'did you mean `replay.nonIdempotent`?',
    ],
    [{ hooks: { onErorr: () => {} } }, 'hooks.onErorr', 'did you mean `hooks.onError`?'],
    [{ xyzzy: 1 }, 'xyzzy', undefined],
  ])('rejects an unknown key %o, naming it and the nearest valid one', (extra, option, hint) => {
    const error = configError({ ...base, ...extra });
    expect(error.option).toBe(option);
    expect(error.message).toContain('is not a known option');
    if (hint === undefined) expect(error.message).not.toContain('did you mean');
    else expect(error.message).toContain(hint);
  });

  it('checks the fetch that will be used: an injected one works without a global fetch', async () => {
    const injected = async () =>
      Response.json({ access_token: 'injected', token_type: 'Bearer', expires_in: 60 });
    vi.stubGlobal('fetch', undefined);
    const client = new ConfidentialClient({ ...base, fetch: injected });
    await expect(client.getToken()).resolves.toMatchObject({ accessToken: 'injected' });
    expect(configError(base)).toMatchObject({
      option: 'fetch',
      message: expect.stringContaining('this runtime has no global fetch'),
    });
    expect(configError({ ...base, fetch: 'nope' })).toMatchObject({ option: 'fetch' });
  });

  it('never quotes a URL option that does not parse: it may be the secret (arguments swapped)', () => {
    const error = configError({
      ...base,
      serverUrl: base.clientSecret,
      clientSecret: base.serverUrl,
    });
    expect(error.option).toBe('serverUrl');
    expect(error.message).toContain('has no scheme');
    expect(error.message).not.toContain(base.clientSecret);
  });

  it('a bound left to its default gives way to the one the caller set; two set bounds must agree', () => {
    expect(() => new ConfidentialClient({ ...base, retry: { cooldown: 60_000 } })).not.toThrow();
    expect(() => new ConfidentialClient({ ...base, retry: { maxCooldown: 500 } })).not.toThrow();
    expect(() => new ConfidentialClient({ ...base, retry: { minTimeout: 10_000 } })).not.toThrow();
    expect(configError({ ...base, retry: { cooldown: 2_000, maxCooldown: 1_000 } })).toMatchObject({
      option: 'retry.cooldown',
      message: expect.stringContaining('must not exceed retry.maxCooldown'),
    });
  });
});
