import { describe, expect, it } from 'vitest';
import { MobileFirstEmulator } from '../../src/testing/index.js';
import { requestToken, transports, useEmulator } from '../helpers/emulator-harness.js';

describe.each(transports)('development mode over %s', (transport) => {
  const h = useEmulator(transport);

  it('has the test client with scope *', async () => {
    const res = await requestToken(h, { id: 'test', secret: 'test', scope: 'any.scope at:all' });
    expect(res.status).toBe(200);
  });

  it.each([
    ['admin', 'nimda'],
    ['push', 'hsup'],
  ])('has the internal %s client with its DevKit secret', async (id, secret) => {
    expect((await requestToken(h, { id, secret })).status).toBe(200);
  });
});

describe.each(transports)('production mode over %s', (transport) => {
  const h = useEmulator(transport, () => ({
    mode: 'production',
    clients: [{ id: 'backend', secret: 's3cret', allowedScope: 'accessRestricted' }],
  }));

  it('has no test client', async () => {
    const res = await requestToken(h, { id: 'test', secret: 'test' });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_client');
  });

  it('serves registered clients', async () => {
    const res = await requestToken(h, {
      id: 'backend',
      secret: 's3cret',
      scope: 'accessRestricted',
    });
    expect(res.status).toBe(200);
  });

  it('still has the internal admin client', async () => {
    expect((await requestToken(h, { id: 'admin', secret: 'nimda' })).status).toBe(200);
  });
});

describe('configurable internal clients', () => {
  const h = useEmulator('msw', () => ({
    adminClient: { id: 'mfpadmin', secret: 'x' },
    pushClient: false,
  }));

  it('uses the configured admin credentials and leaves push out', async () => {
    expect((await requestToken(h, { id: 'mfpadmin', secret: 'x' })).status).toBe(200);
    expect((await requestToken(h, { id: 'admin', secret: 'nimda' })).status).toBe(400);
    expect((await requestToken(h, { id: 'push', secret: 'hsup' })).status).toBe(400);
  });
});

describe('client registry API', () => {
  it('lists predefined clients first, and lets options override one by id', () => {
    const emulator = new MobileFirstEmulator({
      clients: [{ id: 'test', secret: 'other', allowedScope: 'x' }],
    });
    expect(emulator.clients()).toEqual([
      { id: 'admin', displayName: 'admin', secret: 'nimda', allowedScope: '*' },
      { id: 'push', displayName: 'push', secret: 'hsup', allowedScope: '*' },
      { id: 'test', displayName: 'test', secret: 'other', allowedScope: 'x' },
    ]);
  });

  it('registerClient replaces a client with the same id', () => {
    const emulator = new MobileFirstEmulator({
      mode: 'production',
      adminClient: false,
      pushClient: false,
    });
    emulator.registerClient({ id: 'a', secret: '1', allowedScope: 'x' });
    emulator.registerClient({ id: 'a', secret: '2', allowedScope: 'y', displayName: 'A' });
    expect(emulator.clients()).toEqual([
      { id: 'a', secret: '2', allowedScope: 'y', displayName: 'A' },
    ]);
  });

  it('setClients replaces the whole list and rejects duplicates', () => {
    const emulator = new MobileFirstEmulator();
    emulator.setClients([{ id: 'only', secret: 's', allowedScope: '' }]);
    expect(emulator.clients().map((c) => c.id)).toEqual(['only']);
    expect(() =>
      emulator.setClients([
        { id: 'a', secret: 's', allowedScope: '' },
        { id: 'a', secret: 't', allowedScope: '' },
      ]),
    ).toThrow(/"a" is repeated/);
  });

  it('returns copies that do not change the emulator', () => {
    const emulator = new MobileFirstEmulator();
    const list = emulator.clients();
    (list[0] as { secret: string }).secret = 'changed';
    expect(emulator.clients()[0]!.secret).not.toBe('changed');
  });
});
