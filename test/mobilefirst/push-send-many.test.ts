import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  PushClient,
  type PushNotification,
  type PushSendOutcome,
} from '../../src/mobilefirst/index.js';
import { isInvalidInputError } from '../../src/mobilefirst/invalid-input-error.js';
import { MFP, useEmulator } from '../helpers/emulator.js';

const APP = 'com.acme.app';
const MESSAGES = `${MFP}/imfpush/v1/apps/${APP}/messages`;
const WRITE = ['messages.write', `push.application.${APP}`];

function notifications(count: number): PushNotification[] {
  return Array.from({ length: count }, (_, i) => ({ message: { alert: `m${i}` } }));
}

const alertOf = (n: PushNotification) => n.message.alert;

describe('sending many', () => {
  const e = useEmulator();
  afterEach(() => {
    vi.useRealTimers();
    e.server.events.removeAllListeners();
  });

  /**
   * A `fetch` for the client that counts push requests in flight and holds each for `delay` ms,
   * so that they overlap.
   */
  function countingFetch(delay = 2) {
    const seen = { inFlight: 0, max: 0, requests: 0 };
    const wrapped: typeof fetch = async (input, init) => {
      const push = String(input instanceof Request ? input.url : input).startsWith(MESSAGES);
      if (!push) return fetch(input, init);
      seen.requests++;
      seen.max = Math.max(seen.max, ++seen.inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, delay));
        return await fetch(input, init);
      } finally {
        seen.inFlight--;
      }
    };
    return { seen, fetch: wrapped };
  }

  it('1,000 messages with 429s in between: 1,000 results, none lost, none sent twice', async () => {
    const client = e.client();
    await client.getToken({ scope: WRITE });
    // Every 40th push request, the next three are answered 429 Retry-After: 1.
    let pushRequests = 0;
    let limited = 0;
    e.server.events.on('request:start', ({ request }) => {
      if (request.url === MESSAGES && ++pushRequests % 40 === 0) {
        e.emulator.failNextPushRequests(3, { kind: 'rate-limit', retryAfter: 1 });
      }
    });
    e.server.events.on('response:mocked', ({ response }) => {
      if (response.status === 429) limited++;
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    // The fake clock moves 100 ms a step while the requests run in real time: on a loaded
    // machine, minutes of fake time can pass during one request. The retry budget is not what
    // this test is about, so it is ample here.
    const push = new PushClient({
      client,
      applicationId: APP,
      retry: { retries: 50, maxRetryTime: 3_600_000 },
    });
    const input = notifications(1_000);
    let done = false;
    const sending = push.sendAll(input, { concurrency: 8 }).finally(() => {
      done = true;
    });
    for (let i = 0; i < 100_000 && !done; i++) await vi.advanceTimersByTimeAsync(100);
    const results = await sending;

    expect(limited).toBeGreaterThan(50);
    expect(results).toHaveLength(1_000);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => r.index)).toEqual(input.map((_, i) => i));
    expect(results.map((r) => alertOf(r.notification))).toEqual(input.map(alertOf));
    // Counted at the emulator: each message once, under the ID its result gives.
    const recorded = e.emulator.pushMessages();
    expect(recorded).toHaveLength(1_000);
    expect(new Set(recorded.map((m) => (m.body.message as { alert: string }).alert)).size).toBe(
      1_000,
    );
    const byAlert = new Map(
      recorded.map((m) => [(m.body.message as { alert: string }).alert, m.messageId]),
    );
    for (const result of results) {
      expect(result.ok && result.messageId).toBe(byAlert.get(alertOf(result.notification)));
    }
    expect(results.some((r) => r.attempts > 1)).toBe(true);
  }, 60_000);

  it('never has more than `concurrency` requests under way', async () => {
    const { seen, fetch } = countingFetch();
    const push = new PushClient({ client: e.client({ fetch }), applicationId: APP });
    const results = await push.sendAll(notifications(60), { concurrency: 5 });
    expect(results.every((r) => r.ok)).toBe(true);
    expect(seen.requests).toBe(60);
    expect(seen.max).toBe(5);
  });

  it('defaults to 8 at once', async () => {
    const { seen, fetch } = countingFetch();
    const push = new PushClient({ client: e.client({ fetch }), applicationId: APP });
    await push.sendAll(notifications(40));
    expect(seen.max).toBe(8);
  });

  it('reports an invalid notification as failed, never sent, and sends the others', async () => {
    const push = new PushClient({ client: e.client(), applicationId: APP });
    const input = [
      { message: { alert: 'a' } },
      { message: { alert: '' } },
      { message: { alert: 'c' }, target: { platforms: ['X'] } },
    ] as PushNotification[];
    const results = await push.sendAll(input);
    expect(results.map((r) => r.ok)).toEqual([true, false, false]);
    const failure = results[1] as Extract<PushSendOutcome, { ok: false }>;
    expect(isInvalidInputError(failure.error)).toBe(true);
    expect(failure).toMatchObject({ attempts: 0, mayHaveBeenSent: false, index: 1 });
    expect(e.emulator.pushMessages()).toHaveLength(1);
  });

  it('a Retry-After longer than maxRetryAfter holds every sender: the rest fail unsent, not one request each', async () => {
    const client = e.client();
    await client.getToken({ scope: WRITE });
    e.emulator.failNextPushRequests(1_000, { kind: 'rate-limit', retryAfter: 120 });
    const counter = countingFetch(5);
    const push = new PushClient({ client: e.client({ fetch: counter.fetch }), applicationId: APP });
    const results = await push.sendAll(notifications(50), { concurrency: 4 });
    expect(results).toHaveLength(50);
    expect(results.every((r) => !r.ok)).toBe(true);
    // Those already under way when the first 429 came, and no more.
    expect(counter.seen.requests).toBeLessThanOrEqual(4);
    const unsent = results.filter((r) => !r.ok && r.attempts === 0);
    expect(unsent.length).toBeGreaterThanOrEqual(46);
    for (const r of unsent) {
      expect(r).toMatchObject({
        mayHaveBeenSent: false,
        error: { name: 'PushError', status: 429 },
      });
      expect((r as unknown as { error: { retryAfter: number } }).error.retryAfter).toBeGreaterThan(
        100_000,
      );
    }
    expect(e.emulator.pushMessages()).toHaveLength(0);
  });

  it('a payload JSON cannot carry fails that message only: the batch keeps every other result', async () => {
    const push = new PushClient({ client: e.client(), applicationId: APP });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const input = [
      { message: { alert: 'one' } },
      { message: { alert: 'two' }, settings: { apns: { payload: { n: 10n } } } },
      { message: { alert: 'three' }, settings: { gcm: { payload: cyclic } } },
      { message: { alert: 'four' } },
    ] as unknown as PushNotification[];
    const results = await push.sendAll(input, { concurrency: 1 });
    expect(results.map((r) => r.ok)).toEqual([true, false, false, true]);
    for (const i of [1, 2]) {
      const failure = results[i] as Extract<PushSendOutcome, { ok: false }>;
      expect(isInvalidInputError(failure.error)).toBe(true);
      expect(failure.error.message).toContain('must be JSON-serializable');
      expect(failure.mayHaveBeenSent).toBe(false);
    }
    expect(
      e.emulator.pushMessages().map((m) => (m.body.message as { alert: string }).alert),
    ).toEqual(['one', 'four']);
    await expect(push.send(input[1] as PushNotification)).rejects.toSatisfy(isInvalidInputError);
  });

  it('a message whose answer was lost is reported as maybe sent, and not sent again', async () => {
    const push = new PushClient({ client: e.client(), applicationId: APP });
    e.emulator.failNextPushRequests(1, { kind: 'server-error', status: 502, accepted: true });
    const [result] = await push.sendAll(notifications(1), { concurrency: 1 });
    expect(result).toMatchObject({ ok: false, mayHaveBeenSent: true, attempts: 1 });
    expect(e.emulator.pushMessages()).toHaveLength(1);
  });

  it('retryMaybeSent: true sends it again — and the devices may get it twice', async () => {
    const push = new PushClient({
      client: e.client(),
      applicationId: APP,
      retry: { minTimeout: 1, randomize: false },
    });
    e.emulator.failNextPushRequests(1, { kind: 'server-error', status: 502, accepted: true });
    const [result] = await push.sendAll(notifications(1), { retryMaybeSent: true });
    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(e.emulator.pushMessages()).toHaveLength(2);
  });

  it('retryMaybeSent: a failure after a maybe-sent attempt still says it may have been sent', async () => {
    const push = new PushClient({
      client: e.client(),
      applicationId: APP,
      retry: { minTimeout: 1, randomize: false, retries: 1 },
    });
    e.emulator.failNextPushRequests(1, { kind: 'drop', accepted: true });
    e.emulator.failNextPushRequests(1, { kind: 'rate-limit', retryAfter: 0 });
    const [result] = await push.sendAll(notifications(1), { retryMaybeSent: true });
    expect(result).toMatchObject({ ok: false, attempts: 2, mayHaveBeenSent: true });
    expect((result as { error: { status?: number } }).error.status).toBe(429);
  });

  it('no token: every message fails with the token error, none sent', async () => {
    const push = new PushClient({
      client: e.client({ clientSecret: 'wrong' }),
      applicationId: APP,
    });
    const results = await push.sendAll(notifications(5));
    expect(results.map((r) => !r.ok && r.error.name)).toEqual(Array(5).fill('TokenRequestError'));
    expect(results.every((r) => !r.ok && !r.mayHaveBeenSent)).toBe(true);
    expect(e.emulator.counters().pushRequests).toBe(0);
  });

  describe('abort', () => {
    it('stops scheduling; under-way messages finish; the rest are reported aborted, not lost', async () => {
      const { seen, fetch } = countingFetch(10);
      const push = new PushClient({ client: e.client({ fetch }), applicationId: APP });
      const controller = new AbortController();
      const input = notifications(20);
      let finished = 0;
      const results: PushSendOutcome[] = [];
      for await (const result of push.sendEach(input, {
        concurrency: 3,
        signal: controller.signal,
      })) {
        results.push(result);
        if (result.ok && ++finished === 4) controller.abort();
      }
      const sent = results.filter((r) => r.ok);
      // Those under way when the signal aborted were let finish, and say so.
      expect(sent.length).toBeGreaterThanOrEqual(4);
      expect(sent.length).toBeLessThanOrEqual(4 + 3);
      expect(e.emulator.pushMessages()).toHaveLength(sent.length);
      expect(seen.requests).toBe(sent.length);

      const all = await push.sendAll(input, { concurrency: 3, signal: controller.signal });
      expect(all).toHaveLength(20);
      expect(all.every((r) => !r.ok && r.error.name === 'PushError')).toBe(true);
      expect(all[7]).toMatchObject({ ok: false, index: 7, attempts: 0, mayHaveBeenSent: false });
      expect((all[7] as unknown as { error: { reason: string } }).error.reason).toBe('aborted');
    });

    it('sendAll reports every message: sent, or aborted with its index', async () => {
      const { fetch } = countingFetch(5);
      const push = new PushClient({ client: e.client({ fetch }), applicationId: APP });
      const controller = new AbortController();
      const input = notifications(30);
      const sending = push.sendAll(input, { concurrency: 2, signal: controller.signal });
      setTimeout(() => controller.abort(), 25);
      const results = await sending;
      expect(results.map((r) => r.index)).toEqual(input.map((_, i) => i));
      const sent = results.filter((r) => r.ok);
      const aborted = results.filter((r) => !r.ok);
      expect(sent.length).toBeGreaterThan(0);
      expect(aborted.length).toBeGreaterThan(0);
      expect(
        aborted.every((r) => !r.ok && r.error.message.includes('aborted before it was sent')),
      ).toBe(true);
      expect(e.emulator.pushMessages()).toHaveLength(sent.length);
    });

    it('a message waiting to retry is aborted, with the attempts it made', async () => {
      const push = new PushClient({ client: e.client(), applicationId: APP });
      e.emulator.failNextPushRequests(1, { kind: 'rate-limit', retryAfter: 30 });
      const controller = new AbortController();
      const sending = push.sendAll(notifications(1), { signal: controller.signal });
      await vi.waitFor(() => expect(e.emulator.counters().pushRequests).toBe(1));
      controller.abort();
      const [result] = await sending;
      expect(result).toMatchObject({ ok: false, attempts: 1, mayHaveBeenSent: false });
    });
  });

  describe('sendEach', () => {
    async function* lazy(count: number, pulled: { n: number }, failAt?: number) {
      for (let i = 0; i < count; i++) {
        if (i === failAt) throw new Error('source broke');
        pulled.n++;
        yield { message: { alert: `m${i}` } };
      }
    }

    it('reads an async source only as fast as it sends, and yields each result with its index', async () => {
      const pulled = { n: 0 };
      const push = new PushClient({ client: e.client(), applicationId: APP });
      const indexes: number[] = [];
      for await (const result of push.sendEach(lazy(50, pulled), { concurrency: 4 })) {
        expect(result.ok).toBe(true);
        indexes.push(result.index);
        // Taken from the source: at most what is done, in work, and waiting to be read.
        expect(pulled.n).toBeLessThanOrEqual(indexes.length + 4 + 4);
      }
      expect(indexes.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    });

    it('leaving the loop stops sending; the messages under way finish before it ends', async () => {
      const pulled = { n: 0 };
      const { seen, fetch } = countingFetch(5);
      const push = new PushClient({ client: e.client({ fetch }), applicationId: APP });
      let read = 0;
      for await (const _ of push.sendEach(lazy(1_000, pulled), { concurrency: 3 })) {
        if (++read === 2) break;
      }
      expect(seen.inFlight).toBe(0);
      const sent = e.emulator.pushMessages().length;
      expect(sent).toBeLessThanOrEqual(2 + 3 + 3);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(e.emulator.pushMessages()).toHaveLength(sent);
    });

    it('an error of the source ends the loop with it, after the messages under way', async () => {
      const push = new PushClient({ client: e.client(), applicationId: APP });
      const seen: PushSendOutcome[] = [];
      await expect(async () => {
        for await (const result of push.sendEach(lazy(10, { n: 0 }, 3), { concurrency: 2 })) {
          seen.push(result);
        }
      }).rejects.toThrow('source broke');
      expect(e.emulator.pushMessages()).toHaveLength(3);
    });

    it.each([
      [{ concurrency: 0 }, 'concurrency'],
      [{ concurrency: 1.5 }, 'concurrency'],
      [{ concurrency: 2_000_000 }, 'concurrency'],
      [{ signal: 'stop' }, 'signal'],
      [{ retryMaybeSent: 'yes' }, 'retryMaybeSent'],
    ])('rejects bad options at once: %o', async (options, field) => {
      const push = new PushClient({ client: e.client(), applicationId: APP });
      expect(() => push.sendEach([], options as never)).toThrow(
        expect.objectContaining({ name: 'InvalidInputError', field }),
      );
      await expect(push.sendAll([], options as never)).rejects.toMatchObject({ field });
      expect(() => push.sendEach(null as never)).toThrow(/iterable/);
    });

    it('an empty input gives no results', async () => {
      const push = new PushClient({ client: e.client(), applicationId: APP });
      await expect(push.sendAll([])).resolves.toEqual([]);
      expect(e.tokenRequests).toBe(0);
    });
  });
});
