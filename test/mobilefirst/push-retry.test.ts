import { afterEach, describe, expect, it, vi } from 'vitest';
import { PushClient, type PushRetryOptions } from '../../src/mobilefirst/index.js';
import { useEmulator } from '../helpers/emulator.js';

const APP = 'com.acme.app';
const hello = { message: { alert: 'Hello' } };
const NO_JITTER: PushRetryOptions = { randomize: false, minTimeout: 100, factor: 2 };

/** What a retry waits is read from the fake clock; nothing sleeps for real. */
describe('push retries', () => {
  const e = useEmulator();
  afterEach(() => {
    vi.useRealTimers();
  });

  /**
   * A PushClient whose tokens are already cached, then the clock faked: the token requests go
   * through MSW, whose own timers must stay real.
   */
  async function push(retry: PushRetryOptions | false = NO_JITTER): Promise<PushClient> {
    const client = e.client();
    await client.getToken({ scope: ['messages.write', `push.application.${APP}`] });
    await client.getToken({ scope: ['messages.read', `push.application.${APP}`] });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    return new PushClient({ client, applicationId: APP, retry });
  }
  const requests = () => e.emulator.counters().pushRequests;

  /** Settles `promise` while moving the fake clock in steps of `step` ms. */
  async function run<T>(promise: Promise<T>, step = 50): Promise<T> {
    let done = false;
    const settled = promise.finally(() => {
      done = true;
    });
    for (let i = 0; i < 10_000 && !done; i++) await vi.advanceTimersByTimeAsync(step);
    return settled;
  }

  it('waits out Retry-After on a 429, then sends again', async () => {
    e.emulator.failNextPushRequests(1, { kind: 'rate-limit', retryAfter: 2 });
    const sending = (await push()).send(hello);
    await vi.advanceTimersByTimeAsync(1_990);
    expect(requests()).toBe(1);
    await vi.advanceTimersByTimeAsync(20);
    await expect(sending).resolves.toMatchObject({ messageId: expect.any(String) });
    expect(requests()).toBe(2);
    expect(e.emulator.pushMessages()).toHaveLength(1);
  });

  it('backs off exponentially on a 429 without a usable Retry-After', async () => {
    e.emulator.failNextPushRequests(2, { kind: 'rate-limit', retryAfter: 0 });
    const sending = (await push()).send(hello);
    await vi.advanceTimersByTimeAsync(99);
    expect(requests()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(requests()).toBe(2);
    await vi.advanceTimersByTimeAsync(199);
    expect(requests()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    await expect(sending).resolves.toBeDefined();
    expect(requests()).toBe(3);
  });

  it('does not retry a send after a 503 with Retry-After: HTTP does not say it did nothing', async () => {
    e.emulator.failNextPushRequests(1, {
      kind: 'server-error',
      status: 503,
      retryAfter: 0,
      accepted: true,
    });
    const error = await run((await push()).send(hello).catch((caught: unknown) => caught));
    expect(error).toMatchObject({ name: 'PushError', status: 503, mayHaveBeenSent: true });
    expect(requests()).toBe(1);
    expect(e.emulator.pushMessages()).toHaveLength(1); // once, not twice
  });

  it.each([
    ['500', { kind: 'server-error', status: 500 }],
    ['502', { kind: 'server-error', status: 502 }],
    ['503 without Retry-After', { kind: 'server-error', status: 503 }],
    ['a dropped connection', { kind: 'drop' }],
  ] as const)('never retries a send after %s: it may have been sent', async (_, fault) => {
    e.emulator.failNextPushRequests(1, { ...fault, accepted: true });
    const error = await run((await push()).send(hello).catch((caught: unknown) => caught));
    expect(error).toMatchObject({ name: 'PushError', mayHaveBeenSent: true });
    expect(requests()).toBe(1);
    expect(e.emulator.pushMessages()).toHaveLength(1);
  });

  it('retries a get after a 500 or a drop (a read has no effect)', async () => {
    const p = await push();
    const { messageId } = await p.send(hello);
    e.emulator.failNextPushRequests(1, { kind: 'server-error', status: 500 });
    e.emulator.failNextPushRequests(1, { kind: 'drop' });
    await expect(run(p.get(messageId))).resolves.toMatchObject({ messageId });
  });

  it('never retries a delete after a 502: it may have been carried out', async () => {
    const p = await push();
    const { messageId } = await p.send(hello);
    e.emulator.failNextPushRequests(1, { kind: 'server-error', status: 502, accepted: true });
    const error = await run(p.delete(messageId).catch((caught: unknown) => caught));
    expect(error).toMatchObject({ status: 502, mayHaveBeenSent: true });
    expect(e.emulator.pushMessages()).toEqual([]);
  });

  it('gives up after `retries` retries with the last error', async () => {
    e.emulator.failNextPushRequests(10, { kind: 'rate-limit', retryAfter: 1 });
    const error = await run(
      (await push({ ...NO_JITTER, retries: 3 })).send(hello).catch((c: unknown) => c),
    );
    expect(error).toMatchObject({ status: 429, retryAfter: 1000, mayHaveBeenSent: false });
    expect(requests()).toBe(4);
  });

  it('gives up at once when Retry-After is over maxRetryAfter', async () => {
    e.emulator.failNextPushRequests(1, { kind: 'rate-limit', retryAfter: 120 });
    const error = await (await push()).send(hello).catch((c: unknown) => c);
    expect(error).toMatchObject({ status: 429, retryAfter: 120_000 });
    expect(requests()).toBe(1);
  });

  it('gives up when the next wait would end past maxRetryTime', async () => {
    e.emulator.failNextPushRequests(10, { kind: 'rate-limit', retryAfter: 4 });
    const error = await run(
      (await push({ ...NO_JITTER, maxRetryTime: 10_000 })).send(hello).catch((c: unknown) => c),
    );
    expect(error).toMatchObject({ status: 429 });
    expect(requests()).toBe(3);
  });

  it('retry: false makes one attempt', async () => {
    e.emulator.failNextPushRequests(1, { kind: 'rate-limit', retryAfter: 1 });
    await expect((await push(false)).send(hello)).rejects.toMatchObject({ status: 429 });
    expect(requests()).toBe(1);
  });

  it('randomize spreads the backoff between 1 and 2 times the delay', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    e.emulator.failNextPushRequests(1, { kind: 'rate-limit', retryAfter: 0 });
    const sending = (await push({ minTimeout: 100 })).send(hello);
    await vi.advanceTimersByTimeAsync(149);
    expect(requests()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(sending).resolves.toBeDefined();
  });

  it('a 429 holds every sender of the PushClient for its Retry-After', async () => {
    const p = await push();
    e.emulator.failNextPushRequests(1, { kind: 'rate-limit', retryAfter: 3 });
    const first = p.send({ message: { alert: 'first' } });
    await vi.advanceTimersByTimeAsync(10);
    expect(requests()).toBe(1);
    // Sent during the pause: it waits with the first, though nothing failed for it.
    const second = p.send({ message: { alert: 'second' } });
    await vi.advanceTimersByTimeAsync(2_900);
    expect(requests()).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    await Promise.all([first, second]);
    expect(requests()).toBe(3);
  });

  it('an abort during the wait ends it: aborted, not sent', async () => {
    e.emulator.failNextPushRequests(1, { kind: 'rate-limit', retryAfter: 5 });
    const controller = new AbortController();
    const sending = (await push())
      .send(hello, { signal: controller.signal })
      .catch((c: unknown) => c);
    await vi.advanceTimersByTimeAsync(1_000);
    controller.abort();
    expect(await sending).toMatchObject({ reason: 'aborted', mayHaveBeenSent: false });
    expect(requests()).toBe(1);
  });
});
