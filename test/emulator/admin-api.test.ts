import { describe, expect, it } from 'vitest';
import { MobileFirstEmulator } from '../../src/testing/index.js';
import { basic, requestToken, transports, useEmulator } from '../helpers/emulator-harness.js';

const PATH = '/mfpadmin/management-apis/2.0/runtimes/mfp/confidentialclients';

describe.each(transports)('admin API over %s', (transport) => {
  const h = useEmulator(transport);

  function admin(method: string, body?: unknown, auth = basic('admin', 'admin'), path = PATH) {
    return fetch(h.url(path), {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  }

  it('lists every client with its secret', async () => {
    const res = await admin('GET');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.productVersion).toEqual(expect.any(String));
    expect(body.clients).toEqual(
      expect.arrayContaining([
        { id: 'test', displayName: 'test', secret: 'test', allowedScope: '*' },
        { id: 'admin', displayName: 'admin', secret: 'nimda', allowedScope: '*' },
      ]),
    );
  });

  it('PUT replaces the whole list; new clients get tokens at once, removed ones do not', async () => {
    const clients = [{ id: 'backend', secret: 's3cret', allowedScope: 'accessRestricted' }];
    const res = await admin('PUT', { clients });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ok: true,
      productVersion: expect.any(String),
      transaction: { status: 'SUCCESS', type: 'UPLOAD_ARTIFACT', errors: [] },
    });
    expect(
      (await requestToken(h, { id: 'backend', secret: 's3cret', scope: 'accessRestricted' }))
        .status,
    ).toBe(200);
    expect((await requestToken(h, { id: 'test', secret: 'test' })).status).toBe(400);
    const list = await (await admin('GET')).json();
    expect(list.clients).toEqual([{ ...clients[0], displayName: 'backend' }]);
  });

  it('rejects a bad list with 400 and a FAILURE transaction, keeping the old list', async () => {
    for (const body of [
      '{not json',
      { clients: 'x' },
      { clients: [{ id: 'a', allowedScope: '' }] },
      {
        clients: [
          { id: 'a', secret: 's', allowedScope: '' },
          { id: 'a', secret: 't', allowedScope: '' },
        ],
      },
    ]) {
      const res = await admin('PUT', body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        ok: false,
        transaction: { status: 'FAILURE', errors: [{ details: expect.any(String) }] },
      });
    }
    expect((await requestToken(h, { id: 'test', secret: 'test' })).status).toBe(200);
  });

  it.each([
    ['no credentials', ''],
    ['wrong credentials', basic('admin', 'nope')],
    ['a confidential client instead of an administrator', basic('test', 'test')],
  ])('answers 401 with WWW-Authenticate: Basic for %s', async (_, auth) => {
    const res = await admin('GET', undefined, auth);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('answers 404 for another runtime and 405 for another method', async () => {
    const other = PATH.replace('/mfp/', '/nope/');
    expect((await admin('GET', undefined, basic('admin', 'admin'), other)).status).toBe(404);
    const res = await admin('DELETE');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, PUT');
  });
});

describe('configured administrator', () => {
  const h = useEmulator('msw', () => ({ administrator: { username: 'ops', password: 'pw' } }));

  it('accepts only the configured credentials', async () => {
    const get = (auth: string) => fetch(h.url(PATH), { headers: { authorization: auth } });
    expect((await get(basic('admin', 'admin'))).status).toBe(401);
    expect((await get(basic('ops', 'pw'))).status).toBe(200);
  });
});

describe('admin transaction IDs', () => {
  function put(emulator: MobileFirstEmulator, body: string): Promise<Response> {
    return emulator.handle(
      new Request(`http://x${emulator.adminPath}`, {
        method: 'PUT',
        headers: { authorization: basic('admin', 'admin'), 'content-type': 'application/json' },
        body,
      }),
    );
  }

  it('count 1, 2, 3… per emulator, whatever other emulators did', async () => {
    const list = JSON.stringify({ clients: [{ id: 'c', secret: 's', allowedScope: '*' }] });
    const first = new MobileFirstEmulator();
    const ids = async (emulator: MobileFirstEmulator, body: string) =>
      ((await (await put(emulator, body)).json()) as { transaction: { id: number } }).transaction
        .id;
    expect(await ids(first, list)).toBe(1);
    expect(await ids(first, 'not json')).toBe(2);
    const second = new MobileFirstEmulator();
    expect(await ids(second, list)).toBe(1);
    expect(await ids(first, list)).toBe(3);
  });
});
