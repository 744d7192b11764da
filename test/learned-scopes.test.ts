import { describe, expect, it } from 'vitest';
import { LearnedScopes } from '../src/http/learned-scopes.js';

describe('learned scopes', () => {
  it('are bounded and evict the least recently used resource, not the busiest', () => {
    const learned = new LearnedScopes<string>((value) => value, 3);
    learned.set('hot', 'a', 0);
    learned.set('b', 'b', 0);
    learned.set('c', 'c', 0);
    learned.get('hot');
    learned.set('d', 'd', 0); // evicts b, the least recently used
    expect(learned.get('hot')).toBe('a');
    expect(learned.get('b')).toBeUndefined();
    expect(learned.size).toBe(3);
    learned.delete('hot');
    expect(learned.get('hot')).toBeUndefined();
  });
});

describe('recovery budgets per resource', () => {
  it('the same cause met by many requests at once spends one step-up, and forgetting keeps it spent', () => {
    const learned = new LearnedScopes<string>((value) => value);
    for (let i = 0; i < 50; i++) learned.set('r', 'scope-1', 0);
    // 4 more distinct step-ups fit in the window, not 5.
    for (let n = 2; n <= 5; n++) {
      expect(learned.mayStepUp('r', `scope-${n}`, 1)).toBe(true);
      learned.set('r', `scope-${n}`, 1);
    }
    expect(learned.mayStepUp('r', 'scope-6', 1)).toBe(false);
    expect(learned.mayStepUp('r', 'scope-5', 1)).toBe(true); // what it has already
    learned.delete('r');
    expect(learned.get('r')).toBeUndefined();
    expect(learned.mayStepUp('r', 'scope-6', 1)).toBe(false);
    expect(learned.mayStepUp('r', 'scope-6', 600_001)).toBe(true);
  });

  it('re-tokens: stopped after five brand-new tokens rejected in ten minutes, each counted once', () => {
    const learned = new LearnedScopes<string>((value) => value);
    const tokens = Array.from({ length: 5 }, () => ({}));
    for (const [i, token] of tokens.entries()) {
      expect(learned.mayRetoken('r', i)).toBe(true);
      learned.rejectedNewToken('r', token, i);
      learned.rejectedNewToken('r', token, i); // a concurrent request, same token
    }
    expect(learned.mayRetoken('r', 10)).toBe(false);
    expect(learned.mayRetoken('other', 10)).toBe(true);
    expect(learned.mayRetoken('r', 600_001)).toBe(true);
  });
});
