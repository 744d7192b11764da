import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  type AdminClient,
  type AdminClientOptions,
  ConfidentialClientEntry,
  type UpsertResult,
} from '../../src/mobilefirst/index.js';
import { MFP, useEmulator } from '../helpers/emulator.js';
import { adminClient, CLIENTS_PATH, recordingFetch } from './admin-harness.js';

const h = useEmulator();
afterEach(() => {
  vi.useRealTimers();
});

describe('list and get', () => {
  it('list() reads every client as entries: camelCase, allowed scope as elements, secret readable', async () => {
    h.emulator.registerClient({ id: 'backend', secret: 's3cret', allowedScope: 'b.read a.write' });
    const list = await adminClient(MFP).list();
    expect(list.map((entry) => entry.id)).toEqual(['test', 'admin', 'push', 'backend']);
    const backend = list[3]!;
    expect(backend).toBeInstanceOf(ConfidentialClientEntry);
    expect(backend).toMatchObject({
      id: 'backend',
      displayName: 'backend',
      allowedScope: ['a.write', 'b.read'],
    });
    expect(backend.secret).toBe('s3cret');
  });

  it('get(id) finds one client, or undefined', async () => {
    const admin = adminClient(MFP);
    expect((await admin.get('push'))?.secret).toBe('hsup');
    expect(await admin.get('nobody')).toBeUndefined();
  });
});

describe('upsert', () => {
  it('creates a client that can get a token for its allowed scope at once', async () => {
    const rec = recordingFetch();
    const result = await adminClient(MFP, { fetch: rec.fetch }).upsert({
      id: 'backend',
      secret: 's3cret',
      allowedScope: ['accessRestricted', 'push.*'],
    });
    expect(result.action).toBe('created');
    expect(result.client).toMatchObject({ id: 'backend', displayName: 'backend' });
    expect(h.emulator.clients().at(-1)).toEqual({
      id: 'backend',
      displayName: 'backend',
      secret: 's3cret',
      allowedScope: 'accessRestricted push.*',
    });
    expect(rec.calls).toEqual([
      `GET ${CLIENTS_PATH}`,
      `GET ${CLIENTS_PATH}`,
      `PUT ${CLIENTS_PATH}`,
    ]);
    const client = h.client({ clientId: 'backend', clientSecret: 's3cret' });
    expect((await client.getToken({ scope: 'accessRestricted push.app' })).scope).toEqual([
      'accessRestricted',
      'push.app',
    ]);
  });

  it('changes a client in place, keeping the other clients and the list order', async () => {
    const before = h.emulator.clients().map((c) => c.id);
    const { action } = await adminClient(MFP).upsert(
      {
        id: 'admin',
        secret: 'new',
        allowedScope: '*',
        displayName: 'Admin service',
      },
      { force: true },
    );
    expect(action).toBe('updated');
    const after = h.emulator.clients();
    expect(after.map((c) => c.id)).toEqual(before);
    expect(after[1]).toEqual({
      id: 'admin',
      displayName: 'Admin service',
      secret: 'new',
      allowedScope: '*',
    });
    expect(after[0]).toEqual({
      id: 'test',
      displayName: 'test',
      secret: 'test',
      allowedScope: '*',
    });
  });

  it('keeps the current secret and display name when they are left out (a spread entry has no secret)', async () => {
    h.emulator.registerClient({
      id: 'backend',
      displayName: 'Back end',
      secret: 's3cret',
      allowedScope: 'a',
    });
    const admin = adminClient(MFP);
    const entry = (await admin.get('backend'))!;
    const { action, client } = await admin.upsert({ ...entry, allowedScope: ['a', 'b'] });
    expect(action).toBe('updated');
    expect(client.secret).toBe('s3cret');
    expect(h.emulator.clients().at(-1)).toEqual({
      id: 'backend',
      displayName: 'Back end',
      secret: 's3cret',
      allowedScope: 'a b',
    });
  });

  it('writes nothing when the client is already so (scope order does not count)', async () => {
    h.emulator.registerClient({ id: 'backend', secret: 's3cret', allowedScope: 'b a' });
    const rec = recordingFetch();
    const result = await adminClient(MFP, { fetch: rec.fetch }).upsert({
      id: 'backend',
      secret: 's3cret',
      allowedScope: 'a b',
    });
    expect(result.action).toBe('unchanged');
    expect(rec.writes()).toEqual([]);
  });

  it('keeps fields it does not know, of every client, in the list it writes back', async () => {
    const written: unknown[] = [];
    h.server.use(
      http.get(`${MFP}${CLIENTS_PATH}`, async ({ request }) => {
        const body = await (await h.emulator.handle(request)).json();
        for (const client of body.clients) client.grantTypes = { kept: [client.id] };
        return HttpResponse.json({ ...body, newTopLevel: true });
      }),
      http.put(`${MFP}${CLIENTS_PATH}`, async ({ request }) => {
        written.push(await request.clone().json());
        return h.emulator.handle(request);
      }),
    );
    await adminClient(MFP).upsert({ id: 'test', allowedScope: 'accessRestricted' });
    expect(written).toHaveLength(1);
    const { clients } = written[0] as { clients: Record<string, unknown>[] };
    expect(clients.map((c) => c.grantTypes)).toEqual([
      { kept: ['test'] },
      { kept: ['admin'] },
      { kept: ['push'] },
    ]);
    expect(clients[0]).toMatchObject({
      id: 'test',
      secret: 'test',
      allowedScope: 'accessRestricted',
    });
  });
});

