import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatScope,
  isScopeAllowed,
  isScopeToken,
  matchesScopePattern,
  normalizeScope,
  scopeCovers,
  unionScope,
} from '../../src/index.js';
import { FUZZ_RUNS, fuzzTimeout } from './fuzz-runs.js';

/** Scope text as callers and servers write it: elements, odd whitespace, wildcards, non-ASCII. */
const element = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'ab.*-_:/'), minLength: 1, maxLength: 8 }),
  fc.string({ minLength: 1, maxLength: 8 }),
);
const scopeText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc
    .array(fc.tuple(element, fc.constantFrom(' ', '  ', '\t', '\n', '\u00a0', '\u2028')), {
      maxLength: 8,
    })
    .map((parts) => parts.map(([e, sep]) => e + sep).join('')),
);
const scopeInput = fc.oneof(scopeText, fc.array(scopeText, { maxLength: 4 }));

/** The wildcard semantics spelled as a regular expression (a slow oracle for short inputs). */
function oracle(pattern: string, value: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${source}$`).test(value);
}

describe('fuzz: scope parsing and matching', () => {
  const timeout = fuzzTimeout(0.3);

  it(
    'normalizeScope: sorted, unique, no whitespace or empty element, idempotent, round-trips through formatScope',
    () => {
      fc.assert(
        fc.property(scopeInput, (input) => {
          const elements = normalizeScope(input);
          expect([...elements].sort()).toEqual(elements);
          expect(new Set(elements).size).toBe(elements.length);
          for (const e of elements) expect(e).not.toMatch(/^$|\s/);
          expect(normalizeScope(elements)).toEqual(elements);
          expect(normalizeScope(formatScope(elements))).toEqual(elements);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    timeout,
  );

  it(
    'unionScope covers both sides; scopeCovers agrees with set inclusion',
    () => {
      fc.assert(
        fc.property(scopeInput, scopeInput, (a, b) => {
          const union = unionScope(a, b);
          expect(scopeCovers(union, a)).toBe(true);
          expect(scopeCovers(union, b)).toBe(true);
          expect(unionScope(b, a)).toEqual(union);
          const have = new Set(normalizeScope(a));
          expect(scopeCovers(a, b)).toBe(normalizeScope(b).every((e) => have.has(e)));
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    timeout,
  );

  it(
    'matchesScopePattern agrees with a regular-expression oracle; a pattern matches itself; `*` matches all',
    () => {
      const short = fc.string({ unit: fc.constantFrom(...'ab*.'), maxLength: 10 });
      fc.assert(
        fc.property(fc.oneof(short, element), fc.oneof(short, element), (pattern, value) => {
          expect(matchesScopePattern(pattern, value)).toBe(oracle(pattern, value));
          expect(matchesScopePattern(value, value)).toBe(true);
          expect(matchesScopePattern('*', value)).toBe(true);
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    timeout,
  );

  it(
    'isScopeAllowed: a scope is allowed by itself and by `*`; never throws; isScopeToken never throws',
    () => {
      fc.assert(
        fc.property(scopeInput, scopeInput, (allowed, requested) => {
          expect(isScopeAllowed(requested, requested)).toBe(true);
          expect(isScopeAllowed('*', requested)).toBe(true);
          const result = isScopeAllowed(allowed, requested);
          if (result) expect(isScopeAllowed(unionScope(allowed, 'x'), requested)).toBe(true);
          for (const e of normalizeScope(requested)) {
            expect(isScopeToken(e)).toBe(/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(e));
          }
        }),
        { numRuns: FUZZ_RUNS },
      );
    },
    timeout,
  );
});
