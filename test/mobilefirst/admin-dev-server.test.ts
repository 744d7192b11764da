import { ConfidentialClient } from 'confidential-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAdminConflictError } from '../../src/mobilefirst/index.js';
import { useDevServer } from '../helpers/http-servers.js';
import { adminClient, recordingFetch } from './admin-harness.js';

const e2e = useDevServer();
const ids = () => e2e.dev.emulator.clients().map((client) => client.id);
// One dev server serves the whole file: each test puts its list and faults back.
let initial: ReturnType<typeof e2e.dev.emulator.clients> = [];
beforeEach(() => {
  initial = e2e.dev.emulator.clients();
});
afterEach(() => {
  e2e.dev.emulator.setClients(initial);
  e2e.dev.emulator.clearFaults();
});

describe('AdminClient over real HTTP (dev server)', () => {
  it('lists, registers a client that gets a token for its scope, and removes it', async () => {
    const admin = adminClient(e2e.dev.url);
    expect((await admin.list()).map((c) => c.id)).toEqual(['test', 'admin', 'push']);
    const { action } = await admin.upsert({
      id: 'e2e-backend',
      secret: 'e2e-s3cret',
      allowedScope: 'accessRestricted',
    });
    expect(action).toBe('created');
    const client = new ConfidentialClient({
      serverUrl: e2e.dev.url,
      clientId: 'e2e-backend',
      clientSecret: 'e2e-s3cret',
      retry: { retries: 0 },
    });
    try {
      expect((await client.getToken({ scope: 'accessRestricted' })).scope).toEqual([
        'accessRestricted',
      ]);
      await expect(client.getToken({ scope: 'messages.write' })).rejects.toMatchObject({
        error: 'invalid_scope',
      });
      expect(await admin.remove('e2e-backend')).toBe(true);
      expect(await admin.get('e2e-backend')).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('detects a second writer between the read and the write, and writes nothing', async () => {
    e2e.dev.emulator.onNextAdminRead(() =>
      e2e.dev.emulator.registerClient({ id: 'other', secret: 'x', allowedScope: '' }),
    );
    const rec = recordingFetch();
    const error = await adminClient(e2e.dev.url, { fetch: rec.fetch })
      .upsert({ id: 'mine', secret: 'y', allowedScope: '' })
      .catch((e: unknown) => e);
    expect(isAdminConflictError(error)).toBe(true);
    expect(rec.writes()).toEqual([]);
    expect(ids()).toEqual(['test', 'admin', 'push', 'other']);
  });

  it('follows an asynchronous transaction to its end', async () => {
    e2e.dev.emulator.setAdminTransactionReads(3);
    const rec = recordingFetch();
    await adminClient(e2e.dev.url, { fetch: rec.fetch, async: true, pollInterval: 5 }).remove(
      'test',
    );
    expect(rec.calls.filter((c) => c.includes('/transactions/'))).toHaveLength(4);
    expect(ids()).toEqual(['admin', 'push']);
  });
});
