/**
 * A line diff (Myers' O((N+M)·D) algorithm) shared by the document history: the client shows a
 * past version against now, the server turns "restore this version" into the smallest Yjs change.
 * Pure and dependency-free; past `maxEdits` differing lines it gives up on finesse and reports the
 * changed middle as one replaced block (still a correct diff).
 */

export type DiffOp = { op: 'same' | 'add' | 'del'; line: string };

/** Splits keeping the text exact: joining the lines with '\n' gives it back. */
export const splitLines = (text: string): string[] => text.split('\n');

/** The line diff from `before` to `after`: `same` and `del` lines spell `before`, `same` and `add` spell `after`. */
export function diffLines(before: string, after: string, maxEdits = 4000): DiffOp[] {
  const a = splitLines(before);
  const b = splitLines(after);
  // Common head and tail cost nothing.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: DiffOp[] = a.slice(0, head).map((line) => ({ op: 'same', line }));
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  out.push(...myers(midA, midB, maxEdits));
  out.push(...a.slice(a.length - tail).map((line): DiffOp => ({ op: 'same', line })));
  return out;
}

function myers(a: string[], b: string[], maxEdits: number): DiffOp[] {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((line) => ({ op: 'add', line }));
  if (m === 0) return a.map((line) => ({ op: 'del', line }));
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return [...a.map((line): DiffOp => ({ op: 'del', line })), ...b.map((line): DiffOp => ({ op: 'add', line }))];
  // Walk the trace back from (n, m).
  const rev: DiffOp[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const vd = trace[d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK]!;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) rev.push({ op: 'same', line: a[--x]! }), y--;
    if (x === prevX) rev.push({ op: 'add', line: b[--y]! });
    else rev.push({ op: 'del', line: a[--x]! });
  }
  while (x > 0 && y > 0) rev.push({ op: 'same', line: a[--x]! }), y--;
  return rev.reverse();
}

/**
 * Text edits (offsets into `before`, ascending, not overlapping) that turn `before` into `after`,
 * built from the line diff: unchanged lines are never touched, so a restore keeps others' cursors
 * (and concurrent edits) on them. Apply them from the last to the first.
 */
export function textEdits(before: string, after: string): { at: number; remove: number; insert: string }[] {
  const ops = diffLines(before, after);
  const edits: { at: number; remove: number; insert: string }[] = [];
  let pos = 0; // offset in `before` where the next line starts
  let anchored = false; // an unchanged line precedes
  let i = 0;
  while (i < ops.length) {
    const o = ops[i]!;
    if (o.op === 'same') {
      pos += o.line.length + 1;
      anchored = true;
      i++;
      continue;
    }
    const dels: string[] = [];
    const adds: string[] = [];
    while (i < ops.length && ops[i]!.op !== 'same') {
      const r = ops[i++]!;
      (r.op === 'del' ? dels : adds).push(r.line);
    }
    const removed = dels.reduce((n, l) => n + l.length + 1, 0);
    let edit: { at: number; remove: number; insert: string };
    if (anchored) edit = { at: pos - 1, remove: removed, insert: adds.map((l) => `\n${l}`).join('') };
    else if (i < ops.length) edit = { at: 0, remove: removed, insert: adds.map((l) => `${l}\n`).join('') };
    else edit = { at: 0, remove: before.length, insert: after };
    if (edit.remove || edit.insert) edits.push(edit);
    pos += removed;
  }
  return edits;
}

/** Applies `textEdits` output to a string (tests; the server applies them to a Y.Text the same way). */
export function applyEdits(text: string, edits: { at: number; remove: number; insert: string }[]): string {
  let out = text;
  for (let k = edits.length - 1; k >= 0; k--) {
    const e = edits[k]!;
    out = out.slice(0, e.at) + e.insert + out.slice(e.at + e.remove);
  }
  return out;
}
