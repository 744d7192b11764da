import { isConfigurationError } from 'confidential-client';
import { describe, expect, it } from 'vitest';
import { AdminClient, type AdminClientOptions } from '../../src/mobilefirst/index.js';
import { isInvalidInputError } from '../../src/mobilefirst/invalid-input-error.js';
import { MFP, useEmulator } from '../helpers/emulator.js';
import { adminClient, recordingFetch } from './admin-harness.js';

const h = useEmulator();

/** Runs `call` with a recording client and returns its InvalidInputError (and what it sent). */
async function invalid(call: (admin: AdminClient) => Promise<unknown>) {
  const rec = recordingFetch();
  const error = await call(adminClient(MFP, { fetch: rec.fetch })).then(
    () => {
      throw new Error('expected an InvalidInputError');
    },
    (e: unknown) => e,
  );
  expect(isInvalidInputError(error)).toBe(true);
  return { error: error as Error & { field: string }, sent: rec.calls };
}

describe('a client is checked before anything is sent', () => {
  it.each([
    ['an empty id', { id: '', secret: 's', allowedScope: '' }, 'client.id'],
    ['a non-ASCII id', { id: 'café', secret: 's', allowedScope: '' }, 'client.id'],
    ['an id that is not a string', { id: 42, secret: 's', allowedScope: '' }, 'client.id'],
    [
      'an id with a colon (HTTP Basic)',
      { id: 'bad:id', secret: 's', allowedScope: '' },
      'client.id',
    ],
    ['an id with a trailing space', { id: 'bad ', secret: 's', allowedScope: '' }, 'client.id'],
    ['an empty secret', { id: 'a', secret: '', allowedScope: '' }, 'client.secret'],
    ['a non-ASCII secret', { id: 'a', secret: 'sécret', allowedScope: '' }, 'client.secret'],
    [
      'a control character in a secret',
      { id: 'a', secret: 's\n', allowedScope: '' },
      'client.secret',
    ],
    [
      'a display name that is not a string',
      { id: 'a', secret: 's', allowedScope: '', displayName: 5 },
      'client.displayName',
    ],
    [
      'an allowed scope that is not scope elements',
      { id: 'a', secret: 's', allowedScope: 42 },
      'client.allowedScope',
    ],
    [
      'a list element that is not a scope token',
      { id: 'a', secret: 's', allowedScope: ['ok', 'bad"quote'] },
      'client.allowedScope[1]',
    ],
    [
      'a string element that is not a scope token',
      { id: 'a', secret: 's', allowedScope: 'ok back\\slash' },
      'client.allowedScope',
    ],
    ['a key it does not know', { id: 'a', secret: 's', allowedScopes: 'x' }, 'client'],
    ['no object at all', null, 'client'],
  ])('refuses %s, naming the field', async (_, client, field) => {
    const { error, sent } = await invalid((admin) => admin.upsert(client as never));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/^confidential-client: `/);
    expect(sent).toEqual([]);
  });

  it('suggests the nearest key for a typo', async () => {
    const { error } = await invalid((admin) =>
      admin.upsert({ id: 'a', secret: 's', allowedScopes: 'x' } as never),
    );
    expect(error.message).toContain('did you mean "allowedScope"');
  });

  it('never shows the secret it refuses', async () => {
    const { error } = await invalid((admin) =>
      admin.upsert({ id: 'a', secret: 'sécret-do-not-show', allowedScope: '' }),
    );
    expect(error.message).not.toContain('sécret-do-not-show');
  });

  it('accepts wildcards, `*` alone and an empty allowed scope', async () => {
    const admin = adminClient(MFP);
    await admin.upsert({ id: 'a', secret: 's', allowedScope: ['push.*', '*.read*'] });
    await admin.upsert({ id: 'b', secret: 's', allowedScope: '*' });
    await admin.upsert({ id: 'c', secret: 's', allowedScope: [] });
    expect(
      h.emulator
        .clients()
        .slice(-3)
        .map((c) => c.allowedScope),
    ).toEqual(['*.read* push.*', '*', '']);
  });

  it('a new client needs a secret: found after the first read, nothing written', async () => {
    const { error, sent } = await invalid((admin) =>
      admin.upsert({ id: 'backend', allowedScope: 'a' }),
    );
    expect(error.field).toBe('client.secret');
    expect(error.message).toContain('"backend" is registered yet');
    expect(sent.filter((call) => call.startsWith('PUT'))).toEqual([]);
  });

  it.each([
    ['get', (admin: AdminClient) => admin.get('')],
    ['remove', (admin: AdminClient) => admin.remove('é')],
  ])('%s checks its id', async (_, call) => {
    const { error, sent } = await invalid(call);
    expect(error.field).toBe('id');
    expect(sent).toEqual([]);
  });

  it.each([
    [{ retries: -1 }, 'options.retries'],
    [{ retries: 11 }, 'options.retries'],
    [{ retries: 1.5 }, 'options.retries'],
    [{ force: 'yes' }, 'options.force'],
    [{ signal: 'no' }, 'options.signal'],
  ])('checks write options %o', async (options, field) => {
    const { error } = await invalid((admin) => admin.remove('test', options as never));
    expect(error.field).toBe(field);
  });
});

describe('MobileFirst’s internal admin and push clients', () => {
  it.each([
    [
      'upsert admin',
      (admin: AdminClient, o = {}) => admin.upsert({ id: 'admin', allowedScope: '*' }, o),
      'client.id',
    ],
    ['remove push', (admin: AdminClient, o = {}) => admin.remove('push', o), 'id'],
  ])('%s is refused without force, before any request', async (_, call, field) => {
    const { error, sent } = await invalid((admin) => call(admin));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/breaks push notifications.*force: true/);
    expect(sent).toEqual([]);
  });

  it('{ force: true } changes them', async () => {
    const admin = adminClient(MFP);
    await admin.upsert({ id: 'admin', allowedScope: 'narrow' }, { force: true });
    expect(await admin.remove('push', { force: true })).toBe(true);
    expect(h.emulator.clients().map((c) => [c.id, c.allowedScope])).toEqual([
      ['test', '*'],
      ['admin', 'narrow'],
    ]);
  });

  it('protectedClientIds names them where the JNDI settings chose other IDs', async () => {
    const admin = adminClient(MFP, { protectedClientIds: ['mfp-push'] });
    expect(await admin.remove('push')).toBe(true);
    await expect(admin.remove('mfp-push')).rejects.toMatchObject({ field: 'id' });
  });
});

describe('options are checked in the constructor', () => {
  const base: AdminClientOptions = { serverUrl: MFP, username: 'admin', password: 'pa55-word' };

  it.each([
    ['http: beyond loopback', { serverUrl: 'http://mfp.example.com' }, 'serverUrl'],
    ['a URL that is not one', { serverUrl: 'pa55-word' }, 'serverUrl'],
    ['another scheme', { serverUrl: 'ftp://mfp.example.com' }, 'serverUrl'],
    ['credentials in the URL', { serverUrl: 'https://u:p@mfp.example.com' }, 'serverUrl'],
    ['a query', { serverUrl: 'https://mfp.example.com/?x=1' }, 'serverUrl'],
    ['a runtime that is no path segment', { runtime: 'a/b' }, 'runtime'],
    ['no username', { username: '' }, 'username'],
    ['a username with a colon', { username: 'a:b' }, 'username'],
    ['no password', { password: undefined }, 'password'],
    ['a fetch that is not a function', { fetch: 'fetch' }, 'fetch'],
    ['a timeout of 0', { timeout: 0 }, 'timeout'],
    [
      'an infinite transactionTimeout',
      { transactionTimeout: Number.POSITIVE_INFINITY },
      'transactionTimeout',
    ],
    ['a pollInterval that is no number', { pollInterval: '1s' }, 'pollInterval'],
    ['async that is no boolean', { async: 'yes' }, 'async'],
    ['protectedClientIds that is no list', { protectedClientIds: 'push' }, 'protectedClientIds'],
    ['a misspelt key', { pasword: 'x' }, 'options'],
  ])('refuses %s, naming the option and never the password', (_, extra, option) => {
    let error: unknown;
    try {
      new AdminClient({ ...base, ...extra } as AdminClientOptions);
    } catch (e) {
      error = e;
    }
    expect(isConfigurationError(error)).toBe(true);
    expect(error).toMatchObject({ option });
    expect((error as Error).message).not.toContain('pa55-word');
  });

  it('allows http: beyond loopback with allowInsecureHttp, and https: anywhere', () => {
    expect(
      () =>
        new AdminClient({ ...base, serverUrl: 'http://mfp.example.com', allowInsecureHttp: true }),
    ).not.toThrow();
    expect(
      () => new AdminClient({ ...base, serverUrl: 'https://mfp.example.com/prefix/' }),
    ).not.toThrow();
  });

  it('a serverUrl with a path keeps it: the admin API is under it', async () => {
    const rec = recordingFetch();
    const admin = new AdminClient({ ...base, serverUrl: `${MFP}/prefix`, fetch: rec.fetch });
    await admin.list().catch(() => {});
    expect(rec.calls).toEqual([
      'GET /prefix/mfpadmin/management-apis/2.0/runtimes/mfp/confidentialclients',
    ]);
  });
});
