import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Challenge,
  classifyChallenge,
  findBearerChallenge,
  formatChallenge,
  isChallengeScheme,
  parseWwwAuthenticate,
} from '../src/http/parse-www-authenticate.js';

/** Plain-object view of challenges, so expectations read naturally. */
function plain(challenges: Challenge[]) {
  return challenges.map((c) => ({
    scheme: c.scheme,
    params: { ...c.params },
    ...(c.token68 === undefined ? {} : { token68: c.token68 }),
  }));
}

describe('parseWwwAuthenticate: real-world headers', () => {
  const table: Array<[string, string, ReturnType<typeof plain>]> = [
    ['MobileFirst: missing token', 'Bearer', [{ scheme: 'Bearer', params: {} }]],
    [
      'MobileFirst: rejected token',
      'Bearer error="invalid_token"',
      [{ scheme: 'Bearer', params: { error: 'invalid_token' } }],
    ],
    [
      'MobileFirst: insufficient scope',
      'Bearer error="insufficient_scope", scope="RegisteredClient accessRestricted"',
      [
        {
          scheme: 'Bearer',
          params: { error: 'insufficient_scope', scope: 'RegisteredClient accessRestricted' },
        },
      ],
    ],
    [
      'several challenges, params after the second scheme belong to it',
      'Basic realm="x", Bearer realm="y", error="invalid_token"',
      [
        { scheme: 'Basic', params: { realm: 'x' } },
        { scheme: 'Bearer', params: { realm: 'y', error: 'invalid_token' } },
      ],
    ],
    [
      'RFC 7235 §4.1 example (token value, escaped quotes)',
      'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
      [
        { scheme: 'Newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
        { scheme: 'Basic', params: { realm: 'simple' } },
      ],
    ],
    [
      'token68 with padding, then another challenge',
      'Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag+/x==, Basic realm="r"',
      [
        { scheme: 'Negotiate', params: {}, token68: 'YIIGhgYGKwYBBQUCoIIGejCCBnag+/x==' },
        { scheme: 'Basic', params: { realm: 'r' } },
      ],
    ],
    [
      'token68 that looks like a name with an empty value',
      'Basic abc=',
      [{ scheme: 'Basic', params: {}, token68: 'abc=' }],
    ],
    [
      'RFC 6750 example with error_description',
      'Bearer realm="example", error="invalid_token", error_description="The access token expired"',
      [
        {
          scheme: 'Bearer',
          params: {
            realm: 'example',
            error: 'invalid_token',
            error_description: 'The access token expired',
          },
        },
      ],
    ],
    [
      'odd whitespace: tabs, BWS around "=", empty list elements',
      ' ,\tBearer \t realm \t=\t "a" ,, ,  error= invalid_token ,\t',
      [{ scheme: 'Bearer', params: { realm: 'a', error: 'invalid_token' } }],
    ],
    [
      'case-insensitive names: scheme kept as sent, params lowercased',
      'bEaReR ERROR="invalid_token", Scope="a"',
      [{ scheme: 'bEaReR', params: { error: 'invalid_token', scope: 'a' } }],
    ],
    [
      'empty quoted value and a comma inside quotes',
      'Bearer realm="", scope="a,b", error="x"',
      [{ scheme: 'Bearer', params: { realm: '', scope: 'a,b', error: 'x' } }],
    ],
    [
      'schemes without params',
      'Basic, Bearer, Negotiate',
      [
        { scheme: 'Basic', params: {} },
        { scheme: 'Bearer', params: {} },
        { scheme: 'Negotiate', params: {} },
      ],
    ],
    [
      'repeated param: first value wins',
      'Bearer error="invalid_token", error="insufficient_scope"',
      [{ scheme: 'Bearer', params: { error: 'invalid_token' } }],
    ],
    [
      'unquoted URL value (not a token) is still read',
      'Bearer error_uri=https://as.example/errors?x=1, error=invalid_token',
      [
        {
          scheme: 'Bearer',
          params: { error_uri: 'https://as.example/errors?x=1', error: 'invalid_token' },
        },
      ],
    ],
    ['empty header', '', []],
    ['only separators', ' , ,\t', []],
  ];

  it.each(table)('%s', (_label, header, expected) => {
    expect(plain(parseWwwAuthenticate(header))).toEqual(expected);
  });

  it('reads the value Headers.get() gives for several WWW-Authenticate lines', () => {
    const headers = new Headers([
      ['www-authenticate', 'Basic realm="a"'],
      ['www-authenticate', 'Bearer error="invalid_token"'],
    ]);
    expect(plain(parseWwwAuthenticate(headers.get('www-authenticate')))).toEqual([
      { scheme: 'Basic', params: { realm: 'a' } },
      { scheme: 'Bearer', params: { error: 'invalid_token' } },
    ]);
  });

  it('returns [] for a missing header', () => {
    expect(parseWwwAuthenticate(null)).toEqual([]);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
  });
});

describe('parseWwwAuthenticate: malformed input yields what can be read', () => {
  it.each([
    ['unterminated quoted-string', 'Bearer error="invalid_tok', { error: 'invalid_tok' }],
    ['trailing backslash in quotes', 'Bearer realm="a\\', { realm: 'a' }],
    [
      'garbage element is skipped up to the next comma',
      'Bearer @@@ junk, error="x"',
      { error: 'x' },
    ],
    [
      'missing comma between params is tolerated',
      'Bearer realm="a" error="b"',
      { realm: 'a', error: 'b' },
    ],
    ['garbage after a value', 'Bearer realm="a"junk"q,r", error="b"', { realm: 'a', error: 'b' }],
    [
      'stray "=" and quotes',
      'Bearer realm="a", ="x", =, "", error="y"',
      { realm: 'a', error: 'y' },
    ],
  ])('%s', (_label, header, params) => {
    const [first, ...rest] = parseWwwAuthenticate(header);
    expect(rest).toEqual([]);
    expect(first?.scheme).toBe('Bearer');
    expect({ ...first?.params }).toEqual(params);
  });

  it('drops a param that comes before any scheme (BWS makes `Bearer ="x"` a param)', () => {
    expect(plain(parseWwwAuthenticate('realm="x", Bearer'))).toEqual([
      { scheme: 'Bearer', params: {} },
    ]);
    expect(plain(parseWwwAuthenticate('Bearer ="x", Basic'))).toEqual([
      { scheme: 'Basic', params: {} },
    ]);
  });

  it('does not start a challenge without a comma before it', () => {
    expect(plain(parseWwwAuthenticate('Basic foo bar'))).toEqual([{ scheme: 'Basic', params: {} }]);
  });

  it('stores __proto__ and constructor as ordinary params without polluting prototypes', () => {
    const [challenge] = parseWwwAuthenticate(
      'Bearer __proto__="polluted", constructor="c", toString="t"',
    );
    expect(Object.getPrototypeOf(challenge?.params)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(challenge?.params, '__proto__')?.value).toBe('polluted');
    expect(challenge?.params.constructor).toBe('c');
    expect(Object.keys(challenge?.params ?? {})).toEqual(['__proto__', 'constructor', 'tostring']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('parses 100 kB hostile headers in linear time', () => {
    const size = 100_000;
    const hostile = [
      `Bearer ${'a'.repeat(size)}`,
      `Bearer ${'a '.repeat(size / 2)}`,
      `Bearer ${'a='.repeat(size / 2)}`,
      `Bearer ${'a=,'.repeat(size / 3)}`,
      `Bearer realm="${'\\"'.repeat(size / 2)}`,
      '"'.repeat(size),
      '\\'.repeat(size),
      ', '.repeat(size / 2),
      'a, '.repeat(size / 3),
      '=,'.repeat(size / 2),
      `Bearer ${'x="",'.repeat(size / 5)}`,
      `${'Basic '.repeat(size / 6)}`,
      `Bearer ${'+/'.repeat(size / 2)}x`,
      '\u0000\u00ff\uffff'.repeat(size / 3),
    ];
    for (const header of hostile) {
      const started = performance.now();
      parseWwwAuthenticate(header);
      // Quadratic behaviour on 100 kB takes seconds; linear takes well under a few ms.
      expect(performance.now() - started).toBeLessThan(250);
    }
  });
});

describe('scheme helpers', () => {
  it('compares schemes case-insensitively', () => {
    const [challenge] = parseWwwAuthenticate('bearer');
    expect(challenge && isChallengeScheme(challenge, 'Bearer')).toBe(true);
    expect(challenge && isChallengeScheme(challenge, 'Basic')).toBe(false);
    expect(challenge && isChallengeScheme(challenge, 'Bearer2')).toBe(false);
  });

  it('finds the first Bearer challenge among others', () => {
    const challenges = parseWwwAuthenticate('Basic realm="x", BEARER realm="y", Bearer realm="z"');
    expect(findBearerChallenge(challenges)?.params.realm).toBe('y');
    expect(findBearerChallenge(parseWwwAuthenticate('Basic realm="x"'))).toBeUndefined();
  });
});

describe('classifyChallenge', () => {
  it.each([
    [401, 'Bearer', 'retoken'],
    [401, 'Bearer error="invalid_token"', 'retoken'],
    [401, 'Bearer realm="mfp", error="invalid_token", error_description="expired"', 'retoken'],
    [401, 'Basic realm="x", Bearer error="invalid_token"', 'retoken'],
    [401, 'Basic realm="x"', 'none'],
    [401, 'Bearer error="invalid_request"', 'none'],
    [401, null, 'retoken'],
    [401, '', 'retoken'],
    [403, null, 'none'],
    [403, 'Bearer', 'none'],
    [403, 'Bearer error="invalid_token"', 'none'],
    [403, 'Bearer error="insufficient_scope"', 'none'],
    [403, 'Bearer error="insufficient_scope", scope="  "', 'none'],
    [403, 'Basic error="insufficient_scope", scope="a"', 'none'],
    [200, 'Bearer error="invalid_token"', 'none'],
    [500, 'Bearer', 'none'],
  ] as const)('%i %s → %s', (status, header, kind) => {
    expect(classifyChallenge(status, header).kind).toBe(kind);
  });

  it('returns the scope MobileFirst requires for a step-up', () => {
    const action = classifyChallenge(
      403,
      'Bearer error="insufficient_scope", scope="RegisteredClient accessRestricted"',
    );
    expect(action).toMatchObject({ kind: 'step-up', scope: 'RegisteredClient accessRestricted' });
  });

  it('accepts insufficient_scope on a 401 too (RFC 6750 only says SHOULD be 403)', () => {
    expect(
      classifyChallenge(401, 'Bearer error="insufficient_scope", scope=" a b "'),
    ).toMatchObject({
      kind: 'step-up',
      scope: 'a b',
    });
  });

  it('hands back the challenge it decided on', () => {
    const action = classifyChallenge(401, 'Bearer realm="mfp", error="invalid_token"');
    expect(action.kind === 'retoken' && action.challenge?.params.realm).toBe('mfp');
  });
});

describe('classifyChallenge for a DPoP token (RFC 9449 §7.1)', () => {
  it('reads the DPoP challenge first, with the rules of Bearer', () => {
    const both = 'Bearer realm="x", DPoP algs="ES256", error="invalid_token"';
    expect(classifyChallenge(401, both, 'DPoP').kind).toBe('retoken');
    expect(classifyChallenge(401, both).kind).toBe('retoken'); // the Bearer one, no error
    expect(
      classifyChallenge(403, 'DPoP error="insufficient_scope", scope="a b"', 'DPoP'),
    ).toMatchObject({ kind: 'step-up', scope: 'a b' });
  });

  it('use_dpop_nonce on a 401 is use-nonce; on a 403, or for a Bearer token, it is nothing', () => {
    const nonce = 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce"';
    expect(classifyChallenge(401, nonce, 'DPoP').kind).toBe('use-nonce');
    expect(classifyChallenge(403, nonce, 'DPoP').kind).toBe('none');
    expect(classifyChallenge(401, nonce).kind).toBe('none');
  });

  it('falls back to a Bearer challenge when the server sends no DPoP one', () => {
    expect(classifyChallenge(401, 'Bearer error="invalid_token"', 'DPoP').kind).toBe('retoken');
    expect(classifyChallenge(401, 'Basic realm="x"', 'DPoP').kind).toBe('none');
  });
});

describe('formatChallenge', () => {
  it('writes MobileFirst-style Bearer challenges', () => {
    expect(formatChallenge({ scheme: 'Bearer', params: {} })).toBe('Bearer');
    expect(
      formatChallenge({
        scheme: 'Bearer',
        params: { error: 'insufficient_scope', scope: 'RegisteredClient accessRestricted' },
      }),
    ).toBe('Bearer error="insufficient_scope", scope="RegisteredClient accessRestricted"');
  });

  it('escapes quotes and backslashes, and writes token68', () => {
    expect(formatChallenge({ scheme: 'Newauth', params: { title: 'Login to "apps" \\o/' } })).toBe(
      'Newauth title="Login to \\"apps\\" \\\\o/"',
    );
    expect(formatChallenge({ scheme: 'Negotiate', params: {}, token68: 'abc+/==' })).toBe(
      'Negotiate abc+/==',
    );
  });

  it.each([
    [{ scheme: 'Bad Scheme', params: {} }],
    [{ scheme: '', params: {} }],
    [{ scheme: 'Bearer', params: { 'bad name': 'x' } }],
    [{ scheme: 'Bearer', params: { error: 'line\nbreak' } }],
    [{ scheme: 'Bearer', params: { error: 'snow ☃' } }],
    [{ scheme: 'Negotiate', params: {}, token68: 'a=b' }],
  ])('rejects what cannot be written: %j', (challenge) => {
    expect(() => formatChallenge(challenge)).toThrow(TypeError);
  });
});

describe('property tests', () => {
  const TCHAR = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const TOKEN68 = '-._~+/0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const fromChars = (chars: string, minLength = 1) =>
    fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength: 12 });
  // Anything a quoted-string can carry: HTAB, SP..~ and obs-text (U+0080..U+00FF).
  const quotable = fc.string({
    unit: fc.oneof(
      fc.constant('\t'),
      fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
    ),
    maxLength: 20,
  });
  const token68 = fc
    .tuple(fromChars(TOKEN68), fc.integer({ min: 0, max: 3 }))
    .map(([body, pad]) => body + '='.repeat(pad));
  const params = fc
    .uniqueArray(fc.tuple(fromChars(TCHAR.toLowerCase()), quotable), {
      selector: ([name]) => name,
      maxLength: 5,
    })
    .map((entries) => {
      const record: Record<string, string> = Object.create(null);
      for (const [name, value] of entries) record[name] = value;
      return record;
    });
  const challenge: fc.Arbitrary<Challenge> = fc.oneof(
    fc.record({ scheme: fromChars(TCHAR), params }),
    fc.record({ scheme: fromChars(TCHAR), params: fc.constant({}), token68 }),
  );

  it('generated challenges round-trip through formatChallenge → parseWwwAuthenticate', () => {
    fc.assert(
      fc.property(fc.array(challenge, { maxLength: 4 }), (challenges) => {
        const header = challenges.map(formatChallenge).join(', ');
        expect(plain(parseWwwAuthenticate(header))).toEqual(plain(challenges));
      }),
      { numRuns: 500 },
    );
  });

  it('parsed challenges format and parse back to the same challenges', () => {
    fc.assert(
      fc.property(fc.array(challenge, { maxLength: 4 }), (challenges) => {
        const once = parseWwwAuthenticate(challenges.map(formatChallenge).join(', '));
        const twice = parseWwwAuthenticate(once.map(formatChallenge).join(', '));
        expect(plain(twice)).toEqual(plain(once));
      }),
    );
  });

  it('never throws on any string, and always returns well-formed challenges', () => {
    const anyString = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: fc.constantFrom(...' \t,="\\aB=+/é\u0000'), maxLength: 200 }),
      fc
        .array(fc.oneof(challenge.map(formatChallenge), fc.string({ unit: 'grapheme-composite' })))
        .map((parts) => parts.join(', ')),
    );
    fc.assert(
      fc.property(anyString, (header) => {
        for (const c of parseWwwAuthenticate(header)) {
          expect(c.scheme).not.toBe('');
          expect(Object.getPrototypeOf(c.params)).toBeNull();
          for (const name of Object.keys(c.params)) expect(name).toBe(name.toLowerCase());
        }
        classifyChallenge(401, header);
        classifyChallenge(403, header);
      }),
      { numRuns: 1000 },
    );
  });
});
