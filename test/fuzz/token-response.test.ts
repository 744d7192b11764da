import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AccessToken,
  ConfidentialClient,
  isConfidentialClientError,
  isTokenResponseError,
} from '../../src/index.js';
import { parseTokenResponse } from '../../src/token/parse-token-response.js';
import { CLIENT_ID, CLIENT_SECRET, fakeJwt, TOKEN_URL } from '../helpers/token-server.js';
import { FUZZ_RUNS, fuzzTimeout } from './fuzz-runs.js';

const SENT_AT = Date.UTC(2026, 10, 30, 12);

/** A value of any JSON type, and the odd ones servers send in each field. */
const odd = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', ' ', '1e400', '-1', '0', '3600 ', ' 12.5', 'NaN', '0x10', '\u0000', null),
  fc.double(),
  fc.integer(),
);

/** A token: visible ASCII, anything at all, or a JWT whose `exp` is in s, in ms, past, absurd. */
const token = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
  fc
    .record(
      {
        exp: fc.oneof(
          fc.integer({ min: 0, max: 2 ** 31 }),
          fc.integer({ min: SENT_AT - 1e10, max: SENT_AT + 1e10 }),
          fc.double(),
          odd,
        ),
        scope: odd,
      },
      { requiredKeys: [] },
    )
    .map(fakeJwt),
  fc
    .tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }))
    .map((parts) => parts.join('.')),
);

/** A token response: well-formed fields mixed with odd values, missing and extra fields. */
const body = fc.oneof(
  fc.record(
    {
      access_token: fc.oneof(token, odd),
      token_type: fc.oneof(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'mac', 'DPoP'), odd),
      expires_in: fc.oneof(fc.integer({ min: -10, max: 10 ** 9 }), odd),
      scope: fc.oneof(fc.string({ maxLength: 30 }), odd),
      extra: odd,
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

const HEADER_SAFE = /^Bearer [\x21-\x7E]+$/;

function checkAccepted(accepted: AccessToken): void {
  // Every accepted token can be sent: a header that cannot hold it would fail every request.
  expect(accepted.authorization).toMatch(HEADER_SAFE);
  expect(() => new Headers({ authorization: accepted.authorization })).not.toThrow();
  expect(Number.isFinite(accepted.expiresAt)).toBe(true);
  expect(accepted.expiresAt).toBeGreaterThanOrEqual(SENT_AT);
  // Its redacted forms never throw, and hold no token (long enough not to be a common word).
  const json = JSON.stringify(accepted);
  if (accepted.accessToken.length >= 12) expect(json).not.toContain(accepted.accessToken);
}

describe('fuzz: token-response parsing', () => {
  it(
    `parseTokenResponse: only TokenResponseError escapes; every accepted token is header-safe (${FUZZ_RUNS} runs)`,
    () => {
      fc.assert(
        fc.property(body, fc.integer({ min: 1, max: 86_400 }), (value, defaultExpiresIn) => {
          let accepted: AccessToken;
          try {
            accepted = parseTokenResponse(value, {
              sentAt: SENT_AT,
              requestedScope: ['a'],
              defaultExpiresIn,
              status: 200,
            });
          } catch (error) {
            expect(isTokenResponseError(error), String(error)).toBe(true);
            return;
          }
          checkAccepted(accepted);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    fuzzTimeout(0.5),
  );

  it(
    'AccessToken.fromRecord (what a store reads back): never throws, and what it accepts is usable',
    () => {
      const record = fc.oneof(
        fc.anything(),
        fc.record(
          {
            accessToken: fc.oneof(token, odd),
            tokenType: fc.oneof(fc.constant('Bearer'), odd),
            scope: fc.oneof(fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), odd),
            expiresAt: fc.oneof(fc.integer({ min: SENT_AT + 1, max: SENT_AT + 1e9 }), odd),
            issuedAt: fc.oneof(fc.constant(SENT_AT), odd),
            claims: odd,
          },
          { requiredKeys: [] },
        ),
      );
      fc.assert(
        fc.property(record, (value) => {
          const accepted = AccessToken.fromRecord(value);
          if (accepted === undefined) return;
          expect(accepted.authorization).toMatch(HEADER_SAFE);
          expect(() => JSON.stringify(accepted)).not.toThrow();
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    fuzzTimeout(0.5),
  );

  it('AccessToken.fromRecord refuses what fuzzing found: a token no header can carry, a date beyond Date', () => {
    const record = { tokenType: 'Bearer', scope: [], issuedAt: SENT_AT };
    expect(
      AccessToken.fromRecord({ ...record, accessToken: '\u0000', expiresAt: SENT_AT + 1 }),
    ).toBe(undefined);
    expect(AccessToken.fromRecord({ ...record, accessToken: 'ok', expiresAt: 8.64e15 + 1 })).toBe(
      undefined,
    );
    expect(AccessToken.fromRecord({ ...record, accessToken: 'ok', expiresAt: Number.NaN })).toBe(
      undefined,
    );
    expect(
      AccessToken.fromRecord({ ...record, accessToken: 'ok', expiresAt: SENT_AT + 1 }),
    ).toBeDefined();
  });

  it(
    'through the client: any status, content type and body bytes → a token or a ConfidentialClientError',
    async () => {
      const answer = fc.record({
        status: fc.constantFrom(200, 201, 204, 400, 401, 403, 429, 500, 503),
        type: fc.constantFrom('application/json', 'text/html', 'application/json; charset=utf-8'),
        text: fc.oneof(
          body.map((value) => JSON.stringify(value) ?? 'undefined'),
          fc.string({ unit: 'binary', maxLength: 200 }),
        ),
        retryAfter: fc.option(fc.oneof(fc.string({ maxLength: 12 }), fc.nat().map(String))),
        challenge: fc.option(fc.string({ maxLength: 60 })),
      });
      await fc.assert(
        fc.asyncProperty(answer, async ({ status, type, text, retryAfter, challenge }) => {
          const headers = new Headers({ 'content-type': type });
          if (retryAfter !== null) headers.set('retry-after', retryAfter.replace(/[\r\n\0]/g, ''));
          if (challenge !== null) {
            headers.set('www-authenticate', challenge.replace(/[\r\n\0]/g, ''));
          }
          const bodyless = status === 204;
          const client = new ConfidentialClient({
            tokenUrl: TOKEN_URL,
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            retry: false,
            now: () => SENT_AT,
            fetch: async () => new Response(bodyless ? null : text, { status, headers }),
          });
          try {
            checkAccepted(await client.getToken());
          } catch (error) {
            expect(isConfidentialClientError(error), String(error)).toBe(true);
            expect(String(error)).not.toContain(CLIENT_SECRET);
          } finally {
            await client.close();
          }
        }),
        { numRuns: Math.ceil(FUZZ_RUNS / 10) },
      );
    },
    fuzzTimeout(0.5),
  );
});
