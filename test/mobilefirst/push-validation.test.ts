import { describe, expect, it } from 'vitest';
import { isConfigurationError } from '../../src/index.js';
import { PushClient, type PushNotification } from '../../src/mobilefirst/index.js';
import { isInvalidInputError } from '../../src/mobilefirst/invalid-input-error.js';
import { useEmulator } from '../helpers/emulator.js';

const APP = 'com.acme.app';

/** Every check happens before any request: neither a token nor a push request is asked for. */
describe('push input is checked before any request', () => {
  const e = useEmulator();
  const push = () => new PushClient({ client: e.client(), applicationId: APP });

  function expectNothingSent(): void {
    expect(e.emulator.counters()).toMatchObject({ tokenRequests: 0, pushRequests: 0 });
  }

  async function rejection(notification: unknown): Promise<{ field: string; message: string }> {
    const error = await push()
      .send(notification as PushNotification)
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(isInvalidInputError(error), String(error)).toBe(true);
    expectNothingSent();
    return error as { field: string; message: string };
  }

  it.each([
    ['not an object', 'hello', 'notification', /must be an object/],
    ['no message', { target: { userIds: ['u'] } }, 'message', /is required/],
    ['a message that is not an object', { message: 'hi' }, 'message', /must be an object/],
    ['no alert', { message: {} }, 'message.alert', /is required/],
    ['an empty alert', { message: { alert: '' } }, 'message.alert', /non-empty string/],
    ['an alert that is not a string', { message: { alert: 7 } }, 'message.alert', /non-empty/],
    [
      'two target kinds',
      { message: { alert: 'x' }, target: { deviceIds: ['d'], platforms: ['A'] } },
      'target',
      /only one of deviceIds, platforms, tagNames, userIds; it sets deviceIds and platforms/,
    ],
    [
      'an empty target',
      { message: { alert: 'x' }, target: {} },
      'target',
      /sets none of .*leave `target` out to broadcast/,
    ],
    [
      'a target list that is empty',
      { message: { alert: 'x' }, target: { tagNames: [] } },
      'target.tagNames',
      /non-empty array/,
    ],
    [
      'a target list that is a string',
      { message: { alert: 'x' }, target: { userIds: 'alice' } },
      'target.userIds',
      /non-empty array/,
    ],
    [
      'an empty device ID',
      { message: { alert: 'x' }, target: { deviceIds: ['d1', ''] } },
      'target.deviceIds[1]',
      /non-empty string/,
    ],
    [
      'an unknown platform',
      { message: { alert: 'x' }, target: { platforms: ['A', 'X'] } },
      'target.platforms[1]',
      /"A" \(iOS\), "G" \(Android\) or "W" \(Windows\)\.$/,
    ],
    [
      'the tutorial’s "M" for Windows',
      { message: { alert: 'x' }, target: { platforms: ['M'] } },
      'target.platforms[0]',
      /Windows is "W"; some tutorials say "M"/,
    ],
    [
      'a notificationType out of range',
      { message: { alert: 'x' }, notificationType: 4 },
      'notificationType',
      /one of 1, 2, 3/,
    ],
    [
      'a misspelt top-level key',
      { message: { alert: 'x' }, targte: { userIds: ['u'] } },
      'targte',
      /not a field the push API knows \(did you mean "target"\?\)/,
    ],
    [
      'a misspelt message key',
      { message: { alert: 'x', alret: 'y' } },
      'message.alret',
      /did you mean "alert"/,
    ],
    [
      'an unknown settings platform',
      { message: { alert: 'x' }, settings: { fcm: {} } },
      'settings.fcm',
      /Android settings go under "gcm"/,
    ],
    [
      'a misspelt gcm key',
      { message: { alert: 'x' }, settings: { gcm: { priorty: 'high' } } },
      'settings.gcm.priorty',
      /did you mean "priority"/,
    ],
    [
      'an unknown key nothing is near',
      { message: { alert: 'x' }, settings: { apns: { zzzzzzzz: 1 } } },
      'settings.apns.zzzzzzzz',
      /knows\.$/,
    ],
    [
      'a gcm priority not in the list',
      { message: { alert: 'x' }, settings: { gcm: { priority: 'urgent' } } },
      'settings.gcm.priority',
      /one of "max", "high", "default", "low", "min"/,
    ],
    [
      'a gcm visibility not in the list',
      { message: { alert: 'x' }, settings: { gcm: { visibility: 'hidden' } } },
      'settings.gcm.visibility',
      /"public", "private", "secret"/,
    ],
    [
      'a gcm category not in the list',
      { message: { alert: 'x' }, settings: { gcm: { category: 'news' } } },
      'settings.gcm.category',
      /"call", "alarm"/,
    ],
    [
      'a gcm timeToLive that is not whole seconds',
      { message: { alert: 'x' }, settings: { gcm: { timeToLive: 1.5 } } },
      'settings.gcm.timeToLive',
      /whole number of seconds/,
    ],
    [
      'a gcm flag that is not a boolean',
      { message: { alert: 'x' }, settings: { gcm: { delayWhileIdle: 'no' } } },
      'settings.gcm.delayWhileIdle',
      /true or false/,
    ],
    [
      'a gcm redact that is not a string',
      { message: { alert: 'x' }, settings: { gcm: { redact: true } } },
      'settings.gcm.redact',
      /must be a string/,
    ],
    [
      'an apns type not in the list',
      { message: { alert: 'x' }, settings: { apns: { type: 'LOUD' } } },
      'settings.apns.type',
      /"DEFAULT", "MIXED", "SILENT"/,
    ],
    [
      'an apns badge that is not an integer',
      { message: { alert: 'x' }, settings: { apns: { badge: '3' } } },
      'settings.apns.badge',
      /an integer/,
    ],
    [
      'an apns payload that is an array',
      { message: { alert: 'x' }, settings: { apns: { payload: [1] } } },
      'settings.apns.payload',
      /JSON object/,
    ],
    [
      'a wns badge value of another type',
      { message: { alert: 'x' }, settings: { wns: { badge: { value: true } } } },
      'settings.wns.badge.value',
      /a number or a string/,
    ],
    [
      'a wns toast duration not in the list',
      { message: { alert: 'x' }, settings: { wns: { toast: { duration: 'forever' } } } },
      'settings.wns.toast.duration',
      /"short", "long"/,
    ],
    [
      'a wns tile binding that is not objects',
      { message: { alert: 'x' }, settings: { wns: { tile: { visual: { binding: [1] } } } } },
      'settings.wns.tile.visual.binding',
      /a JSON object or an array of them/,
    ],
  ])('rejects %s, naming the field', async (_, notification, field, message) => {
    const error = await rejection(notification);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^confidential-client: `/);
  });

  it('accepts every documented field (the API reference’s own example), and a broadcast', async () => {
    const p = push();
    await p.send({
      message: { alert: 'Test message' },
      notificationType: 1,
      settings: {
        apns: {
          attachmentUrl: 'http://test.com/test.png',
          subtitle: 'Sub Title',
          title: 'Title',
          badge: 1,
          category: 'news',
          iosActionKey: 'Ok',
          payload: { custom: 'data' },
          sound: 'song.mp3',
          type: 'SILENT',
        },
        gcm: {
          bridge: false,
          category: 'email',
          collapseKey: 'testkey',
          delayWhileIdle: false,
          payload: { custom: 'data' },
          priority: 'low',
          redact: 'Test Redact Message',
          sound: 'song.mp3',
          sync: false,
          timeToLive: 10,
          visibility: 'public',
        },
        wns: {
          badge: { value: '10' },
          cachePolicy: false,
          expirationTime: 20,
          raw: { payload: { custom: 'data' } },
          tile: {
            visual: {
              binding: [
                { template: 'TileSquareText04', text: [{ content: 'Text1' }] },
                { template: 'TileWideText04', text: [{ content: 'Text1' }] },
              ],
            },
          },
          toast: {
            launch: { custom: 'data' },
            visual: {
              binding: {
                template: 'ToastText04',
                text: [{ content: 'Text1' }, { content: 'Text2' }, { content: 'Text3' }],
              },
            },
          },
        },
      },
      target: { platforms: ['A', 'G', 'W'] },
    });
    await p.send({ message: { alert: 'to everyone' } });
    expect(e.emulator.pushMessages()).toHaveLength(2);
  });

  it('treats a key set to undefined as absent (JSON drops it too)', async () => {
    await push().send({
      message: { alert: 'x' },
      target: { userIds: ['u'], tagNames: undefined } as never,
    });
    expect(e.emulator.pushMessages()[0]?.body).toEqual({
      message: { alert: 'x' },
      target: { userIds: ['u'] },
    });
  });

  it('sets no length limit the API reference does not document', async () => {
    await push().send({ message: { alert: 'x'.repeat(100_000) }, target: { tagNames: ['t'] } });
    expect(e.emulator.pushMessages()).toHaveLength(1);
  });

  describe('sendBulk', () => {
    it('rejects an empty array or not an array', async () => {
      for (const value of [[], 'x', undefined]) {
        await expect(push().sendBulk(value as never)).rejects.toMatchObject({
          name: 'InvalidInputError',
          field: 'notifications',
        });
      }
      expectNothingSent();
    });

    it('names the position of the invalid notification, and sends none of them', async () => {
      await expect(
        push().sendBulk([
          { message: { alert: 'ok' } },
          { message: { alert: 'x' }, target: {} as never },
        ]),
      ).rejects.toMatchObject({ name: 'InvalidInputError', field: 'notifications[1].target' });
      await expect(push().sendBulk([null as never])).rejects.toMatchObject({
        field: 'notifications[0]',
      });
      expectNothingSent();
    });
  });

  describe('message IDs', () => {
    it.each([
      ['empty', ''],
      ['not a string', 42],
      ['a slash', 'a/b'],
      ['a dot segment', '..'],
      ['a control character', 'a\nb'],
    ])('get and delete reject one that is %s', async (_, id) => {
      const p = push();
      for (const call of [() => p.get(id as string), () => p.delete(id as string)]) {
        await expect(call()).rejects.toMatchObject({
          name: 'InvalidInputError',
          field: 'messageId',
        });
      }
      expectNothingSent();
    });

    it('percent-encodes any other ID as one path segment', async () => {
      const error = await push()
        .get('id with space?#%')
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'PushError', status: 404 });
      expect((error as { url: string }).url).toMatch(/\/messages\/id%20with%20space%3F%23%25$/);
    });
  });
});

describe('PushClient options', () => {
  const e = useEmulator();

  it.each([
    ['empty', ''],
    ['not a string', 42],
    ['a space', 'com.acme app'],
    ['a double quote', 'com"acme'],
    ['a backslash', 'com\\acme'],
    ['a slash', 'com/acme'],
    ['non-ASCII', 'café'],
    ['a dot segment', '..'],
  ])('rejects an applicationId that is %s, naming applicationId', (_, applicationId) => {
    const make = () =>
      new PushClient({ client: e.client(), applicationId: applicationId as string });
    expect(make).toThrow(
      expect.objectContaining({ name: 'InvalidInputError', field: 'applicationId' }),
    );
  });

  it.each([
    [{ applicationId: APP, clientt: {} }, 'clientt', /did you mean "client"/],
    [{ applicationId: APP, client: undefined }, 'client', /is required/],
    [{ applicationId: APP, client: 'x' }, 'client', /ConfidentialClient or its options/],
    [{ applicationId: APP, serverUrl: 'nope' }, 'serverUrl', /absolute http\(s\) URL/],
    [{ applicationId: APP, pushUrl: 'ftp://x/y' }, 'pushUrl', /http\(s\) URL/],
    [{ applicationId: APP, pushUrl: 'http://x/?q=1' }, 'pushUrl', /without a query/],
    [
      { applicationId: APP, serverUrl: 'http://a', pushUrl: 'http://b/imfpush/v1' },
      'pushUrl',
      /exclude each other/,
    ],
    [{ applicationId: APP, timeout: 0 }, 'timeout', /greater than 0/],
    [{ applicationId: APP, retry: 3 }, 'retry', /object of retry options, or false/],
    [
      { applicationId: APP, retry: { retires: 1 } },
      'retry.retires',
      /did you mean "retry.retries"/,
    ],
    [{ applicationId: APP, retry: { retries: 1.5 } }, 'retry.retries', /whole number/],
    [{ applicationId: APP, retry: { factor: -1 } }, 'retry.factor', /at least 0/],
    [{ applicationId: APP, retry: { randomize: 'yes' } }, 'retry.randomize', /true or false/],
    [
      { applicationId: APP, retry: { minTimeout: 10, maxTimeout: 5 } },
      'retry.minTimeout',
      /not be greater than retry.maxTimeout/,
    ],
  ])(
    'rejects bad options (%#) with a ConfigurationError naming the option',
    (options, option, message) => {
      const given = { client: e.client(), ...options };
      let caught: unknown;
      try {
        new PushClient(given as never);
      } catch (error) {
        caught = error;
      }
      expect(isConfigurationError(caught), String(caught)).toBe(true);
      expect(caught).toMatchObject({ option });
      expect((caught as Error).message).toMatch(message);
    },
  );

  it('rejects options that are not an object', () => {
    expect(() => new PushClient(undefined as never)).toThrow(/must be an object/);
  });
});
