import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ConfidentialClient } from '../../src/index.js';
import { PushClient } from '../../src/mobilefirst/index.js';
import { MFP, useEmulator } from '../helpers/emulator.js';
import { useDevServer } from '../helpers/http-servers.js';

const APP = 'com.acme.app';
const WRITE = `messages.write push.application.${APP}`;
const READ = `messages.read push.application.${APP}`;

describe('PushClient over MSW', () => {
  const e = useEmulator();
  const push = () => new PushClient({ client: e.client(), applicationId: APP });

  it('send: POSTs the notification as JSON and resolves with the messageId of the 202', async () => {
    const notification = {
      message: { alert: 'Hello' },
      target: { tagNames: ['news'] },
      settings: { gcm: { priority: 'high' as const } },
    };
    const { messageId } = await push().send(notification);
    const [recorded] = e.emulator.pushMessages();
    expect(recorded).toMatchObject({ appId: APP, messageId, clientId: 'test', bulk: false });
    expect(recorded?.body).toEqual(notification);
  });

  it('sendBulk: one request for all, the IDs in order', async () => {
    const { messageIds } = await push().sendBulk([
      { message: { alert: 'a' } },
      { message: { alert: 'b' }, target: { userIds: ['u1'] } },
    ]);
    const recorded = e.emulator.pushMessages();
    expect(recorded.map((m) => [m.messageId, m.bulk, m.body.message])).toEqual([
      [messageIds?.[0], true, { alert: 'a' }],
      [messageIds?.[1], true, { alert: 'b' }],
    ]);
    expect(e.emulator.counters().pushRequests).toBe(1);
  });

  it('sendBulk: a success answer that lists no IDs resolves with messageIds undefined', async () => {
    for (const body of ['', '{"accepted":true}', '[{"messageId":"only-one"}]', 'not json']) {
      e.server.use(
        http.post(
          `${MFP}/imfpush/v1/apps/${APP}/messages/bulk`,
          () => new HttpResponse(body, { status: 202 }),
        ),
      );
      const result = await push().sendBulk([
        { message: { alert: 'a' } },
        { message: { alert: 'b' } },
      ]);
      expect(result, body).toEqual({ messageIds: undefined });
    }
  });

  it('get: the details the service answers (alert and messageId), with the whole body', async () => {
    const p = push();
    const { messageId } = await p.send({ message: { alert: 'Hello' } });
    expect(await p.get(messageId)).toEqual({
      messageId,
      alert: 'Hello',
      body: { alert: 'Hello', messageId },
    });
  });

  it('delete: the message is gone afterwards', async () => {
    const p = push();
    const { messageId } = await p.send({ message: { alert: 'Hello' } });
    await expect(p.delete(messageId)).resolves.toBeUndefined();
    expect(e.emulator.pushMessages()).toEqual([]);
    await expect(p.get(messageId)).rejects.toMatchObject({ name: 'PushError', status: 404 });
  });

  describe('scope', () => {
    it('asks exactly for messages.write push.application.<id> to send, bulk-send and delete', async () => {
      const p = push();
      const { messageId } = await p.send({ message: { alert: 'x' } });
      await p.sendBulk([{ message: { alert: 'y' } }]);
      await p.delete(messageId);
      expect(e.emulator.counters().tokenRequestsByClient).toEqual({ test: { [WRITE]: 1 } });
    });

    it('asks exactly for messages.read push.application.<id> to get', async () => {
      const p = push();
      const { messageId } = await p.send({ message: { alert: 'x' } });
      await p.get(messageId);
      await p.get(messageId);
      expect(e.emulator.counters().tokenRequestsByClient).toEqual({
        test: { [WRITE]: 1, [READ]: 1 },
      });
    });

    it('works for a client whose allowed scope is only what push needs', async () => {
      e.emulator.registerClient({
        id: 'sender',
        secret: 's3cret',
        allowedScope: 'messages.write push.application.*',
      });
      const client = e.client({ clientId: 'sender', clientSecret: 's3cret' });
      await new PushClient({ client, applicationId: APP }).send({ message: { alert: 'x' } });
      expect(e.emulator.pushMessages()).toHaveLength(1);
    });

    it('sends the app ID as one scope element, never split', async () => {
      const p = new PushClient({ client: e.client(), applicationId: 'a.b-c_d*e' });
      await p.send({ message: { alert: 'x' } });
      expect(
        e.emulator.tokenRequestCount({ scope: ['messages.write', 'push.application.a.b-c_d*e'] }),
      ).toBe(1);
    });
  });

  describe('where the push service is', () => {
    it('defaults to the origin of the token URL, whatever the runtime path', async () => {
      const client = new ConfidentialClient({
        tokenUrl: `${MFP}/custom/api/az/v1/token`,
        clientId: 'test',
        clientSecret: 'test',
      });
      expect(new PushClient({ client, applicationId: APP }).pushUrl).toBe(`${MFP}/imfpush/v1`);
      await client.close();
    });

    it('serverUrl: {serverUrl}/imfpush/v1, a trailing slash or a path prefix kept', () => {
      const client = e.client();
      const at = (serverUrl: string) =>
        new PushClient({ client, applicationId: APP, serverUrl }).pushUrl;
      expect(at(`${MFP}/`)).toBe(`${MFP}/imfpush/v1`);
      expect(at(`${MFP}/proxy/`)).toBe(`${MFP}/proxy/imfpush/v1`);
    });

    it('pushUrl: used as it is, and added to the origins of a client made from options', async () => {
      const pushUrl = 'https://push.test:9443/imfpush/v1/';
      let authorization: string | null = null;
      e.server.use(
        http.post('https://push.test:9443/imfpush/v1/apps/:app/messages', ({ request }) => {
          authorization = request.headers.get('authorization');
          return HttpResponse.json({ messageId: 'm-1' }, { status: 202 });
        }),
      );
      const p = new PushClient({
        client: { serverUrl: MFP, clientId: 'test', clientSecret: 'test' },
        applicationId: APP,
        pushUrl,
      });
      expect(p.pushUrl).toBe('https://push.test:9443/imfpush/v1');
      await expect(p.send({ message: { alert: 'x' } })).resolves.toEqual({ messageId: 'm-1' });
      expect(authorization).toMatch(/^Bearer /);
      await p.close();
    });

    it('pushUrl on an origin the given client does not send tokens to: the 401 says so', async () => {
      e.server.use(
        http.post(
          'https://push.test:9443/imfpush/v1/apps/:app/messages',
          () => new HttpResponse(null, { status: 401, headers: { 'www-authenticate': 'Bearer' } }),
        ),
      );
      const p = new PushClient({
        client: e.client(),
        applicationId: APP,
        pushUrl: 'https://push.test:9443/imfpush/v1',
      });
      await expect(p.send({ message: { alert: 'x' } })).rejects.toThrow(
        /No token reached the push service .*add https:\/\/push\.test:9443 to the ConfidentialClient's `origins`/,
      );
    });
  });

  describe('the client', () => {
    it('is made from options and closed by close() when the PushClient made it', async () => {
      const p = new PushClient({
        client: { serverUrl: MFP, clientId: 'test', clientSecret: 'test' },
        applicationId: APP,
      });
      expect(p.client).toBeInstanceOf(ConfidentialClient);
      await p.send({ message: { alert: 'x' } });
      await p[Symbol.asyncDispose]();
      await expect(p.send({ message: { alert: 'y' } })).rejects.toMatchObject({
        name: 'ClientClosedError',
      });
    });

    it('is left open by close() when it was given', async () => {
      const client = e.client();
      const p = new PushClient({ client, applicationId: APP });
      await p.close();
      await expect(client.getToken()).resolves.toBeDefined();
      expect(p.client).toBe(client);
      expect(p.applicationId).toBe(APP);
    });

    it('shares the token cache: many sends take one token', async () => {
      const p = push();
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => p.send({ message: { alert: `m${i}` } })),
      );
      expect(e.tokenRequests).toBe(1);
      expect(e.emulator.pushMessages()).toHaveLength(20);
    });

    it('recovers from a revoked token through client.fetch (401, new token, replay once)', async () => {
      const p = push();
      await p.send({ message: { alert: 'a' } });
      e.emulator.revokeAllTokens();
      await p.send({ message: { alert: 'b' } });
      expect(e.emulator.pushMessages().map((m) => m.body.message)).toEqual([
        { alert: 'a' },
        { alert: 'b' },
      ]);
      expect(e.tokenRequests).toBe(2);
    });
  });
});

