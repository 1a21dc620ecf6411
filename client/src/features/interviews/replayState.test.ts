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
});
