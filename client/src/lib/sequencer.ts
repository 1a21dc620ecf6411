/**
 * Pure ordering of a room's broadcasts. Every room fact carries a rising `seq`; the client applies
 * each one exactly once and in order. A stale fact (seq <= last) is dropped; a jump (seq > last+1)
 * means facts were missed, so the caller fetches a fresh snapshot. While a snapshot is on its way
 * facts are held and replayed on top of it.
 */
export type SeqVerdict = 'apply' | 'stale' | 'gap';

/** What to do with a fact numbered `seq` when the last applied one was `lastSeq`. */
export function checkSeq(lastSeq: number, seq: number): SeqVerdict {
  if (seq <= lastSeq) return 'stale';
  if (seq === lastSeq + 1) return 'apply';
  return 'gap';
}

export interface Sequenced {
  seq: number;
}

export class RoomSequencer<F extends Sequenced> {
  /** Seq of the last applied fact; null while waiting for a snapshot. */
  private last: number | null = null;
  private held: F[] = [];

  get lastSeq(): number | null {
    return this.last;
  }

  get waiting(): boolean {
    return this.last === null;
  }

  /** Start waiting for a snapshot: facts are held until {@link snapshot}. */
  resync(): void {
    this.last = null;
  }

  /**
   * A fact arrived. 'apply': apply it now. 'stale': drop it. 'gap': facts were missed; the
   * sequencer now waits and the caller must fetch a snapshot. 'held': kept for after the snapshot.
   */
  receive(fact: F): SeqVerdict | 'held' {
    if (this.last === null) {
      if (this.held.length < 500) this.held.push(fact);
      return 'held';
    }
    const verdict = checkSeq(this.last, fact.seq);
    if (verdict === 'apply') this.last = fact.seq;
    else if (verdict === 'gap') this.resync();
    return verdict;
  }

  /**
   * A snapshot taken at `seq` arrived. Returns the held facts to apply on top of it, in order;
   * `gap` is true when the held facts themselves skip a number (fetch another snapshot).
   */
  snapshot(seq: number): { apply: F[]; gap: boolean } {
    const held = [...this.held].sort((a, b) => a.seq - b.seq);
    this.held = [];
    this.last = seq;
    const apply: F[] = [];
    for (const f of held) {
      const verdict = checkSeq(this.last, f.seq);
      if (verdict === 'stale') continue;
      if (verdict === 'gap') {
        this.resync();
        return { apply, gap: true };
      }
      this.last = f.seq;
      apply.push(f);
    }
    return { apply, gap: false };
  }

  /** Forget everything (leaving the room). */
  reset(): void {
    this.last = null;
    this.held = [];
  }
}
