import { describe, expect, it } from 'vitest';
import { MobileFirstEmulator } from '../../src/testing/index.js';
import { callWithToken, getToken, transports, useEmulator } from '../helpers/emulator-harness.js';

const APP = 'com.acme.app';
const MESSAGES = `/imfpush/v1/apps/${APP}/messages`;
const PUSH_SCOPE = `messages.write push.application.${APP}`;

describe.each(transports)('push messages over %s', (transport) => {
  const h = useEmulator(transport);

  function send(
    token: string | undefined,
    body: unknown,
    path = MESSAGES,
    type = 'application/json',
  ) {
    return callWithToken(h, path, token, {
      method: 'POST',
      headers: { 'content-type': type },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  it('accepts a message with 202 and a messageId, and records it', async () => {
    const token = await getToken(h, { scope: PUSH_SCOPE });
    const body = {
      message: { alert: 'Hello' },
      target: { tagNames: ['news'] },
      notificationType: 1,
    };
    const res = await send(token, body);
    expect(res.status).toBe(202);
    const answer = await res.json();
    expect(answer).toEqual({ message: { alert: 'Hello' }, messageId: expect.any(String) });
    expect(h.emulator.pushMessages()).toEqual([
      {
        appId: APP,
        messageId: answer.messageId,
        clientId: 'test',
        body,
        bulk: false,
        receivedAt: h.emulator.now(),
      },
    ]);
  });

  it('accepts a broadcast (no target)', async () => {
    const res = await send(await getToken(h, { scope: PUSH_SCOPE }), { message: { alert: 'all' } });
    expect(res.status).toBe(202);
  });

  it('accepts a bulk array and records each message', async () => {
    const token = await getToken(h, { scope: PUSH_SCOPE });
    const res = await send(
      token,
      [{ message: { alert: 'a' } }, { message: { alert: 'b' }, target: { userIds: ['u1'] } }],
      `${MESSAGES}/bulk`,
    );
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { messageId: string }[];
    expect(answer).toHaveLength(2);
    const recorded = h.emulator.pushMessages();
    expect(recorded.map((m) => [m.messageId, m.bulk])).toEqual(
      answer.map((a) => [a.messageId, true]),
    );
    h.emulator.clearPushMessages();
    expect(h.emulator.pushMessages()).toEqual([]);
  });

  it('answers 400 on invalid JSON and records nothing', async () => {
    const res = await send(await getToken(h, { scope: PUSH_SCOPE }), '{"message":');
    expect(res.status).toBe(400);
    expect(h.emulator.pushMessages()).toEqual([]);
  });

  it('answers 400 when more than one target type is set', async () => {
    const res = await send(await getToken(h, { scope: PUSH_SCOPE }), {
      message: { alert: 'x' },
      target: { deviceIds: ['d'], platforms: ['A'] },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/only one of .*deviceIds and platforms/);
    expect(h.emulator.pushMessages()).toEqual([]);
  });

  it.each([
    ['no message', { target: {} }],
    ['a message without alert', { message: {} }],
    [
      'a target list that is not an array',
      { message: { alert: 'x' }, target: { tagNames: 'news' } },
    ],
    ['a bad notificationType', { message: { alert: 'x' }, notificationType: 7 }],
    ['an array on the single endpoint', [{ message: { alert: 'x' } }]],
  ])('answers 400 for %s', async (_, body) => {
    const res = await send(await getToken(h, { scope: PUSH_SCOPE }), body);
    expect(res.status).toBe(400);
  });

  it('answers 400 for an empty bulk array, or one invalid bulk message, and records nothing', async () => {
    const token = await getToken(h, { scope: PUSH_SCOPE });
    expect((await send(token, [], `${MESSAGES}/bulk`)).status).toBe(400);
    const res = await send(
      token,
      [{ message: { alert: 'ok' } }, { message: 1 }],
      `${MESSAGES}/bulk`,
    );
    expect(res.status).toBe(400);
    expect((await res.json()).message).toContain('messages[1]');
    expect(h.emulator.pushMessages()).toEqual([]);
  });

  it('answers 405 for a non-JSON Content-Type', async () => {
    const res = await send(
      await getToken(h, { scope: PUSH_SCOPE }),
      'alert=x',
      MESSAGES,
      'text/plain',
    );
    expect(res.status).toBe(405);
  });

  it('answers 401 Bearer without a token', async () => {
    const res = await send(undefined, { message: { alert: 'x' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('answers 403 insufficient_scope naming both elements when the app is missing', async () => {
    const token = await getToken(h, { scope: 'messages.write push.application.other' });
    const res = await send(token, { message: { alert: 'x' } });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", scope="${PUSH_SCOPE}"`,
    );
  });

  it.each([
    ['a space smuggling in another element', 'x%20messages.write'],
    ['a space smuggling in the app element itself', 'x%20push.application.x'],
    ['a double quote', 'x%22y'],
    ['a non-ASCII character', 'caf%C3%A9'],
  ])('answers 404 to an app ID with %s, before any auth', async (_, appId) => {
    const token = await getToken(h, { scope: 'messages.write push.application.x' });
    const res = await send(
      token,
      { message: { alert: 'x' } },
      `/imfpush/v1/apps/${appId}/messages`,
    );
    expect(res.status).toBe(404);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(h.emulator.pushMessages()).toEqual([]);
    expect(h.emulator.counters().pushRequests).toBe(0);
  });

  it('returns copies from pushMessages(): changing one changes nothing recorded', async () => {
    await send(await getToken(h, { scope: PUSH_SCOPE }), { message: { alert: 'Hello' } });
    const [copy] = h.emulator.pushMessages() as unknown as [
      { body: { message: { alert: string } } },
    ];
    copy.body.message.alert = 'changed';
    (copy as { appId: string } & typeof copy).appId = 'changed';
    const [record] = h.emulator.pushMessages();
    expect(record?.appId).toBe(APP);
    expect(record?.body).toEqual({ message: { alert: 'Hello' } });
  });

  it('counts push requests, accepted or not', async () => {
    await send(undefined, {});
    await send(await getToken(h, { scope: PUSH_SCOPE }), { message: { alert: 'x' } });
    expect(h.emulator.counters().pushRequests).toBe(2);
  });

  describe('GET and DELETE of a message', () => {
    const READ_SCOPE = `messages.read push.application.${APP}`;

    async function sendOne(alert = 'Hello'): Promise<string> {
      const res = await send(await getToken(h, { scope: PUSH_SCOPE }), { message: { alert } });
      return ((await res.json()) as { messageId: string }).messageId;
    }

    it('GET answers { alert, messageId } with messages.read', async () => {
      const id = await sendOne();
      const res = await callWithToken(
        h,
        `${MESSAGES}/${id}`,
        await getToken(h, { scope: READ_SCOPE }),
      );
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ alert: 'Hello', messageId: id });
    });

    it('GET needs messages.read: messages.write is not enough', async () => {
      const id = await sendOne();
      const res = await callWithToken(
        h,
        `${MESSAGES}/${id}`,
        await getToken(h, { scope: PUSH_SCOPE }),
      );
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer error="insufficient_scope", scope="${READ_SCOPE}"`,
      );
    });

    it('DELETE answers 204 with messages.write and forgets the message', async () => {
      const id = await sendOne();
      const token = await getToken(h, { scope: PUSH_SCOPE });
      const res = await callWithToken(h, `${MESSAGES}/${id}`, token, { method: 'DELETE' });
      expect(res.status).toBe(204);
      expect(h.emulator.pushMessages()).toEqual([]);
      const again = await callWithToken(h, `${MESSAGES}/${id}`, token, { method: 'DELETE' });
      expect(again.status).toBe(404);
    });

    it('answers 404 for an unknown ID, or one of another application', async () => {
      const id = await sendOne();
      const other = `/imfpush/v1/apps/other/messages/${id}`;
      const token = await getToken(h, { scope: 'messages.read push.application.other' });
      expect((await callWithToken(h, other, token)).status).toBe(404);
      const read = await getToken(h, { scope: READ_SCOPE });
      const res = await callWithToken(h, `${MESSAGES}/nope`, read);
      expect(res.status).toBe(404);
      expect((await res.json()).message).toContain('"nope"');
    });

    it('answers 405 with Allow for another method, and for GET on /messages', async () => {
      const token = await getToken(h, { scope: PUSH_SCOPE });
      const put = await callWithToken(h, `${MESSAGES}/x`, token, { method: 'PUT' });
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('GET, DELETE');
      const get = await callWithToken(h, MESSAGES, token);
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      const bulkGet = await callWithToken(h, `${MESSAGES}/bulk`, token);
      expect(bulkGet.headers.get('allow')).toBe('POST');
    });

    it('answers 406 when Accept excludes application/json', async () => {
      const id = await sendOne();
      const token = await getToken(h, { scope: READ_SCOPE });
      const refused = await callWithToken(h, `${MESSAGES}/${id}`, token, {
        headers: { accept: 'text/html, application/json;q=0' },
      });
      expect(refused.status).toBe(406);
      for (const accept of ['application/json', 'application/*', '*/*;q=0.1', 'text/html, */*']) {
        const res = await callWithToken(h, `${MESSAGES}/${id}`, token, { headers: { accept } });
        expect(res.status, accept).toBe(200);
      }
    });
  });

  describe('push faults', () => {
    it('rate-limit: 429 with Retry-After, nothing recorded, then success', async () => {
      h.emulator.failNextPushRequests(1, { kind: 'rate-limit', retryAfter: 3 });
      expect(h.emulator.pendingPushFaults).toBe(1);
      const token = await getToken(h, { scope: PUSH_SCOPE });
      const res = await send(token, { message: { alert: 'x' } });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('3');
      expect((await res.json()).message).toMatch(/Too Many Requests/);
      expect(h.emulator.pushMessages()).toEqual([]);
      expect((await send(token, { message: { alert: 'x' } })).status).toBe(202);
      expect(h.emulator.pendingPushFaults).toBe(0);
    });

    it('strikes only requests that would have succeeded: a 401 or 400 takes no fault', async () => {
      h.emulator.failNextPushRequests(1, { kind: 'rate-limit' });
      expect((await send(undefined, { message: { alert: 'x' } })).status).toBe(401);
      const token = await getToken(h, { scope: PUSH_SCOPE });
      expect((await send(token, { message: {} })).status).toBe(400);
      expect(h.emulator.pendingPushFaults).toBe(1);
    });

    it('server-error: the status, Retry-After when given; accepted records the message', async () => {
      h.emulator.failNextPushRequests(1, { kind: 'server-error', status: 503, retryAfter: 2 });
      h.emulator.failNextPushRequests(1, { kind: 'server-error', accepted: true });
      const token = await getToken(h, { scope: PUSH_SCOPE });
      const unavailable = await send(token, { message: { alert: 'a' } });
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('retry-after')).toBe('2');
      expect(h.emulator.pushMessages()).toEqual([]);
      const lost = await send(token, { message: { alert: 'b' } });
      expect(lost.status).toBe(500);
      expect(lost.headers.get('retry-after')).toBeNull();
      expect(h.emulator.pushMessages().map((m) => m.body)).toEqual([{ message: { alert: 'b' } }]);
    });

    it('drop: fetch rejects; accepted records the message first (bulk: all of them)', async () => {
      h.emulator.failNextPushRequests(1, { kind: 'drop' });
      h.emulator.failNextPushRequests(1, { kind: 'drop', accepted: true });
      const token = await getToken(h, { scope: PUSH_SCOPE });
      await expect(send(token, { message: { alert: 'a' } })).rejects.toThrow(TypeError);
      expect(h.emulator.pushMessages()).toEqual([]);
      const bulk = [{ message: { alert: 'b' } }, { message: { alert: 'c' } }];
      await expect(send(token, bulk, `${MESSAGES}/bulk`)).rejects.toThrow(TypeError);
      expect(h.emulator.pushMessages().map((m) => m.body)).toEqual(bulk);
    });

    it('applies to GET and DELETE too; an accepted fault on DELETE deletes', async () => {
      const token = await getToken(h, { scope: PUSH_SCOPE });
      const res = await send(token, { message: { alert: 'a' } });
      const { messageId } = (await res.json()) as { messageId: string };
      h.emulator.failNextPushRequests(1, { kind: 'rate-limit' });
      h.emulator.failNextPushRequests(1, { kind: 'server-error', status: 502, accepted: true });
      const path = `${MESSAGES}/${messageId}`;
      const read = await getToken(h, { scope: `messages.read push.application.${APP}` });
      expect((await callWithToken(h, path, read)).status).toBe(429);
      expect((await callWithToken(h, path, token, { method: 'DELETE' })).status).toBe(502);
      expect(h.emulator.pushMessages()).toEqual([]);
    });

    it('clearFaults drops queued push faults', () => {
      h.emulator.failNextPushRequests(4, { kind: 'drop' });
      h.emulator.clearFaults();
      expect(h.emulator.pendingPushFaults).toBe(0);
    });
  });
});

describe('push fault validation', () => {
  const emulator = new MobileFirstEmulator();
  it.each([
    [() => emulator.failNextPushRequests(0, { kind: 'drop' }), RangeError, /count/],
    [
      () => emulator.failNextPushRequests(1, { kind: 'server-error', status: 429 }),
      RangeError,
      /status between 500 and 599/,
    ],
    [
      () => emulator.failNextPushRequests(1, { kind: 'rate-limit', retryAfter: 0.5 }),
      RangeError,
      /retryAfter/,
    ],
    [
      () => emulator.failNextPushRequests(1, { kind: 'server-error', retryAfter: -1 }),
      RangeError,
      /retryAfter/,
    ],
    [
      () => emulator.failNextPushRequests(1, { kind: 'drop', accepted: 'yes' } as never),
      TypeError,
      /accepted/,
    ],
    [() => emulator.failNextPushRequests(1, { kind: 'malformed' } as never), TypeError, /kind/],
  ])('refuses a bad fault (%#)', (call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
    expect(emulator.pendingPushFaults).toBe(0);
  });
});
