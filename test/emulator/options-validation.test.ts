import { describe, expect, it } from 'vitest';
import {
  createMswHandlers,
  MobileFirstEmulator,
  type MobileFirstEmulatorOptions,
} from '../../src/testing/index.js';

describe('emulator options', () => {
  it('has the documented defaults', () => {
    const { options } = new MobileFirstEmulator();
    expect(options).toMatchObject({
      mode: 'development',
      runtime: 'mfp',
      tokenLifetime: 3599,
      adminClient: { id: 'admin', secret: 'nimda' },
      pushClient: { id: 'push', secret: 'hsup' },
      administrator: { username: 'admin', password: 'admin' },
      invalidClientStatus: 400,
      sampleResource: true,
      ownSigningKey: false,
    });
  });

  it('does not mutate the caller options', () => {
    const options = Object.freeze({
      clients: Object.freeze([{ id: 'a', secret: 's', allowedScope: '' }]),
    });
    expect(() => new MobileFirstEmulator(options)).not.toThrow();
  });

  it.each<[string, MobileFirstEmulatorOptions, ErrorConstructor, RegExp]>([
    ['mode', { mode: 'staging' as never }, TypeError, /options\.mode/],
    ['runtime', { runtime: 'a/b' }, TypeError, /options\.runtime/],
    ['tokenLifetime 0', { tokenLifetime: 0 }, RangeError, /options\.tokenLifetime/],
    ['tokenLifetime 1.5', { tokenLifetime: 1.5 }, RangeError, /options\.tokenLifetime/],
    [
      'invalidClientStatus',
      { invalidClientStatus: 403 as never },
      RangeError,
      /invalidClientStatus/,
    ],
    [
      'client id',
      { clients: [{ id: '', secret: 's', allowedScope: '' }] },
      TypeError,
      /clients\[0\]\.id/,
    ],
    [
      'client id not ASCII',
      { clients: [{ id: 'é', secret: 's', allowedScope: '' }] },
      TypeError,
      /clients\[0\]\.id/,
    ],
    [
      'client secret',
      { clients: [{ id: 'a', secret: '', allowedScope: '' }] },
      TypeError,
      /clients\[0\]\.secret/,
    ],
    ['allowedScope', { clients: [{ id: 'a', secret: 's' } as never] }, TypeError, /allowedScope/],
    [
      'duplicate ids',
      {
        clients: [
          { id: 'a', secret: 's', allowedScope: '' },
          { id: 'a', secret: 's', allowedScope: '' },
        ],
      },
      TypeError,
      /repeated/,
    ],
    ['adminClient', { adminClient: { id: 'admin' } as never }, TypeError, /adminClient\.secret/],
    ['administrator', { administrator: { username: 'a' } as never }, TypeError, /administrator/],
    ['now', { now: 5 as never }, TypeError, /options\.now/],
  ])('rejects a bad %s with a message naming it', (_, options, type, message) => {
    expect(() => new MobileFirstEmulator(options)).toThrow(type);
    expect(() => new MobileFirstEmulator(options)).toThrow(message);
  });

  it('rejects bad input to its methods', () => {
    const emulator = new MobileFirstEmulator();
    expect(() => emulator.protect('relative', { scope: 'x' })).toThrow(/starting with "\/"/);
    expect(() => emulator.protect('/x', { scope: 'x', handler: 1 as never })).toThrow(/handler/);
    expect(() => emulator.registerClient({ id: 'a' } as never)).toThrow(
      /registerClient\(client\)\.secret/,
    );
    expect(() => emulator.setClients('x' as never)).toThrow(/array/);
    return expect(emulator.handle('http://x' as never)).rejects.toThrow(/Fetch API Request/);
  });
});

describe('createMswHandlers', () => {
  it.each(['not a url', 'ftp://x', 'http://x/base', 'http://x/?q=1'])(
    'rejects baseUrl %s',
    (baseUrl) => {
      expect(() => createMswHandlers(new MobileFirstEmulator(), { baseUrl })).toThrow(
        /baseUrl must be/,
      );
    },
  );

  it('accepts an origin with a trailing slash', () => {
    expect(
      createMswHandlers(new MobileFirstEmulator(), { baseUrl: 'https://mfp.example.com/' }),
    ).toHaveLength(1);
  });

  it('rejects something that is not an emulator', () => {
    expect(() => createMswHandlers({} as never)).toThrow(/MobileFirstEmulator/);
  });
});
