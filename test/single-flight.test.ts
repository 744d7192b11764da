import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { isTokenRequestError } from '../src/index.js';
import { flush, newClient, tokenResponse, useTokenServer } from './helpers/token-server.js';

const srv = useTokenServer();
const client = () =>
  newClient({
    retry: false,
  });

function deferred() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { gate, release };
}

describe('single-flight', () => {
  it('1,000 concurrent getToken calls cause exactly one token request', async () => {
    const c = client();
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => c.getToken()));
    expect(srv.count).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(c.stats().tokenRequests).toBe(1);
  });

  it('one request per scope, concurrently', async () => {
    const c = client();
    await Promise.all(['a', 'b', 'a', 'b a', 'a b'].map((scope) => c.getToken({ scope })));
    expect(srv.state.requests.map((r) => r.scope).sort()).toEqual(['a', 'a b', 'b']);
  });

  it("a caller's abort ends only its own wait, never the shared request", async () => {
    const { gate, release } = deferred();
    srv.respond(async () => {
      await gate;
      return tokenResponse();
    });
    const c = client();
    const controller = new AbortController();
    const aborted = c.getToken({ signal: controller.signal });
    const others = Promise.all([c.getToken(), c.getToken()]);
    await flush();
    controller.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toThrow('caller gave up');
    release();
    const [a, b] = await others;
    expect(a).toBe(b);
    expect(srv.count).toBe(1);
    // The token the aborted caller gave up on is cached for the next one.
    expect(await c.getToken()).toBe(a);
  });

  it('rejects at once for an already aborted signal, without a request', async () => {
    const c = client();
    await expect(c.getToken({ signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(srv.count).toBe(0);
  });

  it('shares a failure with every waiter, then clears it so the next call tries again', async () => {
    srv.respond(() => HttpResponse.json({ error: 'invalid_client' }, { status: 400 }));
    const c = newClient({ retry: { retries: 0, cooldown: 0 } });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => c.getToken()));
    expect(results.every((r) => r.status === 'rejected' && isTokenRequestError(r.reason))).toBe(
      true,
    );
    expect(srv.count).toBe(1);
    srv.respond(() => tokenResponse());
    await c.getToken();
    expect(srv.count).toBe(2);
  });
});
