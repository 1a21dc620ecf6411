/**
 * The state of a replayed code pad after its first n stored updates: the text, and where each
 * person's cursor was (derived from the log: the place of their latest edit — after the text they
 * inserted, or where they deleted). A cursor is kept as a Yjs relative position, so it moves with
 * the edits others make after it, as a live remote cursor does. Moving forward applies only the
 * new updates; moving back rebuilds from the start (the log is replayed, never undone).
 */
import * as Y from 'yjs';
import { DOC_TEXT } from '@protocol/docs-constants.js';

export interface ReplayCursor {
  /** Author's user id. */
  by: number;
  /** Index in the text. */
  at: number;
}

/** A piece of the text to draw: plain text, or the caret of a person. */
export type ReplaySegment = { text: string } | { caret: number };

export class ReplayState {
  private doc = new Y.Doc();
  private applied = 0;
  private cursors = new Map<number, Y.RelativePosition>();

  constructor(private readonly updates: readonly { data: Uint8Array; by: number | null }[]) {}

  /** Moves to the state after `n` updates. */
  seek(n: number): void {
    const target = Math.max(0, Math.min(this.updates.length, n));
    if (target < this.applied) this.reset();
    const ytext = this.doc.getText(DOC_TEXT);
    for (let i = this.applied; i < target; i++) {
      const u = this.updates[i]!;
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
      if (u.by !== null && at !== null) this.cursors.set(u.by, Y.createRelativePositionFromTypeIndex(ytext, at));
    }
    this.applied = target;
  }

  get text(): string {
    return this.doc.getText(DOC_TEXT).toString();
  }

  /** Each person's cursor now, in text order. */
  get carets(): ReplayCursor[] {
    const out: ReplayCursor[] = [];
    for (const [by, rel] of this.cursors) {
      const abs = Y.createAbsolutePositionFromRelativePosition(rel, this.doc);
      if (abs) out.push({ by, at: abs.index });
    }
    return out.sort((a, b) => a.at - b.at || a.by - b.by);
  }

  /** The text cut at the carets, for drawing them as elements (never as HTML). */
  segments(): ReplaySegment[] {
    const text = this.text;
    const out: ReplaySegment[] = [];
    let from = 0;
    for (const c of this.carets) {
      if (c.at > from) out.push({ text: text.slice(from, c.at) });
      out.push({ caret: c.by });
      from = Math.max(from, c.at);
    }
    if (from < text.length) out.push({ text: text.slice(from) });
    return out;
  }

  private reset(): void {
    this.doc.destroy();
    this.doc = new Y.Doc();
    this.cursors = new Map();
    this.applied = 0;
  }

  destroy(): void {
    this.doc.destroy();
  }
}
