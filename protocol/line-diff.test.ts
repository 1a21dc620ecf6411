import { describe, expect, it } from 'vitest';
import { applyEdits, diffLines, textEdits } from './line-diff.js';

const spell = (ops: ReturnType<typeof diffLines>, side: 'before' | 'after') =>
  ops.filter((o) => o.op === 'same' || o.op === (side === 'before' ? 'del' : 'add')).map((o) => o.line).join('\n');

describe('line diff', () => {
  it('marks added and removed lines and keeps the rest', () => {
    const ops = diffLines('a\nb\nc\nd', 'a\nc\nd\ne');
    expect(ops).toEqual([
      { op: 'same', line: 'a' },
      { op: 'del', line: 'b' },
      { op: 'same', line: 'c' },
      { op: 'same', line: 'd' },
      { op: 'add', line: 'e' },
    ]);
  });

  it('spells both texts back exactly, and its edits turn one into the other', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['', 'x'],
      ['x', ''],
      ['x\nL', 'L'],
      ['L', 'x\nL'],
      ['a\nb', 'a'],
      ['a', 'a\n'],
      ['a\n', 'a'],
      ['a\nb\n', 'b\na\n'],
      ['# Title\n\nsome text\n- one\n- two', '# Title\n\nother text\n- one\n- two\n- three'],
      ['same', 'same'],
    ];
    // Random ones too (seeded, so a failure repeats).
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = () => Array.from({ length: Math.floor(rnd() * 8) }, () => ['a', 'b', 'c', '', 'dd'][Math.floor(rnd() * 5)]).join('\n');
    for (let i = 0; i < 300; i++) cases.push([pick(), pick()]);
    for (const [a, b] of cases) {
      const ops = diffLines(a, b);
      expect(spell(ops, 'before')).toBe(a);
      expect(spell(ops, 'after')).toBe(b);
      expect(applyEdits(a, textEdits(a, b)), JSON.stringify([a, b])).toBe(b);
    }
  });

  it('leaves unchanged lines alone in its edits', () => {
    const edits = textEdits('keep\nold\nkeep too', 'keep\nnew\nkeep too');
    expect(edits).toEqual([{ at: 4, remove: 4, insert: '\nnew' }]);
  });

  it('gives up on finesse past the edit budget but stays correct', () => {
    const a = Array.from({ length: 50 }, (_, i) => `a${i}`).join('\n');
    const b = Array.from({ length: 50 }, (_, i) => `b${i}`).join('\n');
    const ops = diffLines(a, b, 10);
    expect(spell(ops, 'before')).toBe(a);
    expect(spell(ops, 'after')).toBe(b);
  });
});