describe('PushClient over real HTTP (the dev server)', () => {
  const e2e = useDevServer();

  it('sends one, sends a batch with sendAll, gets and deletes', async () => {
    const push = new PushClient({ client: e2e.client(), applicationId: APP });
    const { messageId } = await push.send({
      message: { alert: 'Hello' },
      target: { platforms: ['A', 'G'] },
    });
    expect(await push.get(messageId)).toMatchObject({ messageId, alert: 'Hello' });
    const bulk = await push.sendBulk([{ message: { alert: 'a' } }, { message: { alert: 'b' } }]);
    expect(bulk.messageIds).toHaveLength(2);
    const results = await push.sendAll(
      Array.from({ length: 25 }, (_, i) => ({ message: { alert: `m${i}` } })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    await push.delete(messageId);
    await expect(push.get(messageId)).rejects.toMatchObject({ status: 404 });
    const ids = new Set(results.map((r) => (r.ok ? r.messageId : '')));
    expect(ids.size).toBe(25);
    const mine = e2e.dev.emulator.pushMessages().filter((m) => m.appId === APP);
    expect(mine).toHaveLength(2 + 25);
  });

  it('a 202 whose body stalls ends within timeout (body included), reported as maybe sent', async () => {
    const stalling = createServer((req, res) => {
      req.resume();
      res.writeHead(202, { 'content-type': 'application/json' });
      res.write('{"messageId":'); // then nothing
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = stalling.address() as AddressInfo;
      const push = new PushClient({
        client: { serverUrl: e2e.dev.url, clientId: 'test', clientSecret: 'test' },
        applicationId: APP,
        pushUrl: `http://127.0.0.1:${port}/imfpush/v1`,
        timeout: 200,
      });
      const started = Date.now();
      const [result] = await push.sendAll([{ message: { alert: 'stalled' } }]);
      expect(result).toMatchObject({ ok: false, mayHaveBeenSent: true, attempts: 1 });
      expect(Date.now() - started).toBeLessThan(3_000);
      await push.close();
    } finally {
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });
});
