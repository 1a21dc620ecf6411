/**
 * Board geometry: squares, orientation, pointer hit-testing and keyboard focus movement. Display
 * coordinates count from the top-left corner of the board as drawn (col 0..7, row 0..7).
 */
export type Color = 'w' | 'b';

const FILES = 'abcdefgh';

export function squareName(file: number, rank: number): string {
  return `${FILES[file]}${rank + 1}`;
}

/** `e4` -> { file: 4, rank: 3 } (0-based); null for anything else. */
export function parseSquare(sq: string): { file: number; rank: number } | null {
  if (!/^[a-h][1-8]$/.test(sq)) return null;
  return { file: sq.charCodeAt(0) - 97, rank: sq.charCodeAt(1) - 49 };
}

/** The square drawn at display cell (col, row) when the board is seen from `orientation`'s side. */
export function displayToSquare(col: number, row: number, orientation: Color): string {
  return orientation === 'w' ? squareName(col, 7 - row) : squareName(7 - col, row);
}

export function squareToDisplay(sq: string, orientation: Color): { col: number; row: number } {
  const p = parseSquare(sq);
  if (!p) throw new Error(`not a square: ${sq}`);
  return orientation === 'w' ? { col: p.file, row: 7 - p.rank } : { col: 7 - p.file, row: p.rank };
}

/** All 64 squares in display order (row by row from the top-left). */
export function boardSquares(orientation: Color): string[] {
  const out: string[] = [];
  for (let row = 0; row < 8; row++) for (let col = 0; col < 8; col++) out.push(displayToSquare(col, row, orientation));
  return out;
}

export function isLightSquare(sq: string): boolean {
  const p = parseSquare(sq);
  return !!p && (p.file + p.rank) % 2 === 1;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The square under a pointer at client (x, y) on a board drawn in `rect`; null outside it. */
export function squareAt(x: number, y: number, rect: Rect, orientation: Color): string | null {
  const fx = (x - rect.left) / rect.width;
  const fy = (y - rect.top) / rect.height;
  if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1)) return null;
  return displayToSquare(Math.floor(fx * 8), Math.floor(fy * 8), orientation);
}

/** The centre of a square in client coordinates (for drawing and for tests that drag pieces). */
export function squareCenter(sq: string, rect: Rect, orientation: Color): { x: number; y: number } {
  const { col, row } = squareToDisplay(sq, orientation);
  return { x: rect.left + ((col + 0.5) * rect.width) / 8, y: rect.top + ((row + 0.5) * rect.height) / 8 };
}

/** Whether the pointer has moved far enough from where it went down to be a drag, not a click. */
export function isDrag(dx: number, dy: number, threshold = 4): boolean {
  return dx * dx + dy * dy >= threshold * threshold;
}

const STEPS: Record<string, [number, number]> = {
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
};

/**
 * Keyboard focus movement: arrow keys move as the board is drawn (Up goes towards the top of the
 * screen whichever side is at the bottom), Home/End to the row's ends; edges stop, never wrap.
 */
export function stepFocus(sq: string, key: string, orientation: Color): string {
  const { col, row } = squareToDisplay(sq, orientation);
  if (key === 'Home') return displayToSquare(0, row, orientation);
  if (key === 'End') return displayToSquare(7, row, orientation);
  const step = STEPS[key];
  if (!step) return sq;
  const c = Math.min(7, Math.max(0, col + step[0]));
  const r = Math.min(7, Math.max(0, row + step[1]));
  return displayToSquare(c, r, orientation);
}
