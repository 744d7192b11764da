import { HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConfidentialClient } from '../src/index.js';
import { MFP, useEmulator } from './helpers/emulator.js';

const mfp = useEmulator();
const ECHO = `${MFP}/mfp/api/adapters/echo`;

/** Echoes what it received: content type and body (multipart parsed into fields). */
async function echo(request: Request): Promise<Response> {
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await request.formData();
    const fields: Array<[string, string]> = [];
    for (const [name, value] of form)
      fields.push([
        name,
        typeof value === 'string' ? value : `file:${value.name}:${await value.text()}`,
      ]);
    return HttpResponse.json({ type: 'multipart', fields });
  }
  return HttpResponse.json({ type, body: await request.text() });
}

describe('replay of request bodies after a 401', () => {
  let client: ConfidentialClient;
  beforeEach(async () => {
    mfp.emulator.protect('/mfp/api/adapters/echo', {
      scope: '',
      handler: ({ request }) => echo(request),
    });
    client = mfp.client();
    await client.getToken(); // cached …
    mfp.emulator.revokeAllTokens(); // … and rejected: the first send gets 401, the replay succeeds
  });

  const form = () => {
    const f = new FormData();
    f.set('a', '1');
    f.set('file', new Blob(['file-body'], { type: 'text/plain' }), 'f.txt');
    return f;
  };
  const stream = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        controller.enqueue(bytes.slice(0, 3));
        controller.enqueue(bytes.slice(3));
        controller.close();
      },
    });

  it.each([
    ['string', () => 'hello', { type: 'text/plain;charset=UTF-8', body: 'hello' }],
    ['ArrayBuffer', () => new TextEncoder().encode('buf').buffer, { type: '', body: 'buf' }],
    ['Uint8Array', () => new TextEncoder().encode('u8'), { type: '', body: 'u8' }],
    [
      'DataView',
      () => new DataView(new TextEncoder().encode('dv').buffer),
      { type: '', body: 'dv' },
    ],
    [
      'URLSearchParams',
      () => new URLSearchParams({ q: 'a b' }),
      { type: 'application/x-www-form-urlencoded;charset=UTF-8', body: 'q=a+b' },
    ],
    [
      'Blob',
      () => new Blob(['blob'], { type: 'application/octet-stream' }),
      { type: 'application/octet-stream', body: 'blob' },
    ],
    ['ReadableStream', () => stream('streamed body'), { type: '', body: 'streamed body' }],
    [
      'FormData',
      form,
      {
        type: 'multipart',
        fields: [
          ['a', '1'],
          ['file', 'file:f.txt:file-body'],
        ],
      },
    ],
  ])('%s', async (_kind, body, expected) => {
    const init: RequestInit & { duplex?: 'half' } = { method: 'POST', body: body() as BodyInit };
    if (init.body instanceof ReadableStream) init.duplex = 'half';
    const res = await client.fetch(ECHO, init);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(expected);
    expect(client.stats().reauthentications).toBe(1);
    expect(mfp.emulator.counters().resourceCallsByStatus).toMatchObject({ 401: 1, 200: 1 });
  });

  it('a Request with a body', async () => {
    const res = await client.fetch(
      new Request(ECHO, {
        method: 'PUT',
        body: 'in a request',
        headers: { 'content-type': 'text/x-custom' },
      }),
    );
    expect(await res.json()).toEqual({ type: 'text/x-custom', body: 'in a request' });
  });

  it('a stream larger than replay.maxBodyBytes is sent once and its 401 returned', async () => {
    const big = mfp.client({ replay: { maxBodyBytes: 4 } });
    await big.getToken();
    mfp.emulator.revokeAllTokens();
    const res = await big.fetch(ECHO, {
      method: 'POST',
      body: stream('more than four bytes'),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(401);
    expect(mfp.emulator.counters().resourceCalls).toBe(1);
  });

  it('replay.nonIdempotent: false returns the 401 of a POST, still replays a GET', async () => {
    const careful = mfp.client({ replay: { nonIdempotent: false } });
    await careful.getToken();
    mfp.emulator.revokeAllTokens();
    expect((await careful.fetch(ECHO, { method: 'POST', body: 'x' })).status).toBe(401);
    expect((await careful.fetch(ECHO)).status).toBe(200);
  });

  it('replay: false never replays', async () => {
    const never = mfp.client({ replay: false });
    await never.getToken();
    mfp.emulator.revokeAllTokens();
    expect((await never.fetch(ECHO)).status).toBe(401);
  });

  it('a 401 that is not replayed still drops the rejected token: the next request gets a new one', async () => {
    const never = mfp.client({ replay: false });
    await never.getToken();
    mfp.emulator.revokeAllTokens();
    expect((await never.fetch(ECHO)).status).toBe(401);
    expect((await never.fetch(ECHO)).status).toBe(200);
    expect(mfp.tokenRequests).toBe(3); // the beforeEach client's, this one's first, its new one
  });

  it('a 403 that is not replayed still teaches the scope: the next request asks for it at once', async () => {
    const never = mfp.client({ replay: false });
    const sample = `${MFP}/mfp/api/adapters/sample/resource`;
    expect((await never.fetch(sample)).status).toBe(403);
    expect((await never.fetch(sample)).status).toBe(200);
    expect(mfp.emulator.counters().resourceCallsByStatus).toMatchObject({ 403: 1, 200: 1 });
  });
});
