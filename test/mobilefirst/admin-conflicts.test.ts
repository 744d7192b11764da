import { describe, expect, it } from 'vitest';
import {
  AdminConflictError,
  isAdminConflictError,
  isAdminError,
} from '../../src/mobilefirst/index.js';
import { MFP, useEmulator } from '../helpers/emulator.js';
import { adminClient, CLIENTS_PATH, recordingFetch } from './admin-harness.js';

const h = useEmulator();
const other = { id: 'other', secret: 'written-meanwhile', allowedScope: 'x' };
const ids = () => h.emulator.clients().map((client) => client.id);

/** A second administrator writes right after the next read of the list. */
function secondWriterAfterNextRead(client = other): void {
  h.emulator.onNextAdminRead(() => h.emulator.registerClient(client));
}

describe('a second writer between the read and the write', () => {
  it('upsert fails with AdminConflictError naming what changed, and writes nothing', async () => {
    secondWriterAfterNextRead();
    const rec = recordingFetch();
    const error = await adminClient(MFP, { fetch: rec.fetch })
      .upsert({ id: 'backend', secret: 's3cret', allowedScope: 'a' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminConflictError);
    expect(isAdminConflictError(error)).toBe(true);
    expect(isAdminError(error)).toBe(false);
    expect(error).toMatchObject({
      code: 'ERR_CC_ADMIN_CONFLICT',
      clientId: 'backend',
      changedIds: ['other'],
      attempts: 1,
    });
    expect((error as Error).message).toMatch(/nothing was written/);
    expect(rec.writes()).toEqual([]);
    expect(ids()).toEqual(['test', 'admin', 'push', 'other']);
  });

  it('remove fails the same way, and the client stays', async () => {
    h.emulator.registerClient({ id: 'backend', secret: 's3cret', allowedScope: 'a' });
    secondWriterAfterNextRead({ ...other, id: 'backend', secret: 'rotated' });
    await expect(adminClient(MFP).remove('backend')).rejects.toMatchObject({
      name: 'AdminConflictError',
      changedIds: ['backend'],
    });
    expect(h.emulator.clients().find((c) => c.id === 'backend')?.secret).toBe('rotated');
  });

  it('{ retries } reapplies the change on the new list, keeping the other writer’s client', async () => {
    secondWriterAfterNextRead();
    const rec = recordingFetch();
    const result = await adminClient(MFP, { fetch: rec.fetch }).upsert(
      { id: 'backend', secret: 's3cret', allowedScope: 'a' },
      { retries: 1 },
    );
    expect(result.action).toBe('created');
    expect(ids()).toEqual(['test', 'admin', 'push', 'other', 'backend']);
    // The read that saw the change is the base of the next attempt: 3 reads, 1 write.
    expect(rec.calls).toEqual([
      `GET ${CLIENTS_PATH}`,
      `GET ${CLIENTS_PATH}`,
      `GET ${CLIENTS_PATH}`,
      `PUT ${CLIENTS_PATH}`,
    ]);
  });

  it('gives up after its retries, counting the attempts', async () => {
    // One writer after the first read, another after the read that starts the retry.
    secondWriterAfterNextRead();
    secondWriterAfterNextRead({ ...other, id: 'third' });
    const rec = recordingFetch();
    await expect(
      adminClient(MFP, { fetch: rec.fetch }).remove('test', { retries: 1 }),
    ).rejects.toMatchObject({ name: 'AdminConflictError', attempts: 2, changedIds: ['third'] });
    expect(rec.writes()).toEqual([]);
    expect(ids()).toContain('test');
  });

  it('a change of one field of another client counts; a read that changed nothing does not', async () => {
    h.emulator.onNextAdminRead(() =>
      h.emulator.registerClient({ id: 'push', secret: 'hsup', allowedScope: 'narrower' }),
    );
    await expect(
      adminClient(MFP).upsert({ id: 'backend', secret: 's', allowedScope: '' }),
    ).rejects.toMatchObject({ changedIds: ['push'] });
    h.emulator.onNextAdminRead(() => h.emulator.setClients(h.emulator.clients()));
    await expect(
      adminClient(MFP).upsert({ id: 'backend', secret: 's', allowedScope: '' }),
    ).resolves.toMatchObject({ action: 'created' });
  });

  it('cannot see a writer landing between the check and the PUT: the API has no ETag (documented limit)', async () => {
    h.emulator.onNextAdminRead(() => {});
    secondWriterAfterNextRead();
    await adminClient(MFP).upsert({ id: 'backend', secret: 's3cret', allowedScope: 'a' });
    expect(ids()).toEqual(['test', 'admin', 'push', 'backend']);
  });
});

describe('writes of one AdminClient at once', () => {
  it('run one after another: none is lost, each reported as what it did', async () => {
    const admin = adminClient(MFP);
    const results = await Promise.all(
      ['a1', 'b1', 'c1', 'd1'].map((id) =>
        admin.upsert({ id, secret: `${id}-secret`, allowedScope: 'x' }),
      ),
    );
    expect(results.map((r) => r.action)).toEqual(['created', 'created', 'created', 'created']);
    expect(ids()).toEqual(['test', 'admin', 'push', 'a1', 'b1', 'c1', 'd1']);
    const removed = await Promise.all([admin.remove('a1'), admin.remove('c1'), admin.remove('zz')]);
    expect(removed).toEqual([true, true, false]);
    expect(ids()).toEqual(['test', 'admin', 'push', 'b1', 'd1']);
  });

  it('a failed write does not block the next one', async () => {
    const admin = adminClient(MFP);
    h.emulator.failNextAdminWrite({ details: 'disk full' });
    const [first, second] = await Promise.allSettled([
      admin.upsert({ id: 'e1', secret: 'e1-secret', allowedScope: 'x' }),
      admin.upsert({ id: 'f1', secret: 'f1-secret', allowedScope: 'x' }),
    ]);
    expect(first.status).toBe('rejected');
    expect(second).toMatchObject({ status: 'fulfilled', value: { action: 'created' } });
  });
});
