import { createServer } from 'node:net';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { isConfidentialClientError, isTokenRequestError } from '../../src/index.js';
import { isPushError, PushClient, PushError } from '../../src/mobilefirst/index.js';
import { MFP, useEmulator } from '../helpers/emulator.js';
import { startRecordingServer, useDevServer } from '../helpers/http-servers.js';

const APP = 'com.acme.app';
const MESSAGES = `${MFP}/imfpush/v1/apps/${APP}/messages`;
const hello = { message: { alert: 'Hello' } };

async function caught(promise: Promise<unknown>): Promise<PushError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isPushError(error), String(error)).toBe(true);
  return error as PushError;
}

describe('push errors over MSW', () => {
  const e = useEmulator();
  const push = () => new PushClient({ client: e.client(), applicationId: APP, retry: false });
  const answer = (status: number, body: unknown = { message: `answer ${status}` }, headers = {}) =>
    e.server.use(
      http.all(`${MESSAGES}*`, () =>
        typeof body === 'string'
          ? new HttpResponse(body, { status, headers })
          : HttpResponse.json(body as Record<string, unknown>, { status, headers }),
      ),
    );

  describe('a typed PushError per status, with the server’s message and advice', () => {
    it.each([
      [400, /failed with 400: "answer 400"\. .*check it against the push API reference/],
      [403, /allowed scope must cover "messages\.write push\.application\.com\.acme\.app"/],
      [
        404,
        /No application "com\.acme\.app" at .* check `applicationId` and `serverUrl`\/`pushUrl`/,
      ],
      [405, /refused the method or the Content-Type/],
      [406, /cannot answer in application\/json/],
      [429, /asks to slow down/],
      [413, /Unexpected answer/],
    ])('%i: not sent, not retried', async (status, advice) => {
      answer(status);
      const error = await caught(push().send(hello));
      expect(error).toMatchObject({
        name: 'PushError',
        code: 'ERR_CC_PUSH',
        reason: 'status',
        operation: 'send',
        status,
        serverMessage: `answer ${status}`,
        mayHaveBeenSent: false,
        url: MESSAGES,
      });
      expect(error.message).toMatch(
        /^confidential-client: push send for application "com\.acme\.app"/,
      );
      expect(error.message).toMatch(advice);
    });

    it.each([500, 501, 502, 504])('%i: the message may have been sent', async (status) => {
      answer(status);
      const error = await caught(push().send(hello));
      expect(error).toMatchObject({ status, mayHaveBeenSent: true, reason: 'status' });
      expect(error.message).toMatch(/it may have acted on the request all the same/);
    });

    it('503, with or without Retry-After: it may have been acted on (only 408 and 429 say not)', async () => {
      answer(503, { message: 'busy' }, { 'retry-after': '7' });
      expect(await caught(push().send(hello))).toMatchObject({
        mayHaveBeenSent: true,
        retryAfter: 7000,
      });
      answer(503, { message: 'busy' });
      expect(await caught(push().send(hello))).toMatchObject({
        mayHaveBeenSent: true,
        retryAfter: undefined,
      });
    });

    it('401 after the client’s own recovery: says the token was rejected even after a new one', async () => {
      let calls = 0;
      e.server.use(
        http.post(MESSAGES, () => {
          calls++;
          return new HttpResponse(null, {
            status: 401,
            headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
          });
        }),
      );
      const error = await caught(push().send(hello));
      expect(calls).toBe(2);
      expect(error).toMatchObject({
        status: 401,
        mayHaveBeenSent: false,
        serverMessage: undefined,
      });
      expect(error.message).toMatch(/rejected the client's token even after a new one/);
      expect(error.message).toContain('"messages.write push.application.com.acme.app"');
    });

    it('get and delete: a 404 names the message; get’s 5xx never counts as sent', async () => {
      answer(404);
      const p = push();
      expect((await caught(p.get('m-1'))).message).toMatch(
        /No message "m-1" in application "com\.acme\.app"/,
      );
      expect(await caught(p.delete('m-1'))).toMatchObject({ operation: 'delete', status: 404 });
      answer(500);
      expect(await caught(p.get('m-1'))).toMatchObject({
        operation: 'get',
        mayHaveBeenSent: false,
      });
      expect(await caught(p.delete('m-1'))).toMatchObject({ mayHaveBeenSent: true });
    });
  });

  describe('the server’s message', () => {
    it('is read from a plain-text body, cleaned of control characters and cut at 300', async () => {
      answer(400, `bad\u0000\u001b[31m   input\r\n${'x'.repeat(400)}`, {
        'content-type': 'text/plain',
      });
      const { serverMessage } = await caught(push().send(hello));
      expect(serverMessage).toMatch(/^bad \[31m input x+…$/);
      expect(serverMessage).toHaveLength(301);
    });

    it('is left out for an HTML page, or a JSON body without a message', async () => {
      answer(500, '<html><body>Oops</body></html>', { 'content-type': 'text/html' });
      expect((await caught(push().send(hello))).serverMessage).toBeUndefined();
      answer(400, { code: 'FPWSE0001' });
      expect((await caught(push().send(hello))).serverMessage).toBeUndefined();
    });

    it('reads the other usual fields (errorMessage, error_description)', async () => {
      answer(400, { errorMessage: 'from errorMessage' });
      expect((await caught(push().send(hello))).serverMessage).toBe('from errorMessage');
      answer(400, { error: 'x', error_description: 'from error_description' });
      expect((await caught(push().send(hello))).serverMessage).toBe('from error_description');
    });

    it('never shows the token that was sent, even when the service echoes it', async () => {
      e.server.use(
        http.post(MESSAGES, ({ request }) =>
          HttpResponse.json(
            { message: `bad header ${request.headers.get('authorization')}` },
            { status: 400 },
          ),
        ),
      );
      const error = await caught(push().send(hello));
      const [token] = e.emulator.issuedTokens();
      expect(token).toBeDefined();
      expect(error.serverMessage).toBe('bad header Bearer [redacted]');
      for (const text of [error.message, JSON.stringify(error), String(error.stack)]) {
        expect(text).not.toContain(token?.accessToken);
      }
    });
  });

  describe('the error object', () => {
    it('keeps the response non-enumerable, out of JSON and Object.keys', async () => {
      answer(400);
      const error = await caught(push().send(hello));
      expect(error.response?.status).toBe(400);
      expect(Object.keys(error)).not.toContain('response');
      expect(JSON.stringify(error)).not.toContain('"response"');
      expect(error).toBeInstanceOf(PushError);
      expect(isConfidentialClientError(error)).toBe(true);
    });

    it('isPushError checks the brand, name and code (another copy of the package passes)', () => {
      const brand = Symbol.for('confidential-client.error');
      const copy = Object.assign(new Error('x'), { name: 'PushError', code: 'ERR_CC_PUSH' });
      Object.defineProperty(copy, brand, { value: true });
      expect(isPushError(copy)).toBe(true);
      expect(
        isPushError(Object.assign(new Error('x'), { name: 'PushError', code: 'ERR_CC_PUSH' })),
      ).toBe(false);
      const other = Object.assign(new Error('x'), { name: 'PushError', code: 'ERR_CC_ADMIN' });
      Object.defineProperty(other, brand, { value: true });
      expect(isPushError(other)).toBe(false);
      expect(isPushError(undefined)).toBe(false);
    });
  });

  describe('no usable answer', () => {
    it('a dropped connection: a network PushError that may have been sent, not retried', async () => {
      e.emulator.failNextPushRequests(1, { kind: 'drop' });
      const p = new PushClient({ client: e.client(), applicationId: APP });
      const error = await caught(p.send(hello));
      expect(error).toMatchObject({ reason: 'network', mayHaveBeenSent: true, status: undefined });
      expect(error.message).toMatch(/got no answer .*the service may have acted on it/);
      expect(e.emulator.counters().pushRequests).toBe(1);
    });

    it('a timeout: may have been sent, not retried', async () => {
      e.emulator.setLatency(10_000, 'push');
      let sent = 0;
      e.server.events.on('request:start', ({ request }) => {
        if (request.url.startsWith(MESSAGES)) sent++;
      });
      const client = e.client();
      // The token first: the time limit then covers the push request alone, even on a loaded
      // machine.
      await client.getToken({ scope: `messages.write push.application.${APP}` });
      const p = new PushClient({ client, applicationId: APP, timeout: 200 });
      const error = await caught(p.send(hello));
      expect(error).toMatchObject({ reason: 'timeout', mayHaveBeenSent: true });
      expect(error.message).toMatch(/no answer within 200 ms/);
      expect(sent).toBe(1);
    });

    it('a 202 without a messageId, or not JSON: accepted, so reported as maybe sent', async () => {
      e.server.use(http.post(MESSAGES, () => HttpResponse.json({ message: {} }, { status: 202 })));
      const error = await caught(push().send(hello));
      expect(error).toMatchObject({ reason: 'response', status: 202, mayHaveBeenSent: true });
      expect(error.message).toMatch(
        /got 202 \(the service accepted it\), but its answer has no messageId/,
      );
      e.server.use(http.post(MESSAGES, () => new HttpResponse('{"messageId":', { status: 202 })));
      expect((await caught(push().send(hello))).message).toMatch(/its body is not JSON/);
    });

    it('get with a body that is not an object', async () => {
      e.server.use(http.get(`${MESSAGES}/m-1`, () => HttpResponse.json(['x'])));
      const error = await caught(push().get('m-1'));
      expect(error).toMatchObject({ reason: 'response', mayHaveBeenSent: false });
    });
  });

  describe('aborts', () => {
    it('before anything is sent: aborted, not sent', async () => {
      const error = await caught(push().send(hello, { signal: AbortSignal.abort() }));
      expect(error).toMatchObject({ reason: 'aborted', mayHaveBeenSent: false });
      expect(error.cause).toMatchObject({ name: 'AbortError' });
      expect(e.emulator.counters()).toMatchObject({ pushRequests: 0 });
    });

    it('while the request is under way: aborted, and it may have been sent', async () => {
      e.emulator.setLatency(50, 'push');
      const controller = new AbortController();
      const p = push();
      await e.client().getToken(); // nothing to do with push: only to warm the emulator
      const sending = caught(p.send(hello, { signal: controller.signal }));
      setTimeout(() => controller.abort(), 10);
      expect(await sending).toMatchObject({ reason: 'aborted', mayHaveBeenSent: true });
    });
  });

  describe('token errors keep their own types: nothing was sent', () => {
    it('wrong credentials: TokenRequestError invalid_client', async () => {
      const p = new PushClient({ client: e.client({ clientSecret: 'wrong' }), applicationId: APP });
      const error = await p.send(hello).catch((caughtError: unknown) => caughtError);
      expect(isTokenRequestError(error)).toBe(true);
      expect(e.emulator.counters().pushRequests).toBe(0);
    });

    it('an allowed scope without push: TokenRequestError invalid_scope naming the scope', async () => {
      e.emulator.registerClient({ id: 'orders', secret: 's3cret', allowedScope: 'orders.*' });
      const client = e.client({ clientId: 'orders', clientSecret: 's3cret' });
      const error = await new PushClient({ client, applicationId: APP })
        .send(hello)
        .catch((caughtError: unknown) => caughtError);
      expect(error).toMatchObject({ name: 'TokenRequestError', error: 'invalid_scope' });
      expect((error as Error).message).toContain('messages.write push.application.com.acme.app');
      expect(e.emulator.counters().pushRequests).toBe(0);
    });
  });
});

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('push errors over real HTTP', () => {
  const e2e = useDevServer();

  it('a refused connection was surely not sent: retried, then a network PushError', async () => {
    const push = new PushClient({
      client: e2e.client(),
      applicationId: APP,
      pushUrl: `http://127.0.0.1:${await closedPort()}/imfpush/v1`,
      retry: { retries: 2, minTimeout: 1, maxTimeout: 1 },
    });
    const [result] = await push.sendAll([hello]);
    expect(result).toMatchObject({ ok: false, attempts: 3, mayHaveBeenSent: false });
    const error = (result as unknown as { error: PushError }).error;
    expect(error).toMatchObject({ reason: 'network', mayHaveBeenSent: false });
    expect(error.message).toMatch(/ECONNREFUSED.*the connection was never made/);
  });

  it('a connection dropped after the service acted: may have been sent, and sent once only', async () => {
    const { emulator } = e2e.dev;
    emulator.clearPushMessages();
    emulator.failNextPushRequests(1, { kind: 'drop', accepted: true });
    const push = new PushClient({ client: e2e.client(), applicationId: APP });
    const error = await caught(push.send(hello));
    expect(error).toMatchObject({ reason: 'network', mayHaveBeenSent: true });
    expect(emulator.pushMessages()).toHaveLength(1);
    expect(emulator.counters().pushRequests).toBe(1);
  });

  // Over real HTTP: MSW stalls on a cancelled mocked body (mswjs/interceptors#799).
  describe('bounded body reads', () => {
    async function pushServer(status: number, body: string) {
      const server = await startRecordingServer(() => ({ status, body }));
      const client = e2e.client({ origins: [e2e.dev.url, server.url] });
      const push = new PushClient({
        client,
        applicationId: APP,
        pushUrl: `${server.url}/imfpush/v1`,
      });
      return { push, close: () => server.close() };
    }

    it('an error body over 64 KiB: the status is reported, without a server message', async () => {
      const { push, close } = await pushServer(
        400,
        JSON.stringify({ message: 'x'.repeat(70 * 1024) }),
      );
      try {
        expect(await caught(push.send(hello))).toMatchObject({
          status: 400,
          serverMessage: undefined,
        });
      } finally {
        await close();
      }
    });

    it('a 202 body over 1 MiB: accepted, so reported as maybe sent', async () => {
      const { push, close } = await pushServer(
        202,
        JSON.stringify({ messageId: 'x'.repeat(1024 * 1024) }),
      );
      try {
        const error = await caught(push.send(hello));
        expect(error).toMatchObject({ reason: 'response', mayHaveBeenSent: true });
        expect(error.message).toMatch(/its body is over 1048576 bytes/);
      } finally {
        await close();
      }
    });

    it('a bulk answer over its bound: accepted, its IDs unknown', async () => {
      const { push, close } = await pushServer(202, `[${'"x",'.repeat(300_000)}"x"]`);
      try {
        expect(await push.sendBulk([hello])).toEqual({ messageIds: undefined });
      } finally {
        await close();
      }
    });
  });
});
