/**
 * The state of a replayed code pad after its first n steps. A step is a stored update (a
 * keystroke, or a paste) or, when the session recorded them, a sample of someone's cursor and
 * selection; the two logs are merged by time. Each person's caret is their latest step: after an
 * edit, the place of that edit (after the inserted text, or where text was deleted); after a cursor
 * sample, its head, with the selection from anchor to head. Positions are kept as Yjs relative
 * positions, so they move with the edits others make after them, as a live remote cursor does.
 * Moving forward applies only the new steps; moving back rebuilds from the start (the log is
 * replayed, never undone).
 */
import * as Y from 'yjs';
import { DOC_TEXT } from '@protocol/docs-constants.js';
import type { PadCursor } from '@protocol/interviews.js';

export interface ReplayCursor {
  /** Author's user id. */
  by: number;
  /** Index in the text. */
  at: number;
}

/** A selection drawn in the text: [from, to) by a person. */
export interface ReplaySelection {
  by: number;
  from: number;
  to: number;
}

/** A piece of the text to draw: plain text (with who selected it, if anyone), or the caret of a person. */
export type ReplaySegment = { text: string; sel?: number[] } | { caret: number };

export interface ReplayStep {
  kind: 'edit' | 'cursor';
  at: number;
  by: number | null;
}

type Edit = { data: Uint8Array; by: number | null; at?: number };
type CursorSample = { at: number; by: number | null; cursor: PadCursor };

/** The two logs in one timeline: by time, each log keeping its own order; an edit first on a tie (a cursor may point into it). */
function mergeSteps(edits: readonly Edit[], cursors: readonly CursorSample[]): { kind: 'edit' | 'cursor'; index: number }[] {
  const out: { kind: 'edit' | 'cursor'; index: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < edits.length || j < cursors.length) {
    if (j >= cursors.length || (i < edits.length && (edits[i]!.at ?? 0) <= cursors[j]!.at)) out.push({ kind: 'edit', index: i++ });
    else out.push({ kind: 'cursor', index: j++ });
  }
  return out;
}

/** A sample's position, or null when it is not one of the pad's text (only the one shared text is ever resolved). */
function relPos(json: unknown): Y.RelativePosition | null {
  if (!json || typeof json !== 'object') return null;
  const j = json as { tname?: unknown; type?: unknown };
  if (j.type != null || (j.tname != null && j.tname !== DOC_TEXT)) return null;
  try {
    return Y.createRelativePositionFromJSON(json);
  } catch {
    return null;
  }
}

export class ReplayState {
  private doc = new Y.Doc();
  private applied = 0;
  private marks = new Map<number, { anchor: Y.RelativePosition; head: Y.RelativePosition }>();
  private readonly order: { kind: 'edit' | 'cursor'; index: number }[];

  constructor(
    private readonly updates: readonly Edit[],
    private readonly cursors: readonly CursorSample[] = [],
  ) {
    this.order = mergeSteps(updates, cursors);
  }

  /** Every step, in replay order. */
  get steps(): ReplayStep[] {
    return this.order.map((s) => {
      const src = s.kind === 'edit' ? this.updates[s.index]! : this.cursors[s.index]!;
      return { kind: s.kind, at: src.at ?? 0, by: src.by };
    });
  }

  get length(): number {
    return this.order.length;
  }

  /** Moves to the state after `n` steps. */
  seek(n: number): void {
    const target = Math.max(0, Math.min(this.order.length, n));
    if (target < this.applied) this.reset();
    const ytext = this.doc.getText(DOC_TEXT);
    for (let k = this.applied; k < target; k++) {
      const step = this.order[k]!;
      if (step.kind === 'cursor') {
        const c = this.cursors[step.index]!;
        const anchor = relPos(c.cursor.anchor);
        const head = relPos(c.cursor.head);
        if (c.by !== null && anchor && head) this.marks.set(c.by, { anchor, head });
        continue;
      }
      const u = this.updates[step.index]!;
      let at: number | null = null;
      const observe = (e: Y.YTextEvent) => {
        let index = 0;
        for (const op of e.delta) {
          if (op.retain !== undefined) index += op.retain;
          else if (typeof op.insert === 'string') {
            index += op.insert.length;
            at = index;
          } else if (op.delete !== undefined) at = index;
        }
      };
      ytext.observe(observe);
      Y.applyUpdate(this.doc, u.data);
      ytext.unobserve(observe);
      if (u.by !== null && at !== null) {
        const p = Y.createRelativePositionFromTypeIndex(ytext, at);
        this.marks.set(u.by, { anchor: p, head: p });
      }
    }
    this.applied = target;
  }

  get text(): string {
    return this.doc.getText(DOC_TEXT).toString();
  }

  private abs(rel: Y.RelativePosition): number | null {
    try {
      const a = Y.createAbsolutePositionFromRelativePosition(rel, this.doc);
      return a && a.type === this.doc.getText(DOC_TEXT) ? a.index : null;
    } catch {
      return null;
    }
  }

  /** Each person's caret now, in text order (a cursor sample pointing at text not there yet is not drawn). */
  get carets(): ReplayCursor[] {
    const out: ReplayCursor[] = [];
    for (const [by, m] of this.marks) {
      const at = this.abs(m.head);
      if (at !== null) out.push({ by, at });
    }
    return out.sort((a, b) => a.at - b.at || a.by - b.by);
  }

  /** Each person's non-empty selection now, in text order. */
  get selections(): ReplaySelection[] {
    const out: ReplaySelection[] = [];
    for (const [by, m] of this.marks) {
      const a = this.abs(m.anchor);
      const h = this.abs(m.head);
      if (a === null || h === null || a === h) continue;
      out.push({ by, from: Math.min(a, h), to: Math.max(a, h) });
    }
    return out.sort((x, y) => x.from - y.from || x.by - y.by);
  }

  /** The text cut at the carets and selection ends, for drawing them as elements (never as HTML). */
  segments(): ReplaySegment[] {
    const text = this.text;
    const carets = this.carets;
    const sels = this.selections;
    const cuts = [...new Set([0, text.length, ...carets.map((c) => c.at), ...sels.flatMap((s) => [s.from, s.to])])].sort((a, b) => a - b);
    const out: ReplaySegment[] = [];
    for (let k = 0; k < cuts.length; k++) {
      const from = cuts[k]!;
      for (const c of carets) if (c.at === from) out.push({ caret: c.by });
      const to = cuts[k + 1];
      if (to === undefined || to <= from) continue;
      const sel = sels.filter((s) => s.from <= from && s.to >= to).map((s) => s.by);
      out.push(sel.length ? { text: text.slice(from, to), sel } : { text: text.slice(from, to) });
    }
    return out;
  }

  private reset(): void {
    this.doc.destroy();
    this.doc = new Y.Doc();
    this.marks = new Map();
    this.applied = 0;
  }

  destroy(): void {
    this.doc.destroy();
  }
}
