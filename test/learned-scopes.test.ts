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
