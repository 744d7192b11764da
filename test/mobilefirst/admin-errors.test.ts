import { isTimeoutError } from 'confidential-client';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminError, isAdminError } from '../../src/mobilefirst/index.js';
import { MFP, useEmulator } from '../helpers/emulator.js';
import { adminClient, CLIENTS_PATH, recordingFetch } from './admin-harness.js';

const h = useEmulator();
const backend = { id: 'backend', secret: 's3cret', allowedScope: 'a' };
afterEach(() => {
  vi.useRealTimers();
});

async function failure(promise: Promise<unknown>): Promise<AdminError> {
  const error = await promise.then(
    () => {
      throw new Error('expected an AdminError');
    },
    (e: unknown) => e,
  );
  expect(isAdminError(error)).toBe(true);
  expect(error).toBeInstanceOf(AdminError);
  expect(error).toMatchObject({ name: 'AdminError', code: 'ERR_CC_ADMIN' });
  return error as AdminError;
}

describe('HTTP errors are typed', () => {
  it('401: the administrator password is wrong', async () => {
    const error = await failure(adminClient(MFP, { password: 'wrong-password' }).list());
    expect(error).toMatchObject({ kind: 'http', status: 401 });
    expect(error.message).toContain('check username and password');
    expect(error.message).not.toContain('wrong-password');
    expect(error.response?.status).toBe(401);
    expect(Object.keys(error)).not.toContain('response');
  });

  it('403: the user lacks the role', async () => {
    h.server.use(
      http.get(`${MFP}${CLIENTS_PATH}`, () =>
        HttpResponse.json(
          { message: 'The user is not authorized to call this service.' },
          { status: 403 },
        ),
      ),
    );
    const error = await failure(adminClient(MFP).list());
    expect(error).toMatchObject({ kind: 'http', status: 403 });
    expect(error.message).toMatch(
      /mfpadmin or mfpdeployer.*The server said: The user is not authorized/,
    );
  });

  it('404: the runtime does not exist', async () => {
    const error = await failure(adminClient(MFP, { runtime: 'nope' }).get('test'));
    expect(error).toMatchObject({ kind: 'http', status: 404 });
    expect(error.message).toContain('no runtime "nope"');
  });

  it('400 FAILURE: the transaction’s details are carried', async () => {
    h.emulator.failNextAdminWrite({ details: 'FWLSE3000E: the payload is invalid', status: 400 });
    const error = await failure(adminClient(MFP).upsert(backend));
    expect(error).toMatchObject({
      kind: 'transaction-failed',
      status: 400,
      details: ['FWLSE3000E: the payload is invalid'],
      transactionStatus: 'FAILURE',
      transactionId: 1,
    });
    expect(error.message).toContain('ended FAILURE (HTTP 400): FWLSE3000E: the payload is invalid');
    expect(h.emulator.clients().map((c) => c.id)).not.toContain('backend');
  });

  it('500 with a FAILURE transaction is a failed transaction; 500 without one is an HTTP error', async () => {
    h.emulator.failNextAdminWrite({ details: 'internal error' });
    expect(await failure(adminClient(MFP).remove('test'))).toMatchObject({
      kind: 'transaction-failed',
      status: 500,
    });
    h.server.use(
      http.get(`${MFP}${CLIENTS_PATH}`, () => new HttpResponse('Service down', { status: 500 })),
    );
    const error = await failure(adminClient(MFP).list());
    expect(error).toMatchObject({ kind: 'http', status: 500, details: [] });
    expect(error.message).toContain('The server said: Service down');
  });

  it('a redirect is not followed with the credentials', async () => {
    h.server.use(
      http.get(
        `${MFP}${CLIENTS_PATH}`,
        () =>
          new HttpResponse(null, {
            status: 302,
            headers: { location: 'https://elsewhere.example/' },
          }),
      ),
    );
    const rec = recordingFetch();
    const error = await failure(adminClient(MFP, { fetch: rec.fetch }).list());
    expect(error).toMatchObject({ kind: 'http', status: 302 });
    expect(error.message).toContain('https://elsewhere.example/');
    expect(rec.calls).toHaveLength(1);
  });

  it('a 200 that is not a client list is an invalid response', async () => {
    h.server.use(http.get(`${MFP}${CLIENTS_PATH}`, () => HttpResponse.html('<html>login</html>')));
    expect(await failure(adminClient(MFP).list())).toMatchObject({
      kind: 'invalid-response',
      status: 200,
    });
  });

  it('a PUT answered 200 without a transaction is an invalid response that says to check', async () => {
    h.server.use(http.put(`${MFP}${CLIENTS_PATH}`, () => HttpResponse.json({ ok: true })));
    const error = await failure(adminClient(MFP).upsert(backend));
    expect(error).toMatchObject({ kind: 'invalid-response' });
    expect(error.message).toContain('may have been written');
  });

  it('an unreachable server is a network error with its cause', async () => {
    const cause = new TypeError('fetch failed', {
      cause: new Error('connect ECONNREFUSED 127.0.0.1:9080'),
    });
    const error = await failure(adminClient(MFP, { fetch: () => Promise.reject(cause) }).list());
    expect(error).toMatchObject({ kind: 'network', cause });
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('transactions that fail or do not end', () => {
  it('an asynchronous transaction that ends FAILURE', async () => {
    h.emulator.failNextAdminWrite({ details: 'could not deploy' });
    h.emulator.setAdminTransactionReads(0);
    const error = await failure(adminClient(MFP, { async: true, pollInterval: 1 }).upsert(backend));
    expect(error).toMatchObject({
      kind: 'transaction-failed',
      status: undefined,
      details: ['could not deploy'],
      transactionStatus: 'FAILURE',
    });
  });

  it('a transaction still PENDING after transactionTimeout fails, after a bounded number of reads', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    h.emulator.setAdminTransactionReads(Number.POSITIVE_INFINITY);
    const rec = recordingFetch();
    const done = failure(
      adminClient(MFP, {
        fetch: rec.fetch,
        async: true,
        transactionTimeout: 5000,
        pollInterval: 1000,
      }).upsert(backend),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    const error = await done;
    expect(error).toMatchObject({
      kind: 'transaction-timeout',
      transactionId: 1,
      transactionStatus: 'PENDING',
    });
    expect(error.message).toContain('after 5000 ms');
    expect(rec.calls.filter((c) => c.includes('/transactions/'))).toHaveLength(5);
  });

  it('a transaction state the API does not document is an invalid response, not a loop', async () => {
    h.server.use(
      http.put(`${MFP}${CLIENTS_PATH}`, () =>
        HttpResponse.json({ ok: true, transaction: { id: 7, status: 'DREAMING' } }),
      ),
    );
    expect(await failure(adminClient(MFP).upsert(backend))).toMatchObject({
      kind: 'invalid-response',
      transactionStatus: 'DREAMING',
    });
  });

  it('a transaction that cannot be read back is an HTTP error', async () => {
    h.server.use(
      http.put(`${MFP}${CLIENTS_PATH}`, () =>
        HttpResponse.json({ ok: true, transaction: { id: 99, status: 'PENDING' } }),
      ),
    );
    expect(await failure(adminClient(MFP, { pollInterval: 1 }).upsert(backend))).toMatchObject({
      kind: 'http',
      status: 404,
    });
  });
});

describe('time limits and aborts', () => {
  it('a request with no answer within timeout fails with kind timeout (cause: the core’s TimeoutError)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const done = failure(adminClient(MFP, { fetch: hanging, timeout: 2000 }).upsert(backend));
    await vi.advanceTimersByTimeAsync(2000);
    const error = await done;
    expect(error.kind).toBe('timeout');
    expect(isTimeoutError(error.cause)).toBe(true);
    expect(error.message).toContain('within 2000 ms');
  });

  it('the caller’s signal aborts a call with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    h.emulator.onNextAdminRead(() => controller.abort(reason));
    await expect(adminClient(MFP).upsert(backend, { signal: controller.signal })).rejects.toBe(
      reason,
    );
    await expect(adminClient(MFP).list({ signal: controller.signal })).rejects.toBe(reason);
  });
});
