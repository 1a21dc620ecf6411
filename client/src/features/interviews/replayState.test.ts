import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { DOC_TEXT } from '@protocol/docs-constants.js';
import { ReplayState } from './replayState';

/** Two people typing into one shared text; every update is logged with its author, as the server stores them. */
function session() {
  const log: { data: Uint8Array; by: number | null }[] = [];
  const a = new Y.Doc();
  const b = new Y.Doc();
  const relay = (from: Y.Doc, to: Y.Doc, by: number) =>
    from.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === 'relay') return;
      log.push({ data: u, by });
      Y.applyUpdate(to, u, 'relay');
    });
  relay(a, b, 1);
  relay(b, a, 2);
  return { log, ta: a.getText(DOC_TEXT), tb: b.getText(DOC_TEXT) };
}

describe('replay state', () => {
  it('rebuilds the text step by step and puts each person’s caret where they last typed, moving with the others’ edits', () => {
    const { log, ta, tb } = session();
    ta.insert(0, 'function f() {\n}\n'); // 1: host writes the starter
    tb.insert(15, '  return 1;\n'); // 2: candidate types inside the body
    ta.insert(0, '// note\n'); // 3: host adds a comment at the top (shifts the candidate's caret)
    tb.delete(8 + 15 + 9, 1); // 4: candidate deletes the "1"
    const r = new ReplayState(log);

    r.seek(1);
    expect(r.text).toBe('function f() {\n}\n');
    expect(r.carets).toEqual([{ by: 1, at: 17 }]);
    r.seek(2);
    // The candidate's caret after "  return 1;\n"; the host's stayed at the end of the text.
    expect(r.carets).toEqual([
      { by: 2, at: 27 },
      { by: 1, at: 29 },
    ]);
    r.seek(3);
    expect(r.text).toBe('// note\nfunction f() {\n  return 1;\n}\n');
    // The host's caret after "// note\n"; the candidate's moved down with the text.
    expect(r.carets).toEqual([
      { by: 1, at: 8 },
      { by: 2, at: 35 },
    ]);
    r.seek(4);
    expect(r.text).toBe('// note\nfunction f() {\n  return ;\n}\n');
    expect(r.carets.find((c) => c.by === 2)).toEqual({ by: 2, at: 32 });
    const segs = r.segments();
    expect(segs.map((s) => ('text' in s ? s.text : `|${s.caret}|`)).join('')).toBe('// note\n|1|function f() {\n  return |2|;\n}\n');

    // Back to an earlier step: rebuilt from the start, same answer as going forward.
    r.seek(1);
    expect(r.carets).toEqual([{ by: 1, at: 17 }]);
    r.seek(0);
    expect(r.text).toBe('');
    expect(r.carets).toEqual([]);
    r.destroy();
  });

  it('merges recorded cursor samples into the timeline: selections and caret moves without edits, moving with later edits', () => {
    const { log, ta, tb } = session();
    ta.insert(0, 'const answer = 42;\n'); // host, t=1000
    const rel = (i: number) => Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(tb, i)) as { type?: { client: number; clock: number } | null };
    // The candidate selects "answer" (6..12) at t=1500, then moves to the end at t=2500 without typing.
    const samples = [
      { at: 1500, by: 2, cursor: { anchor: rel(6), head: rel(12) } },
      { at: 2500, by: 2, cursor: { anchor: rel(19), head: rel(19) } },
    ];
    ta.insert(0, '// top\n'); // host, t=2000: shifts the selection by 7
    const edits = log.map((u, i) => ({ ...u, at: [1000, 2000][i]! }));
    const r = new ReplayState(edits, samples);

    expect(r.length).toBe(4);
    expect(r.steps.map((s) => `${s.kind}:${s.by}@${s.at}`)).toEqual(['edit:1@1000', 'cursor:2@1500', 'edit:1@2000', 'cursor:2@2500']);
    r.seek(2);
    expect(r.selections).toEqual([{ by: 2, from: 6, to: 12 }]);
    expect(r.carets).toEqual([
      { by: 2, at: 12 },
      { by: 1, at: 19 },
    ]);
    const draw = (segs: ReturnType<ReplayState['segments']>) => segs.map((s) => ('caret' in s ? `|${s.caret}|` : s.sel ? `[${s.text}]` : s.text)).join('');
    expect(draw(r.segments())).toBe('const [answer]|2| = 42;\n|1|');
    r.seek(3);
    // The host's comment on top moved the candidate's selection with the text.
    expect(r.selections).toEqual([{ by: 2, from: 13, to: 19 }]);
    expect(draw(r.segments())).toBe('// top\n|1|const [answer]|2| = 42;\n');
    r.seek(4);
    expect(r.selections).toEqual([]);
    expect(draw(r.segments())).toBe('// top\n|1|const answer = 42;\n|2|');
    // Back and forth gives the same answers.
    r.seek(2);
    expect(r.selections).toEqual([{ by: 2, from: 6, to: 12 }]);
    r.destroy();
  });

  it('does not draw a sample that points at text not there yet, nor one that is garbage', () => {
    const { log, ta } = session();
    ta.insert(0, 'abc');
    const r = new ReplayState(
      log.map((u) => ({ ...u, at: 10 })),
      [
        { at: 5, by: 2, cursor: { anchor: { item: { client: 999, clock: 7 } }, head: { item: { client: 999, clock: 7 } } } },
        { at: 20, by: 3, cursor: { anchor: { tname: 'other' }, head: { tname: 'other' } } },
        { at: 30, by: 4, cursor: { anchor: 'garbage' as never, head: 12 as never } },
      ],
    );
    r.seek(r.length);
    expect(r.text).toBe('abc');
    expect(r.carets).toEqual([{ by: 1, at: 3 }]);
    expect(r.selections).toEqual([]);
    r.destroy();
  });
});
