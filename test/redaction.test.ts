import { inspect } from 'node:util';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { TestClientOptions } from './helpers/token-server.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  fakeClock,
  fakeJwt,
  flush,
  newClient,
  tokenResponse,
  useTokenServer,
} from './helpers/token-server.js';

const srv = useTokenServer();

/**
 * Runs every scenario of the core with a logger and hooks that record everything, then looks for
 * the secret, the Basic credentials and every token issued in all that output.
 */
describe('secrets and tokens never leak', () => {
  it('not in errors, log lines, hook events, inspect or JSON output', async () => {
    const output: string[] = [];
    const issued: string[] = [];
    const record = (...values: unknown[]) => {
      for (const value of values) {
        output.push(typeof value === 'string' ? value : inspect(value, { depth: 10 }));
        try {
          output.push(JSON.stringify(value) ?? '');
        } catch {
          // Circular structures are covered by inspect.
        }
      }
    };
    const issue = (init: Parameters<typeof tokenResponse>[0] = {}) => {
      const accessToken =
        init.accessToken ?? `opaque-${issued.length}-${Math.random().toString(36).slice(2)}`;
      issued.push(accessToken);
      return tokenResponse({ ...init, accessToken });
    };
    const logger = {
      debug: (m: string, d?: unknown) => record(m, d),
      info: (m: string, d?: unknown) => record(m, d),
      warn: (m: string, d?: unknown) => record(m, d),
      error: (m: string, d?: unknown) => record(m, d),
    };
    const hooks = {
      onTokenRequest: (e: unknown) => record(e),
      onToken: (e: unknown) => record(e),
      onRetry: (e: unknown) => record(e),
      onError: (e: unknown) => record(e),
    };
    const clock = fakeClock();
    const make = (extra: TestClientOptions = {}) =>
      newClient({
        now: clock.now,
        logger,
        hooks,
        retry: { retries: 1, minTimeout: 0 },
        ...extra,
      });
    const capture = async (promise: Promise<unknown>) => {
      try {
        record(await promise);
      } catch (error) {
        record(error, (error as Error).stack, String(error), (error as Error).cause);
      }
    };

    // Success, opaque and JWT, and the objects a user may log.
    const client = make();
    srv.respond(() => issue());
    const token = await client.getToken();
    record(client, token, String(token), client.stats(), client.toJSON());
    srv.respond(() =>
      issue({
        accessToken: fakeJwt({ sub: CLIENT_ID, exp: clock.t + 3_600_000, scope: 'a' }),
        scope: 'a',
      }),
    );
    await capture(client.getToken({ scope: 'a' }));

    // Background refresh failure, then success.
    clock.advance(3_400_000);
    srv.respond(() => HttpResponse.json({ error: 'server_error' }, { status: 500 }));
    await capture(client.getToken());
    await flush();

    // Every failure kind, including a server that echoes the secret back.
    const failures: Array<() => Response> = [
      () =>
        HttpResponse.json(
          { error: 'invalid_client', error_description: `bad ${CLIENT_SECRET}` },
          { status: 400 },
        ),
      () => HttpResponse.json({ error: 'invalid_scope' }, { status: 400 }),
      () =>
        new HttpResponse(null, {
          status: 401,
          headers: { 'www-authenticate': 'Basic realm="mfp"' },
        }),
      () => new HttpResponse('<html>oops</html>', { status: 200 }),
      () => HttpResponse.json({ access_token: issued[0], token_type: 'mac' }),
      () => new HttpResponse(null, { status: 302, headers: { location: 'https://elsewhere/' } }),
      () => new HttpResponse(null, { status: 503 }),
      () => HttpResponse.error(),
      // A server that echoes the secret in every field of its answer.
      () =>
        HttpResponse.json(
          {
            error: `invalid_${CLIENT_SECRET}`,
            error_description: CLIENT_SECRET,
            error_uri: `https://idp/help?secret=${encodeURIComponent(CLIENT_SECRET)}`,
          },
          {
            status: 401,
            headers: { 'www-authenticate': `Basic realm="${CLIENT_SECRET}"` },
          },
        ),
      () =>
        new HttpResponse(null, {
          status: 429,
          headers: { 'www-authenticate': `Bearer error="${CLIENT_SECRET}"`, 'retry-after': '9999' },
        }),
      // A token that cannot be sent: refused without echoing it.
      () => {
        issued.push(`leak-${Math.random().toString(36).slice(2)}`);
        return HttpResponse.json({ access_token: `${issued.at(-1)}\nX`, token_type: 'Bearer' });
      },
    ];
    for (const failure of failures) {
      srv.respond(failure);
      await capture(make().getToken({ scope: 'x' }));
    }
    for (const bad of [
      { clientSecret: `${CLIENT_SECRET}\u00e9` },
      { clientSecret: '' },
      // Arguments swapped: the secret where a URL goes.
      { serverUrl: CLIENT_SECRET, clientSecret: 'https://mfp.example.com' },
      { serverUrl: undefined, tokenUrl: `token ${CLIENT_SECRET}` },
      { origins: [CLIENT_SECRET] },
    ]) {
      try {
        make(bad);
      } catch (error) {
        record(error, (error as Error).stack);
      }
    }
    // A secret with characters a quoted-string or JSON escapes, echoed escaped.
    const quoted = 'quo"te\\secret-value';
    srv.respond(() =>
      HttpResponse.json(
        { error: 'invalid_client', error_description: `bad ${quoted}` },
        {
          status: 401,
          headers: {
            'www-authenticate': `Basic realm="${quoted.replace(/["\\]/g, '\\$&')}"`,
          },
        },
      ),
    );
    const escaped = (await make({ clientSecret: quoted })
      .getToken({ scope: 'q' })
      .catch((e: unknown) => e)) as Record<string, unknown>;
    record(escaped);
    for (const field of ['message', 'wwwAuthenticate', 'errorDescription']) {
      expect(String(escaped[field])).not.toContain('quo');
    }
    for (const bad of [
      { serverUrl: `${CLIENT_SECRET}:rest`, clientSecret: 'https://mfp.example.com' },
    ]) {
      try {
        make(bad);
      } catch (error) {
        record(error, (error as Error).stack);
      }
    }
    // client_secret_post puts the secret in the body.
    srv.respond(() => HttpResponse.json({ error: 'invalid_client' }, { status: 401 }));
    await capture(make({ clientAuthentication: 'client_secret_post' }).getToken());

    const all = output.join('\n');
    expect(all.length).toBeGreaterThan(1_000);
    expect(issued.length).toBeGreaterThan(1);
    expect(all).not.toContain(CLIENT_SECRET);
    expect(all).not.toContain(btoa(`${CLIENT_ID}:${CLIENT_SECRET}`));
    for (const accessToken of issued) expect(all).not.toContain(accessToken);
    expect(all).toContain('[redacted]');
  });
});
