import { describe, expect, it } from 'vitest';
import { positionBetween, positionForIndex } from './todos.service.js';

describe('to-do ordering', () => {
  it('places items between neighbours without renumbering the list', () => {
    expect(positionBetween(undefined, undefined)).toBe(1);
    expect(positionBetween(3, undefined)).toBe(4);
    expect(positionBetween(undefined, 3)).toBe(2);
    expect(positionBetween(1, 2)).toBe(1.5);
  });

  it('computes a position for a target index', () => {
    const list = [{ position: 1 }, { position: 2 }, { position: 3 }];
    expect(positionForIndex(list, 0)).toBe(0);
    expect(positionForIndex(list, 1)).toBe(1.5);
    expect(positionForIndex(list, 3)).toBe(4);
    expect(positionForIndex(list, 99)).toBe(4);
    expect(positionForIndex([], 5)).toBe(1);
  });
});
