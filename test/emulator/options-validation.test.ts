import { describe, expect, it } from 'vitest';
import {
  createMswHandlers,
  type DevServerHttpsOptions,
  type DevServerOptions,
  MobileFirstEmulator,
  type MobileFirstEmulatorOptions,
  type MswHandlersOptions,
  startDevServer,
} from '../../src/testing/index.js';
import { makeCa, makeServerCert } from '../helpers/tls.js';

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

describe('unknown option keys', () => {
  // `Required<…>` makes TypeScript list every key here, so a key the validation forgot fails.
  const everyEmulatorOption: Required<MobileFirstEmulatorOptions> = {
    mode: 'production',
    runtime: 'mfp',
    tokenLifetime: 60,
    clients: [{ id: 'a', displayName: 'A', secret: 's', allowedScope: '' }],
    adminClient: { id: 'admin', secret: 'nimda' },
    pushClient: false,
    administrator: { username: 'ops', password: 'pw' },
    invalidClientStatus: 401,
    sampleResource: false,
    ownSigningKey: false,
    now: Date.now,
    sleep: async () => {},
  };

  it('accept every documented key', async () => {
    expect(() => new MobileFirstEmulator(everyEmulatorOption)).not.toThrow();
    const msw: Required<MswHandlersOptions> = { baseUrl: 'http://localhost:9080' };
    expect(() => createMswHandlers(new MobileFirstEmulator(), msw)).not.toThrow();
    const server: Required<Omit<DevServerOptions, 'emulator'>> = {
      port: 0,
      host: '127.0.0.1',
      emulatorOptions: everyEmulatorOption,
      https: false,
      console: true,
    };
    await (await startDevServer(server)).close();
    const ca = await makeCa();
    const { cert, key } = await makeServerCert(ca);
    const https: Required<DevServerHttpsOptions> = {
      cert,
      key,
      ca: ca.cert,
      requireClientCertificate: true,
      clientCa: [ca.cert],
    };
    await (await startDevServer({ https })).close();
    await (await startDevServer({ emulator: new MobileFirstEmulator() })).close();
  });

  it.each<[string, unknown, string]>([
    [
      'a top-level typo',
      { mdoe: 'production' },
      'options."mdoe" is not a known option (did you mean "mode"?)',
    ],
    [
      'a casing slip',
      { tokenlifetime: 60 },
      'options."tokenlifetime" is not a known option (did you mean "tokenLifetime"?)',
    ],
    ['a key nothing is near', { verbose: true }, 'options."verbose" is not a known option'],
    [
      'a client key',
      {
        clients: [
          { id: 'a', secret: 's', allowedScope: '' },
          { id: 'b', secret: 's', allowedScopes: 'x' },
        ],
      },
      'options.clients[1]."allowedScopes" is not a known option (did you mean "allowedScope"?)',
    ],
    [
      'an adminClient key',
      { adminClient: { id: 'admin', secrett: 'nimda' } },
      'options.adminClient."secrett" is not a known option (did you mean "secret"?)',
    ],
    [
      'a pushClient key the registration has but credentials do not',
      { pushClient: { id: 'push', secret: 'hsup', displayName: 'Push' } },
      'options.pushClient."displayName" is not a known option',
    ],
    [
      'an administrator key',
      { administrator: { username: 'ops', password: 'pw', pasword: 'pw' } },
      'options.administrator."pasword" is not a known option (did you mean "password"?)',
    ],
  ])('the emulator rejects %s with a TypeError naming it', (_, options, message) => {
    const create = () => new MobileFirstEmulator(options as MobileFirstEmulatorOptions);
    expect(create).toThrow(TypeError);
    expect(create).toThrow(message);
  });

  it('the emulator never echoes a value, secrets included', () => {
    expect(
      () => new MobileFirstEmulator({ adminClient: { id: 'admin', secert: 'hunter2' } as never }),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });

  it('the emulator rejects options that are not an object', () => {
    expect(() => new MobileFirstEmulator(null as never)).toThrow(/options must be an object/);
    expect(() => new MobileFirstEmulator('production' as never)).toThrow(
      /options must be an object/,
    );
    expect(() => new MobileFirstEmulator({ administrator: 'ops' as never })).toThrow(
      /options\.administrator must be/,
    );
    expect(() => new MobileFirstEmulator({ pushClient: true as never })).toThrow(
      /options\.pushClient must be \{ id, secret \} or false/,
    );
  });

  it('registerClient and setClients reject an unknown client key; the admin API drops it', async () => {
    const emulator = new MobileFirstEmulator();
    expect(() =>
      emulator.registerClient({ id: 'a', secret: 's', allowedScope: '', scope: 'x' } as never),
    ).toThrow('registerClient(client)."scope" is not a known option');
    expect(() =>
      emulator.setClients([{ id: 'a', secret: 's', allowedScope: '', displayname: 'A' } as never]),
    ).toThrow(
      'setClients(clients)[0]."displayname" is not a known option (did you mean "displayName"?)',
    );
    // The admin API takes a wire format: like a server binding JSON to its model, it ignores
    // fields it does not know (a misspelt required field still fails: it is missing).
    const put = (client: Record<string, unknown>) =>
      emulator.handle(
        new Request(`http://localhost${emulator.adminPath}`, {
          method: 'PUT',
          headers: {
            authorization: `Basic ${btoa('admin:admin')}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ clients: [client] }),
        }),
      );
    expect((await put({ id: 'a', secret: 's', allowedScope: '', extra: 1 })).status).toBe(200);
    expect(emulator.clients().map((c) => Object.keys(c).sort())).toEqual([
      ['allowedScope', 'displayName', 'id', 'secret'],
    ]);
    const res = await put({ id: 'a', allowedScope: '', secrett: 's' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('clients[0].secret must be');
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an emulator option at the top level',
      { mode: 'production' },
      /^startDevServer: options\."mode" is not a known option; emulator options go in emulatorOptions: startDevServer\(\{ emulatorOptions: \{ mode: … \} \}\)$/,
    ],
    [
      'clients at the top level',
      { port: 0, clients: [] },
      /options\."clients" is not a known option; emulator options go in emulatorOptions/,
    ],
    [
      'a typo of its own option',
      { prot: 0 },
      /^startDevServer: options\."prot" is not a known option \(did you mean "port"\?\)$/,
    ],
    [
      'a typo of an emulator option',
      { tokenLifetme: 60 },
      /^startDevServer: options\."tokenLifetme" is not a known option \(did you mean emulatorOptions\.tokenLifetime\?\)$/,
    ],
    [
      'a key nothing is near',
      { verbose: true },
      /^startDevServer: options\."verbose" is not a known option$/,
    ],
    [
      'an unknown key inside emulatorOptions',
      { emulatorOptions: { mdoe: 'production' } },
      /options\."mdoe" is not a known option \(did you mean "mode"\?\)/,
    ],
  ])(
    'startDevServer rejects %s with a TypeError, before listening',
    async (_, options, message) => {
      const start = startDevServer(options as DevServerOptions);
      await expect(start).rejects.toThrow(TypeError);
      await expect(start).rejects.toThrow(message);
    },
  );

  it('startDevServer rejects options that are not an object', async () => {
    await expect(startDevServer(null as never)).rejects.toThrow(/options must be an object/);
  });

  it('createMswHandlers rejects an unknown key', () => {
    const emulator = new MobileFirstEmulator();
    expect(() => createMswHandlers(emulator, { baseURL: 'http://x' } as never)).toThrow(TypeError);
    expect(() => createMswHandlers(emulator, { baseURL: 'http://x' } as never)).toThrow(
      'createMswHandlers: options."baseURL" is not a known option (did you mean "baseUrl"?)',
    );
    expect(() => createMswHandlers(emulator, 'http://x' as never)).toThrow(
      /options must be an object/,
    );
  });
});
