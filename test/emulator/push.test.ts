import { describe, expect, it } from 'vitest';
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
});
