import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyChallenge,
  findBearerChallenge,
  parseWwwAuthenticate,
} from '../../src/http/parse-www-authenticate.js';
import { FUZZ_RUNS, fuzzTimeout, growth } from './fuzz-runs.js';

/**
 * Fragments that steer the parser into each of its states (scheme, token68, parameter, quoted
 * string, escape, stray separators), so that random joins reach the corners a uniform random
 * string rarely does.
 */
const FRAGMENTS = [
  'Bearer',
  'bearer ',
  'Basic realm="x"',
  'error="insufficient_scope"',
  'scope="a b"',
  'error=invalid_token',
  ' ',
  '\t',
  ',',
  ', ,',
  '=',
  '==',
  '"',
  '\\',
  '\\"',
  'realm=',
  'a=b=c',
  'abc+/=',
  '\u0000',
  '\u00e9',
  '\u{1F600}',
  '\r\n',
  '__proto__=1',
  'constructor="x"',
];

const header = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join('')),
  fc
    .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 })), { maxLength: 30 })
    .map((parts) => parts.join('')),
);

describe('fuzz: WWW-Authenticate parser', () => {
  it(
    `never throws and returns well-formed challenges (${FUZZ_RUNS} runs)`,
    () => {
      fc.assert(
        fc.property(header, fc.constantFrom(200, 401, 403), (value, status) => {
          const challenges = parseWwwAuthenticate(value);
          for (const challenge of challenges) {
            expect(challenge.scheme.length).toBeGreaterThan(0);
            expect(value).toContain(challenge.scheme);
            expect(Object.getPrototypeOf(challenge.params)).toBeNull();
            for (const [name, param] of Object.entries(challenge.params)) {
              expect(name).toBe(name.toLowerCase());
              expect(typeof param).toBe('string');
            }
          }
          findBearerChallenge(challenges);
          const action = classifyChallenge(status, value);
          if (action.kind === 'step-up') expect(action.scope.trim()).toBe(action.scope);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    fuzzTimeout(0.3),
  );

  /**
   * Adversarial shapes: each repeats what keeps a naive parser scanning or backtracking (an
   * unterminated quoted string of escapes, parameters without a scheme, token68 padding, commas,
   * names without values). Linear means ~16× the cost for 16× the input; quadratic would be ~256×.
   * The bound (64×) leaves 4× room for a loaded machine's noise. Sizes: 4 KB → 64 KB (Node's
   * whole header block is at most 16 KB); beyond ~256 KB, a header of a hundred thousand schemes
   * allocates as many challenge objects and the garbage collector, not the parser, sets the pace.
   */
  const ADVERSARIAL: Record<string, (n: number) => string> = {
    'unterminated quoted string of escapes': (n) => `Bearer realm="${'\\"'.repeat(n / 2)}`,
    'parameters before any scheme': (n) => 'a=b, '.repeat(n / 5),
    'token68 padding': (n) => `Negotiate ${'='.repeat(n)}`,
    'commas and spaces': (n) => ', \t'.repeat(n / 3),
    'names without values': (n) => `Bearer ${'a '.repeat(n / 2)}`,
    'many schemes': (n) => 'B, '.repeat(n / 3),
    'equals runs': (n) => `Bearer a${'='.repeat(n)}b`,
    'quotes toggling': (n) => 'a="'.repeat(n / 3),
  };

  for (const [name, input] of Object.entries(ADVERSARIAL)) {
    it(`takes linear time: ${name}`, () => {
      const ratio = growth(input, parseWwwAuthenticate, 4_096);
      expect(ratio, `cost grew ${ratio.toFixed(1)}× for 16× the input`).toBeLessThan(64);
    });
  }
});