describe('remove', () => {
  it('removes a client, which can get no token afterwards', async () => {
    h.emulator.registerClient({ id: 'backend', secret: 's3cret', allowedScope: '*' });
    expect(await adminClient(MFP).remove('backend')).toBe(true);
    expect(h.emulator.clients().map((c) => c.id)).toEqual(['test', 'admin', 'push']);
    const client = h.client({ clientId: 'backend', clientSecret: 's3cret', retry: { retries: 0 } });
    await expect(client.getToken()).rejects.toMatchObject({ name: 'TokenRequestError' });
  });

  it('answers false and writes nothing for an unknown ID', async () => {
    const rec = recordingFetch();
    expect(await adminClient(MFP, { fetch: rec.fetch }).remove('nobody')).toBe(false);
    expect(rec.writes()).toEqual([]);
  });
});

describe('transactions', () => {
  it('async: true writes with ?async=true and follows the transaction until it ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    h.emulator.setAdminTransactionReads(2);
    const rec = recordingFetch();
    const done = adminClient(MFP, { fetch: rec.fetch, async: true, pollInterval: 500 }).upsert({
      id: 'backend',
      secret: 's3cret',
      allowedScope: 'a',
    });
    await vi.advanceTimersByTimeAsync(400);
    expect(h.emulator.clients().map((c) => c.id)).not.toContain('backend');
    await vi.advanceTimersByTimeAsync(2000);
    await expect(done).resolves.toMatchObject({ action: 'created' });
    expect(h.emulator.clients().map((c) => c.id)).toContain('backend');
    const tx = '/mfpadmin/management-apis/2.0/runtimes/mfp/transactions/1';
    expect(rec.calls.slice(2)).toEqual([
      `PUT ${CLIENTS_PATH}?async=true`,
      `GET ${tx}`,
      `GET ${tx}`,
      `GET ${tx}`,
    ]);
  });

  it('a synchronous write sends no ?async and reads no transaction', async () => {
    const rec = recordingFetch();
    await adminClient(MFP, { fetch: rec.fetch }).remove('test');
    expect(rec.writes()).toEqual([`PUT ${CLIENTS_PATH}`]);
    expect(rec.calls.filter((c) => c.includes('/transactions/'))).toEqual([]);
  });

  it('follows a transaction a synchronous PUT answers as not ended, too', async () => {
    h.server.use(
      http.put(`${MFP}${CLIENTS_PATH}`, async ({ request }) => {
        const url = new URL(request.url);
        url.searchParams.set('async', 'true');
        return h.emulator.handle(new Request(url, request));
      }),
    );
    h.emulator.setAdminTransactionReads(0);
    await adminClient(MFP, { pollInterval: 1 }).remove('test');
    expect(h.emulator.clients().map((c) => c.id)).toEqual(['admin', 'push']);
  });
});

describe('fetch', () => {
  it('uses the global fetch as it is at call time (a mock installed after the client was made)', async () => {
    const admin = adminClient(MFP);
    const stub = vi.fn(async () => Response.json({ clients: [], productVersion: '8.0' }));
    vi.stubGlobal('fetch', stub);
    expect(await admin.list()).toEqual([]);
    expect(stub).toHaveBeenCalledOnce();
    const [url, init] = stub.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`${MFP}${CLIENTS_PATH}`);
    expect(new Headers(init.headers).get('authorization')).toBe(`Basic ${btoa('admin:admin')}`);
  });
  it('encodes a non-ASCII password as UTF-8 in the Basic header (RFC 7617)', async () => {
    const stub = vi.fn(async () => Response.json({ clients: [] }));
    await adminClient(MFP, { password: 'pässwörd', fetch: stub }).list();
    const [, init] = stub.mock.calls[0] as unknown as [string, RequestInit];
    expect(new Headers(init.headers).get('authorization')).toBe(
      `Basic ${Buffer.from('admin:pässwörd', 'utf8').toString('base64')}`,
    );
  });
});

describe('public types', () => {
  it('types the calls and their results', () => {
    expectTypeOf<AdminClient['list']>().returns.resolves.toEqualTypeOf<ConfidentialClientEntry[]>();
    expectTypeOf<AdminClient['get']>().returns.resolves.toEqualTypeOf<
      ConfidentialClientEntry | undefined
    >();
    expectTypeOf<AdminClient['upsert']>().returns.resolves.toEqualTypeOf<UpsertResult>();
    expectTypeOf<AdminClient['remove']>().returns.resolves.toEqualTypeOf<boolean>();
    expectTypeOf<UpsertResult['action']>().toEqualTypeOf<'created' | 'updated' | 'unchanged'>();
    expectTypeOf<ConfidentialClientEntry['allowedScope']>().toEqualTypeOf<readonly string[]>();
    expectTypeOf<ConfidentialClientEntry['secret']>().toEqualTypeOf<string>();
    // @ts-expect-error serverUrl, username and password are required
    const options: AdminClientOptions = { serverUrl: MFP };
    expect(options).toBeDefined();
  });
});
