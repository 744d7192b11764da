import { describe, expect, it } from 'vitest';
import type { TestClientOptions } from './helpers/token-server.js';
import {
  CLIENT_ID,
  fakeClock,
  fakeJwt,
  newClient,
  tokenResponse,
  useTokenServer,
} from './helpers/token-server.js';

const srv = useTokenServer();

describe('token expiry', () => {
  const setup = (extra: TestClientOptions = {}) => {
    const clock = fakeClock();
    const logs: string[] = [];
    const client = newClient({
      now: clock.now,
      logger: { debug() {}, info() {}, warn: (m) => logs.push(m), error: (m) => logs.push(m) },
      ...extra,
    });
    return { clock, client, logs };
  };

  it('counts expires_in from when the request was sent, not when the answer arrived', async () => {
    const { clock, client } = setup();
    const sentAt = clock.t;
    srv.respond(() => {
      clock.advance(2_000); // the server takes 2 s to answer
      return tokenResponse({ expiresIn: 3599 });
    });
    const token = await client.getToken();
    expect(token.issuedAt).toBe(sentAt);
    expect(token.expiresAt).toBe(sentAt + 3_599_000);
  });

  it('decodes a JWT into claims and reads MobileFirst exp in milliseconds', async () => {
    const { clock, client } = setup();
    const expMs = clock.t + 1_800_000; // the JWT says 30 min, expires_in says 1 h
    srv.respond(() =>
      tokenResponse({
        accessToken: fakeJwt({ iss: 'com.ibm.mfp', sub: CLIENT_ID, exp: expMs, scope: 'a' }),
        expiresIn: 3600,
      }),
    );
    const token = await client.getToken();
    expect(token.claims).toMatchObject({ iss: 'com.ibm.mfp', sub: CLIENT_ID, exp: expMs });
    expect(token.expiresAt).toBe(expMs);
  });

  it('reads a standard exp in seconds', async () => {
    const { clock, client } = setup();
    const expS = Math.floor(clock.t / 1000) + 600;
    srv.respond(() => tokenResponse({ accessToken: fakeJwt({ exp: expS }), expiresIn: 3600 }));
    expect((await client.getToken()).expiresAt).toBe(expS * 1000);
  });

  it('keeps expires_in when it is earlier than exp', async () => {
    const { clock, client } = setup();
    srv.respond(() =>
      tokenResponse({ accessToken: fakeJwt({ exp: clock.t + 7_200_000 }), expiresIn: 60 }),
    );
    expect((await client.getToken()).expiresAt).toBe(clock.t + 60_000);
  });

  it('uses exp when expires_in is absent', async () => {
    const { clock, client } = setup();
    srv.respond(() =>
      tokenResponse({ accessToken: fakeJwt({ exp: clock.t + 900_000 }), expiresIn: undefined }),
    );
    expect((await client.getToken()).expiresAt).toBe(clock.t + 900_000);
  });

  it('assumes defaultExpiresIn (300 s) for an opaque token without expires_in', async () => {
    const { clock, client } = setup();
    srv.respond(() => tokenResponse({ expiresIn: undefined }));
    expect((await client.getToken()).expiresAt).toBe(clock.t + 300_000);
    const other = setup({ refresh: { defaultExpiresIn: 42 } });
    expect((await other.client.getToken()).expiresAt).toBe(other.clock.t + 42_000);
  });

  it('ignores an exp already in the past (server clock behind) and warns, instead of refreshing in a loop', async () => {
    const { clock, client, logs } = setup();
    srv.respond(() =>
      tokenResponse({ accessToken: fakeJwt({ exp: clock.t - 3_600_000 }), expiresIn: 3599 }),
    );
    const token = await client.getToken();
    expect(token.expiresAt).toBe(clock.t + 3_599_000);
    expect(logs.join('\n')).toMatch(/clock/);
    await client.getToken();
    expect(srv.count).toBe(1);
  });

  it('treats a JWT-looking opaque token as opaque', async () => {
    const { client } = setup();
    srv.respond(() => tokenResponse({ accessToken: 'abc.def.ghi' }));
    expect((await client.getToken()).claims).toBeUndefined();
  });

  it('caps an absurd lifetime at one year, so the token still prints', async () => {
    const { clock, client } = setup();
    srv.respond(() => tokenResponse({ expiresIn: 1e13 }));
    const token = await client.getToken();
    expect(token.expiresAt).toBe(clock.t + 365 * 24 * 3600 * 1000);
    expect(() => JSON.stringify(token)).not.toThrow();
    expect(String(token)).toMatch(/expires 2027-/);
  });
});
