import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  prepareReplayableRequest,
  type ReplayableRequest,
  type ReplayableRequestInit,
} from '../src/http/replayable-body.js';

interface Received {
  method: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: Buffer;
}

// A real loopback server: what it receives is what fetch put on the wire.
let server: Server;
let base: string;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks),
      });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received.length = 0;
});

/** Sends the prepared request `times` times, with a different token each time. */
async function sendTimes(prepared: ReplayableRequest, times: number): Promise<void> {
  const headers = prepared.headers();
  for (let i = 0; i < times; i++) {
    headers.set('authorization', `Bearer t${i}`);
    const res = await fetch(...prepared.build(headers));
    expect(await res.text()).toBe('ok');
  }
}

function streamOf(chunks: Uint8Array[], onPull?: () => void) {
  let i = 0;
  const source: UnderlyingDefaultSource<Uint8Array> = {
    pull(controller) {
      onPull?.();
      const chunk = chunks[i++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
  };
  // highWaterMark 0: the stream reads only when asked, so pull counts are reads.
  return new ReadableStream<Uint8Array>(source, { highWaterMark: 0 });
}

const enc = new TextEncoder();
const bytes = (text: string) => enc.encode(text);

function formData(): FormData {
  const form = new FormData();
  form.append('field', 'välue');
  form.append('file', new File(['file contents'], 'a.txt', { type: 'text/plain' }));
  return form;
}

describe('each body kind is replayed with identical bytes and content type', () => {
  const url = () => `${base}/upload`;
  const kinds: Array<
    [
      string,
      () => [RequestInfo | URL, ReplayableRequestInit],
      { body: string; contentType: string | undefined },
    ]
  > = [
    [
      'string',
      () => [url(), { method: 'POST', body: 'héllo' }],
      { body: 'héllo', contentType: 'text/plain;charset=UTF-8' },
    ],
    [
      'ArrayBuffer',
      () => [url(), { method: 'POST', body: bytes('abc').buffer as ArrayBuffer }],
      { body: 'abc', contentType: undefined },
    ],
    [
      'Uint8Array (a view on part of a buffer)',
      () => [url(), { method: 'POST', body: bytes('xxabcxx').subarray(2, 5) }],
      { body: 'abc', contentType: undefined },
    ],
    [
      'DataView',
      () => [url(), { method: 'POST', body: new DataView(bytes('xabc').buffer, 1, 3) }],
      { body: 'abc', contentType: undefined },
    ],
    [
      'Uint16Array',
      () => [url(), { method: 'POST', body: new Uint16Array([0x6261, 0x6463]) }],
      { body: 'abcd', contentType: undefined },
    ],
    [
      'URLSearchParams',
      () => [url(), { method: 'POST', body: new URLSearchParams({ a: '1', b: 'x y' }) }],
      { body: 'a=1&b=x+y', contentType: 'application/x-www-form-urlencoded;charset=UTF-8' },
    ],
    [
      'Blob',
      () => [url(), { method: 'PUT', body: new Blob(['{"a":1}'], { type: 'application/json' }) }],
      { body: '{"a":1}', contentType: 'application/json' },
    ],
    [
      'ReadableStream (buffered)',
      () => [url(), { method: 'POST', body: streamOf([bytes('ab'), bytes('cd')]), duplex: 'half' }],
      { body: 'abcd', contentType: undefined },
    ],
    [
      'ReadableStream with an explicit content-type',
      () => [
        url(),
        {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          body: streamOf([bytes('ab')]),
          duplex: 'half',
        },
      ],
      { body: 'ab', contentType: 'application/octet-stream' },
    ],
    [
      'async iterable of strings and buffers (like a Node Readable)',
      () => [
        url(),
        {
          method: 'POST',
          body: (async function* () {
            yield 'ab';
            yield Buffer.from('cd');
          })() as unknown as BodyInit,
          duplex: 'half',
        },
      ],
      { body: 'abcd', contentType: undefined },
    ],
    [
      'Request with a string body',
      () => [new Request(url(), { method: 'POST', body: 'from request' }), {}],
      { body: 'from request', contentType: 'text/plain;charset=UTF-8' },
    ],
    [
      'Request with a stream body',
      () => [
        new Request(url(), {
          method: 'POST',
          body: streamOf([bytes('str'), bytes('eam')]),
          duplex: 'half',
        } as ReplayableRequestInit),
        {},
      ],
      { body: 'stream', contentType: undefined },
    ],
  ];

  it.each(kinds)('%s', async (_kind, make, expected) => {
    const prepared = await prepareReplayableRequest(...make());
    expect(prepared.replayable).toBe(true);
    expect(prepared.reason).toBeUndefined();
    await sendTimes(prepared, 3);
    expect(received).toHaveLength(3);
    for (const [i, r] of received.entries()) {
      expect(r.body.toString()).toBe(expected.body);
      expect(r.contentType).toBe(expected.contentType);
      expect(r.authorization).toBe(`Bearer t${i}`);
    }
  });

  it('FormData: every send has a content-type whose boundary matches its body', async () => {
    const prepared = await prepareReplayableRequest(`${base}/form`, {
      method: 'POST',
      body: formData(),
    });
    expect(prepared.replayable).toBe(true);
    await sendTimes(prepared, 2);
    const bodies = received.map((r) => {
      const boundary = /boundary=(.+)$/.exec(r.contentType ?? '')?.[1];
      expect(r.contentType).toMatch(/^multipart\/form-data; boundary=/);
      expect(boundary).toBeDefined();
      const body = r.body.toString();
      expect(body).toContain(`--${boundary}\r\n`);
      expect(body.endsWith(`--${boundary}--\r\n`)).toBe(true);
      // fetch draws a new boundary per send: apart from it the bytes are the same.
      return body.replaceAll(boundary as string, 'BOUNDARY');
    });
    expect(bodies[1]).toBe(bodies[0]);
    expect(bodies[0]).toContain('välue');
    expect(bodies[0]).toContain('file contents');
  });

  it('Request with a FormData body: identical bytes and boundary on every send', async () => {
    const request = new Request(`${base}/form`, { method: 'POST', body: formData() });
    const prepared = await prepareReplayableRequest(request);
    expect(prepared.replayable).toBe(true);
    await sendTimes(prepared, 2);
    const [first, second] = received;
    expect(second?.contentType).toBe(first?.contentType);
    expect(second?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
    const boundary = /boundary=(.+)$/.exec(first?.contentType ?? '')?.[1];
    expect(first?.body.toString()).toContain(`--${boundary}--`);
  });
});

describe('bodiless requests: the hot path', () => {
  it('a GET is replayable and hands fetch the caller’s own input, with no body', async () => {
    const url = `${base}/get`;
    const init = { headers: { accept: 'application/json' } };
    const prepared = await prepareReplayableRequest(url, init);
    expect(prepared).toMatchObject({ url, method: 'GET', replayable: true });
    const headers = prepared.headers();
    const [input, sent] = prepared.build(headers);
    expect(input).toBe(url);
    expect(sent.body).toBeUndefined();
    expect(sent.headers).toBe(headers);
    await sendTimes(prepared, 2);
    expect(received.map((r) => [r.method, r.body.length])).toEqual([
      ['GET', 0],
      ['GET', 0],
    ]);
  });

  it('a bodiless Request is reused as it is', async () => {
    const request = new Request(`${base}/get`, { headers: { 'x-a': '1' } });
    const prepared = await prepareReplayableRequest(request);
    expect(prepared.build(prepared.headers())[0]).toBe(request);
    expect(prepared.headers().get('x-a')).toBe('1');
    expect(request.bodyUsed).toBe(false);
  });

  it('accepts a URL object', async () => {
    const prepared = await prepareReplayableRequest(new URL(`${base}/u?q=1`));
    expect(prepared.url).toBe(`${base}/u?q=1`);
    await sendTimes(prepared, 1);
    expect(received).toHaveLength(1);
  });
});

describe('stream bodies and the buffering limit', () => {
  const MiB = 1024 * 1024;

  it('buffers a stream up to the default 1 MiB and reads the source only once', async () => {
    let pulls = 0;
    const chunks = [new Uint8Array(512 * 1024).fill(1), new Uint8Array(512 * 1024).fill(2)];
    const prepared = await prepareReplayableRequest(`${base}/s`, {
      method: 'POST',
      body: streamOf(chunks, () => pulls++),
      duplex: 'half',
    });
    expect(prepared.replayable).toBe(true);
    const pullsAfterPrepare = pulls;
    await sendTimes(prepared, 2);
    expect(pulls).toBe(pullsAfterPrepare);
    expect(pulls).toBe(3); // two chunks, then the end
    expect(received.map((r) => r.body.length)).toEqual([MiB, MiB]);
    expect(received[1]?.body.equals(received[0]?.body ?? Buffer.alloc(0))).toBe(true);
  });

  it('past the limit: not replayable, and the single send carries the whole stream intact', async () => {
    const chunks = Array.from({ length: 5 }, (_, i) => new Uint8Array(300 * 1024).fill(i + 1));
    let pulls = 0;
    const prepared = await prepareReplayableRequest(`${base}/big`, {
      method: 'POST',
      body: streamOf(chunks, () => pulls++),
      duplex: 'half',
    });
    expect(prepared).toMatchObject({ replayable: false, reason: 'body-too-large' });
    // Only the prefix up to the limit was read before the send.
    expect(pulls).toBe(4);
    await sendTimes(prepared, 1);
    const body = received[0]?.body ?? Buffer.alloc(0);
    expect(body.length).toBe(5 * 300 * 1024);
    for (let i = 0; i < 5; i++) expect(body[i * 300 * 1024]).toBe(i + 1);
    expect(() => prepared.build(prepared.headers())).toThrow(/only once/);
  });

  it('honours a custom maxBufferedBytes, counting exactly', async () => {
    const exact = await prepareReplayableRequest(
      `${base}/s`,
      { method: 'POST', body: streamOf([bytes('12345'), bytes('67890')]), duplex: 'half' },
      { maxBufferedBytes: 10 },
    );
    expect(exact.replayable).toBe(true);
    const over = await prepareReplayableRequest(
      `${base}/s`,
      { method: 'POST', body: streamOf([bytes('12345'), bytes('678901')]), duplex: 'half' },
      { maxBufferedBytes: 10 },
    );
    expect(over).toMatchObject({ replayable: false, reason: 'body-too-large' });
    await sendTimes(over, 1);
    expect(received[0]?.body.toString()).toBe('12345678901');
  });

  it('maxBufferedBytes: 0 turns stream replay off but still sends the stream', async () => {
    const prepared = await prepareReplayableRequest(
      `${base}/s`,
      { method: 'POST', body: streamOf([bytes('a')]), duplex: 'half' },
      { maxBufferedBytes: 0 },
    );
    expect(prepared.replayable).toBe(false);
    await sendTimes(prepared, 1);
    expect(received[0]?.body.toString()).toBe('a');
  });

  it('a Request body past the limit is sent once, intact', async () => {
    const request = new Request(`${base}/big`, { method: 'POST', body: 'x'.repeat(2000) });
    const prepared = await prepareReplayableRequest(request, undefined, { maxBufferedBytes: 100 });
    expect(prepared).toMatchObject({ replayable: false, reason: 'body-too-large' });
    await sendTimes(prepared, 1);
    expect(received[0]?.body.toString()).toBe('x'.repeat(2000));
    expect(received[0]?.contentType).toBe('text/plain;charset=UTF-8');
  });

  it('a stream that fails while buffered: not replayable, and the send fails like fetch would', async () => {
    const failure = new Error('disk gone');
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) controller.error(failure);
        else controller.enqueue(bytes('partial'));
        sent = true;
      },
    });
    const prepared = await prepareReplayableRequest(`${base}/s`, {
      method: 'POST',
      body,
      duplex: 'half',
    });
    expect(prepared).toMatchObject({ replayable: false, reason: 'body-stream-error' });
    await expect(fetch(...prepared.build(prepared.headers()))).rejects.toThrow(TypeError);
  });

  it('a stream chunk fetch rejects is passed on, so fetch rejects it as usual', async () => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(42);
        controller.close();
      },
    });
    const prepared = await prepareReplayableRequest(`${base}/s`, {
      method: 'POST',
      body,
      duplex: 'half',
    });
    expect(prepared).toMatchObject({ replayable: false, reason: 'unsupported-body' });
    await expect(fetch(...prepared.build(prepared.headers()))).rejects.toThrow(TypeError);
  });

  it('stops reading and cancels the stream when the signal aborts while buffering', async () => {
    const controller = new AbortController();
    let cancelled: unknown;
    const endless = new ReadableStream<Uint8Array>({
      pull: () => new Promise(() => {}),
      cancel: (reason) => {
        cancelled = reason;
      },
    });
    const pending = prepareReplayableRequest(`${base}/s`, {
      method: 'POST',
      body: endless,
      duplex: 'half',
      signal: controller.signal,
    });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(cancelled).toMatchObject({ name: 'AbortError' });
  });

  it('rejects at once with an already aborted signal, reading nothing', async () => {
    let pulls = 0;
    await expect(
      prepareReplayableRequest(`${base}/s`, {
        method: 'POST',
        body: streamOf([bytes('a')], () => pulls++),
        duplex: 'half',
        signal: AbortSignal.abort(),
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(pulls).toBe(0);
  });
});

describe('request shape', () => {
  it('normalizes the method as fetch does', async () => {
    expect((await prepareReplayableRequest(base, { method: 'post', body: 'a' })).method).toBe(
      'POST',
    );
    expect((await prepareReplayableRequest(base, { method: 'patch', body: 'a' })).method).toBe(
      'patch',
    );
    expect((await prepareReplayableRequest(new Request(base, { method: 'delete' }))).method).toBe(
      'DELETE',
    );
  });

  it('merges a Request with an init the way fetch does (init headers replace)', async () => {
    const request = new Request(`${base}/m`, {
      method: 'POST',
      body: 'payload',
      headers: { 'x-old': '1' },
    });
    const prepared = await prepareReplayableRequest(request, { headers: { 'x-new': '2' } });
    expect(prepared.headers().get('x-old')).toBeNull();
    expect(prepared.headers().get('x-new')).toBe('2');
    await sendTimes(prepared, 2);
    expect(received.map((r) => [r.method, r.body.toString()])).toEqual([
      ['POST', 'payload'],
      ['POST', 'payload'],
    ]);
  });

  it('headers() returns independent copies and never touches the caller’s init', async () => {
    const callerHeaders = new Headers({ 'x-a': '1' });
    const init = { method: 'POST', headers: callerHeaders, body: 'b' };
    const snapshot = { ...init };
    const prepared = await prepareReplayableRequest(base, init);
    const one = prepared.headers();
    one.set('authorization', 'Bearer secret');
    expect(prepared.headers().has('authorization')).toBe(false);
    expect(callerHeaders.has('authorization')).toBe(false);
    prepared.build(one);
    expect(init).toEqual(snapshot);
  });

  it('leaves a Request whose body was already read to fetch, which rejects it', async () => {
    const request = new Request(`${base}/used`, { method: 'POST', body: 'x' });
    await request.text();
    const prepared = await prepareReplayableRequest(request);
    expect(prepared).toMatchObject({ replayable: false, reason: 'body-used' });
    await expect(fetch(...prepared.build(prepared.headers()))).rejects.toThrow(TypeError);
  });

  it('rejects an invalid maxBufferedBytes', async () => {
    await expect(
      prepareReplayableRequest(base, undefined, { maxBufferedBytes: -1 }),
    ).rejects.toThrow(RangeError);
    await expect(
      prepareReplayableRequest(base, undefined, { maxBufferedBytes: Number.NaN }),
    ).rejects.toThrow(RangeError);
  });
});
