import { describe, expect, it } from 'vitest';
import { LearnedScopes } from '../src/http/learned-scopes.js';

describe('learned scopes', () => {
  it('are bounded and evict the least recently used resource, not the busiest', () => {
    const learned = new LearnedScopes<string>(3);
    learned.set('hot', 'a');
    learned.set('b', 'b');
    learned.set('c', 'c');
    learned.get('hot');
    learned.set('d', 'd'); // evicts b, the least recently used
    expect(learned.get('hot')).toBe('a');
    expect(learned.get('b')).toBeUndefined();
    expect(learned.size).toBe(3);
    learned.delete('hot');
    expect(learned.get('hot')).toBeUndefined();
  });
});
