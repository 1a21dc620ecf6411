/**
 * collectBase (ADR 0039) on plain Yjs documents: the collected history base drops deleted text but
 * keeps what named versions show, and later updates — also an offline client's edit next to
 * collected text — integrate into it exactly as into the full history.
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { DOC_TEXT } from '../../protocol/docs-constants.js';
import { collectBase } from './doc-history.js';

/** A Y.Doc whose updates are recorded, as a client's would be sent. */
function recorded() {
  const ydoc = new Y.Doc({ gc: false });
  const updates: Uint8Array[] = [];
  ydoc.on('update', (u: Uint8Array) => updates.push(u));
  return { ydoc, t: ydoc.getText(DOC_TEXT), updates };
}
const textOf = (parts: Uint8Array[]) => {
  const y = new Y.Doc();
  y.transact(() => parts.forEach((u) => Y.applyUpdate(y, u)));
  const s = y.getText(DOC_TEXT).toString();
  y.destroy();
  return s;
};

describe('collectBase', () => {
  it('drops deleted text but not what a named version shows; base + later updates give the same text as the full history', () => {
    const { ydoc, t, updates } = recorded();
    t.insert(0, 'Intro.\nNamed draft line.\n');
    const named = Y.snapshot(ydoc);
    for (let i = 0; i < 50; i++) t.insert(t.length, `churn ${i} `.padEnd(2000, 'x') + '\n'); // 100 KB typed…
    const churnAt = 'Intro.\nNamed draft line.\n'.length;
    // …an offline client copies the document here and will insert in the middle of the churn later.
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(ydoc));
    t.delete(churnAt, t.length - churnAt); // …and deleted
    t.delete('Intro.\n'.length, 'Named draft line.\n'.length);
    const folded = updates.splice(0);
    t.insert(t.length, 'Later.\n');
    const tail = updates.splice(0);

    const full = collectBase(null, folded, []); // what a gc'd base with no named version holds
    const uncollected = Y.encodeStateAsUpdate((() => {
      const y = new Y.Doc({ gc: false });
      folded.forEach((u) => Y.applyUpdate(y, u));
      return y;
    })());
    const kept = collectBase(null, folded, [named]);
    expect(uncollected.byteLength).toBeGreaterThan(100_000);
    expect(full.byteLength).toBeLessThan(1_000);
    expect(kept.byteLength).toBeLessThan(1_000);
    expect(kept.byteLength).toBeGreaterThan(full.byteLength); // the named line stays
    // A base written before ADR 0039 (all kept; text typed in one go merged into long items that
    // straddle the named version) is collected the same way.
    const old = collectBase(uncollected, [], [named]);
    expect(old.byteLength).toBeLessThan(1_000);
    expect(textOf([old, ...tail])).toBe('Intro.\nLater.\n');

    // The live text from the collected base plus the tail, as from the whole log.
    expect(textOf([kept, ...tail])).toBe('Intro.\nLater.\n');
    expect(textOf([full, ...tail])).toBe(textOf([...folded, ...tail]));
    // Collecting again (an old base plus more updates) changes nothing more.
    expect(textOf([collectBase(kept, tail, [named])])).toBe('Intro.\nLater.\n');

    // The named version is rebuilt from the collected base and its snapshot.
    for (const b of [kept, old]) {
      const base = new Y.Doc({ gc: false });
      Y.applyUpdate(base, b);
      expect(Y.createDocFromSnapshot(base, named).getText(DOC_TEXT).toString()).toBe('Intro.\nNamed draft line.\n');
      base.destroy();
    }

    // The offline client's edit, made between two collected churn lines, still integrates.
    let offlineEdit: Uint8Array | null = null;
    offline.on('update', (u: Uint8Array) => (offlineEdit = u));
    offline.getText(DOC_TEXT).insert(churnAt + 4001, 'Offline edit.\n');
    const reference = textOf([...folded, ...tail, offlineEdit!]);
    expect(reference).toContain('Offline edit.\n');
    expect(textOf([kept, ...tail, offlineEdit!])).toBe(reference);
    expect(textOf([full, ...tail, offlineEdit!])).toBe(reference);
    ydoc.destroy();
    offline.destroy();
  });
});
