import { describe, expect, it } from 'vitest';
import { sameResult } from './compare';

describe('sameResult', () => {
  it('compares exactly by default (key order of objects does not matter)', () => {
    expect(sameResult('[0,1]', [0, 1], 'exact')).toBe(true);
    expect(sameResult('[1,0]', [0, 1], 'exact')).toBe(false);
    expect(sameResult('{"b":1,"a":2}', { a: 2, b: 1 }, 'exact')).toBe(true);
    expect(sameResult('true', true, 'exact')).toBe(true);
    expect(sameResult('"1"', 1, 'exact')).toBe(false);
    expect(sameResult(undefined, 1, 'exact')).toBe(false);
    expect(sameResult('not json', 1, 'exact')).toBe(false);
  });
  it('ignores order where the problem says so', () => {
    expect(sameResult('[[1,2],[3]]', [[3], [1, 2]], 'unordered')).toBe(true);
    expect(sameResult('[[2,1],[3]]', [[3], [1, 2]], 'unordered')).toBe(false);
    expect(sameResult('[["tea","eat"],["bat"]]', [['bat'], ['eat', 'tea']], 'unordered-deep')).toBe(true);
    expect(sameResult('[["tea"],["bat"]]', [['bat'], ['eat', 'tea']], 'unordered-deep')).toBe(false);
    expect(sameResult('3', [3], 'unordered')).toBe(false);
  });
});
