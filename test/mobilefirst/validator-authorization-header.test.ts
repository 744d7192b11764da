import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBearerAuthorization } from '../../src/mobilefirst/index.js';

const B64TOKEN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/';
const b64token = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...B64TOKEN), minLength: 1, maxLength: 200 }),
    fc.string({ unit: fc.constant('='), maxLength: 3 }),
  )
  .map(([body, padding]) => body + padding);

describe('Authorization header parsing (RFC 6750 §2.1, strictly)', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['bEaReR abc', 'abc'],
    ['Bearer  abc', 'abc'],
    ['Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl', 'eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl'],
    ['Bearer a-b.c_d~e+f/g==', 'a-b.c_d~e+f/g=='],
  ])('reads %j', (header, token) => {
    expect(parseBearerAuthorization(header)).toBe(token);
  });

  it.each([
    ['no header', undefined],
    ['null', null],
    ['a number', 42],
    ['an array of values', ['Bearer abc']],
    ['empty', ''],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['another scheme', 'Basic dGVzdDp0ZXN0'],
    ['a scheme that only starts like Bearer', 'Bearerx abc'],
    ['no space', 'Bearerabc'],
    ['two tokens', 'Bearer abc def'],
    ['a repeated header joined by a comma', 'Bearer abc, Bearer def'],
    ['a leading space', ' Bearer abc'],
    ['a trailing space', 'Bearer abc '],
    ['a tab as separator', 'Bearer\tabc'],
    ['a newline', 'Bearer abc\n'],
    ['auth-params', 'Bearer token="abc"'],
    ['padding in the middle', 'Bearer ab=c'],
    ['only padding', 'Bearer ==='],
    ['a quote', 'Bearer "abc"'],
    ['non-ASCII', 'Bearer abcé'],
  ])('refuses %s', (_what, header) => {
    expect(parseBearerAuthorization(header)).toBeUndefined();
  });

  it('reads back every b64token after "Bearer" with any case and any number of spaces', () => {
    fc.assert(
      fc.property(
        b64token,
        fc.constantFrom('Bearer', 'bearer', 'BEARER'),
        fc.integer({ min: 1, max: 3 }),
        (token, scheme, spaces) => {
          expect(parseBearerAuthorization(`${scheme}${' '.repeat(spaces)}${token}`)).toBe(token);
        },
      ),
    );
  });

  it('never throws, and anything it returns is a b64token found in the header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (header) => {
        const token = parseBearerAuthorization(header);
        if (token !== undefined) {
          expect(token).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
          expect(header.endsWith(token)).toBe(true);
        }
      }),
    );
  });

  it('takes linear time on a long hostile header', () => {
    const header = `Bearer ${'a'.repeat(100_000)} =`;
    const start = performance.now();
    expect(parseBearerAuthorization(header)).toBeUndefined();
    expect(performance.now() - start).toBeLessThan(100);
  });
});
