import { describe, expect, it } from 'vitest';
import { boardSquares, displayToSquare, isDrag, isLightSquare, parseSquare, squareAt, squareCenter, squareToDisplay, stepFocus } from './geometry';

const rect = { left: 100, top: 50, width: 400, height: 400 };

describe('board geometry', () => {
  it('draws a1 bottom-left for White and top-right for Black', () => {
    expect(displayToSquare(0, 7, 'w')).toBe('a1');
    expect(displayToSquare(0, 0, 'w')).toBe('a8');
    expect(displayToSquare(0, 7, 'b')).toBe('h8');
    expect(displayToSquare(7, 0, 'b')).toBe('a1');
    expect(boardSquares('w').slice(0, 2)).toEqual(['a8', 'b8']);
    expect(boardSquares('b').slice(0, 2)).toEqual(['h1', 'g1']);
    expect(new Set(boardSquares('b')).size).toBe(64);
  });

  it('round-trips squares through display coordinates in both orientations', () => {
    for (const o of ['w', 'b'] as const) {
      for (const sq of boardSquares(o)) {
        const { col, row } = squareToDisplay(sq, o);
        expect(displayToSquare(col, row, o)).toBe(sq);
      }
    }
    expect(parseSquare('e4')).toEqual({ file: 4, rank: 3 });
    expect(parseSquare('i9')).toBeNull();
  });

  it('colours squares: a1 dark, h1 light', () => {
    expect(isLightSquare('a1')).toBe(false);
    expect(isLightSquare('h1')).toBe(true);
    expect(isLightSquare('e4')).toBe(true);
  });

  it('hit-tests pointer positions, including edges and outside the board', () => {
    expect(squareAt(101, 449, rect, 'w')).toBe('a1');
    expect(squareAt(499, 51, rect, 'w')).toBe('h8');
    expect(squareAt(101, 449, rect, 'b')).toBe('h8');
    expect(squareAt(100 + 4.5 * 50, 50 + 4.5 * 50, rect, 'w')).toBe('e4');
    expect(squareAt(500, 200, rect, 'w')).toBeNull();
    expect(squareAt(99, 200, rect, 'w')).toBeNull();
    expect(squareAt(200, 450, rect, 'w')).toBeNull();
  });

  it('finds square centres that hit-test back to the same square', () => {
    for (const o of ['w', 'b'] as const) {
      for (const sq of ['a1', 'e4', 'h8', 'c7']) {
        const c = squareCenter(sq, rect, o);
        expect(squareAt(c.x, c.y, rect, o)).toBe(sq);
      }
    }
    expect(squareCenter('a1', rect, 'w')).toEqual({ x: 125, y: 425 });
  });

  it('tells a drag from a click by distance', () => {
    expect(isDrag(2, 2)).toBe(false);
    expect(isDrag(3, 3)).toBe(true);
  });

  it('moves keyboard focus as drawn, stopping at edges', () => {
    expect(stepFocus('e4', 'ArrowUp', 'w')).toBe('e5');
    expect(stepFocus('e4', 'ArrowUp', 'b')).toBe('e3');
    expect(stepFocus('e4', 'ArrowRight', 'w')).toBe('f4');
    expect(stepFocus('e4', 'ArrowRight', 'b')).toBe('d4');
    expect(stepFocus('a8', 'ArrowUp', 'w')).toBe('a8');
    expect(stepFocus('a8', 'ArrowLeft', 'w')).toBe('a8');
    expect(stepFocus('c3', 'Home', 'w')).toBe('a3');
    expect(stepFocus('c3', 'End', 'b')).toBe('a3');
    expect(stepFocus('c3', 'x', 'w')).toBe('c3');
  });
});
