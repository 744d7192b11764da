// Credentials read from functions: at each token request, and once more after invalid_client.
import { inspect } from 'node:util';
import { exportPKCS8, generateKeyPair, jwtVerify } from 'jose';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { isConfigurationError, isTokenRequestError } from '../src/index.js';
import { CLIENT_ID, newClient, tokenResponse, useTokenServer } from './helpers/token-server.js';

const srv = useTokenServer();

/** A token endpoint that takes only `accepted()`, and echoes what it got in its error. */
function acceptOnly(accepted: () => string) {
  srv.respond(({ headers, form }) => {
    const basic = headers.get('authorization')?.slice(6) ?? '';
    const [, secret = ''] = Buffer.from(basic, 'base64').toString().split(':');
    const sent =
      decodeURIComponent(secret.replace(/\+/g, ' ')) || (form.get('client_secret') ?? '');
    if (sent === accepted()) return tokenResponse();
    return HttpResponse.json(
      { error: 'invalid_client', error_description: `bad secret ${sent}` },
      { status: 401 },
    );
  });
}

describe('a clientSecret function', () => {
  it('is read at each token request, so a rotated secret is used without a restart', async () => {
    let secret = 'first-secret-value';
    let reads = 0;
    acceptOnly(() => secret);
    const client = newClient({
      clientSecret: () => {
        reads++;
        return secret;
      },
    });
    await client.getToken();
    secret = 'second-secret-value';
    await client.getToken({ forceRefresh: true });
    expect(reads).toBe(2);
    expect(srv.count).toBe(2);
  });

  it('after invalid_client, is read once more and the request sent again when the value changed', async () => {
    let vault = 'old-secret-value';
    acceptOnly(() => 'new-secret-value');
    const client = newClient({
      clientSecret: async () => {
        const value = vault;
        vault = 'new-secret-value'; // rotated right after the first read
        return value;
      },
      clientAuthentication: 'client_secret_post',
    });
    await client.getToken();
    expect(srv.state.requests.map((r) => r.form.get('client_secret'))).toEqual([
      'old-secret-value',
      'new-secret-value',
    ]);
  });

  it('an unchanged value fails at once: one request, the error of the server', async () => {
    let reads = 0;
    acceptOnly(() => 'the-real-secret');
    const client = newClient({
      clientSecret: () => {
        reads++;
        return 'a-wrong-secret-value';
      },
      retry: false,
    });
    const error = await client.getToken().catch((e: unknown) => e);
    expect(isTokenRequestError(error) && error.error).toBe('invalid_client');
    expect(reads).toBe(2);
    expect(srv.count).toBe(1);
  });

  it('one retry only, even when every read gives another value', async () => {
    let n = 0;
    acceptOnly(() => 'never');
    const client = newClient({ clientSecret: () => `rotating-secret-${++n}`, retry: false });
    await expect(client.getToken()).rejects.toMatchObject({ error: 'invalid_client' });
    expect(srv.count).toBe(2);
  });

  it('a function that returns no usable secret fails with a ConfigurationError that does not show it', async () => {
    const client = newClient({ clientSecret: () => 'bad\nsecret-with-newline', retry: false });
    const error = await client.getToken().catch((e: unknown) => e);
    expect(isConfigurationError(error)).toBe(true);
    expect(error).toMatchObject({ option: 'clientSecret' });
    expect(String(error)).not.toContain('secret-with-newline');
    expect(srv.count).toBe(0);
  });

  it('the secrets read never appear in errors, logs, inspect or JSON', async () => {
    const lines: string[] = [];
    const log = (m: string, d?: unknown) => lines.push(m, inspect(d, { depth: 5 }));
    let n = 0;
    acceptOnly(() => 'never');
    const client = newClient({
      clientSecret: () => `rotated-secret:${++n} with spaces`,
      retry: false,
      logger: { debug: log, info: log, warn: log, error: log },
    });
    const error = await client.getToken().catch((e: unknown) => e);
    const seen = [
      ...lines,
      inspect(error, { depth: 5 }),
      JSON.stringify(error),
      String((error as Error).message),
      inspect(client),
      JSON.stringify(client),
    ].join('\n');
    expect(seen).toContain('bad secret');
    for (const i of [1, 2]) {
      expect(seen).not.toContain(`rotated-secret:${i}`);
      expect(seen).not.toContain(encodeURIComponent(`rotated-secret:${i} with spaces`));
    }
  });
});

describe('a privateKey function', () => {
  it('is read at each request and once more after invalid_client', async () => {
    const old = await generateKeyPair('ES256', { extractable: true });
    const next = await generateKeyPair('ES256', { extractable: true });
    let current = old;
    srv.respond(async ({ form }) => {
      try {
        await jwtVerify(form.get('client_assertion') ?? '', next.publicKey);
        return tokenResponse();
      } catch {
        return HttpResponse.json({ error: 'invalid_client' }, { status: 400 });
      }
    });
    const client = newClient({
      clientSecret: undefined,
      privateKey: async () => {
        const pem = await exportPKCS8(current.privateKey);
        current = next;
        return pem;
      },
    });
    const token = await client.getToken();
    expect(token.accessToken).toBeTruthy();
    expect(srv.count).toBe(2);
    expect(srv.state.requests[1]?.form.get('client_id')).toBe(CLIENT_ID);
  });
});
