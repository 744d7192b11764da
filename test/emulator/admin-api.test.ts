import { describe, expect, it, vi } from 'vitest';
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

describe.each(transports)('admin transactions and faults over %s', (transport) => {
  const h = useEmulator(transport);
  const clients = [{ id: 'backend', secret: 's3cret', allowedScope: 'accessRestricted' }];

  function call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(h.url(path), {
      method,
      headers: { authorization: basic('admin', 'admin'), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }
  const ids = () => h.emulator.clients().map((client) => client.id);
  const transactionPath = (id: number | string) =>
    `/mfpadmin/management-apis/2.0/runtimes/mfp/transactions/${id}`;

  it('?async=true answers PENDING; the list changes when a read of the transaction ends it', async () => {
    const res = await call('PUT', `${PATH}?async=true`, { clients });
    expect(res.status).toBe(200);
    const { transaction } = await res.json();
    expect(transaction).toMatchObject({ status: 'PENDING', type: 'UPLOAD_ARTIFACT', errors: [] });
    expect(ids()).toContain('test');
    const first = await (await call('GET', transactionPath(transaction.id))).json();
    expect(first).toMatchObject({ id: transaction.id, status: 'PENDING' });
    expect(ids()).toContain('test');
    const second = await (await call('GET', transactionPath(transaction.id))).json();
    expect(second).toMatchObject({
      id: transaction.id,
      status: 'SUCCESS',
      project: { name: 'mfp' },
    });
    expect(ids()).toEqual(['backend']);
  });

  it('setAdminTransactionReads sets how long a transaction stays PENDING (0, or forever)', async () => {
    h.emulator.setAdminTransactionReads(0);
    let { transaction } = await (await call('PUT', `${PATH}?async=true`, { clients })).json();
    expect((await (await call('GET', transactionPath(transaction.id))).json()).status).toBe(
      'SUCCESS',
    );
    h.emulator.setAdminTransactionReads(Number.POSITIVE_INFINITY);
    ({ transaction } = await (await call('PUT', `${PATH}?async=true`, { clients: [] })).json());
    for (let i = 0; i < 5; i++) {
      expect((await (await call('GET', transactionPath(transaction.id))).json()).status).toBe(
        'PENDING',
      );
    }
    expect(ids()).toEqual(['backend']);
    expect(() => h.emulator.setAdminTransactionReads(-1)).toThrow(RangeError);
    expect(() => h.emulator.setAdminTransactionReads(1.5)).toThrow(RangeError);
  });

  it('a synchronous write is a transaction too, SUCCESS when read back', async () => {
    const { transaction } = await (await call('PUT', PATH, { clients })).json();
    expect(await (await call('GET', transactionPath(transaction.id))).json()).toMatchObject({
      id: transaction.id,
      status: 'SUCCESS',
    });
  });

  it('answers 404 for an unknown transaction and 405 for another method', async () => {
    expect((await call('GET', transactionPath(99))).status).toBe(404);
    expect((await call('GET', transactionPath('abc'))).status).toBe(404);
    const res = await call('DELETE', transactionPath(1));
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET');
  });

  it('failNextAdminWrite fails a synchronous write with its status and details; the list stays', async () => {
    h.emulator.failNextAdminWrite({ details: 'the database is down', status: 503 });
    const res = await call('PUT', PATH, { clients });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      ok: false,
      transaction: { status: 'FAILURE', errors: [{ details: 'the database is down' }] },
    });
    expect(ids()).toContain('test');
    expect((await call('PUT', PATH, { clients })).status).toBe(200);
    expect(ids()).toEqual(['backend']);
  });

  it('failNextAdminWrite fails an asynchronous transaction when it ends; the list stays', async () => {
    h.emulator.failNextAdminWrite({ details: 'no such artifact' });
    h.emulator.setAdminTransactionReads(0);
    const { transaction } = await (await call('PUT', `${PATH}?async=true`, { clients })).json();
    expect(transaction.status).toBe('PENDING');
    expect(await (await call('GET', transactionPath(transaction.id))).json()).toMatchObject({
      status: 'FAILURE',
      errors: [{ details: 'no such artifact' }],
    });
    expect(ids()).toContain('test');
  });

  it('a bad body does not use up the queued fault', async () => {
    h.emulator.failNextAdminWrite({ details: 'later' });
    expect((await call('PUT', PATH, { clients: 'x' })).status).toBe(400);
    expect((await call('PUT', PATH, { clients })).status).toBe(500);
  });

  it('rejects bad faults', () => {
    expect(() => h.emulator.failNextAdminWrite({ details: '' })).toThrow(TypeError);
    expect(() => h.emulator.failNextAdminWrite({ details: 'x', status: 200 })).toThrow(RangeError);
    expect(() => h.emulator.onNextAdminRead('x' as never)).toThrow(TypeError);
  });

  it('onNextAdminRead runs after the next read of the list, which still shows the list before it', async () => {
    h.emulator.onNextAdminRead(() =>
      h.emulator.registerClient({ id: 'second', secret: 'writer', allowedScope: '' }),
    );
    const first = (await (await call('GET', PATH)).json()).clients.map((c: { id: string }) => c.id);
    expect(first).not.toContain('second');
    const again = (await (await call('GET', PATH)).json()).clients.map((c: { id: string }) => c.id);
    expect(again).toContain('second');
  });

  it('clearFaults forgets queued admin faults and hooks', async () => {
    const hook = vi.fn();
    h.emulator.onNextAdminRead(hook);
    h.emulator.failNextAdminWrite({ details: 'x' });
    h.emulator.setAdminTransactionReads(Number.POSITIVE_INFINITY);
    h.emulator.clearFaults();
    await call('GET', PATH);
    expect(hook).not.toHaveBeenCalled();
    expect((await call('PUT', PATH, { clients })).status).toBe(200);
    const { transaction } = await (await call('PUT', `${PATH}?async=true`, { clients })).json();
    await call('GET', transactionPath(transaction.id));
    expect((await (await call('GET', transactionPath(transaction.id))).json()).status).toBe(
      'SUCCESS',
    );
  });
});
