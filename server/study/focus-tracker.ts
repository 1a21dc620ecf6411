/**
 * Credits focus time: a span is open for a user in a room while the room's pomodoro is in a
 * running focus phase AND the user is present in the room. Spans are written when they close, so
 * statistics count only time people were actually there.
 */
export interface SpanSink {
  write(userId: number, roomId: number, startedAt: number, endedAt: number): void | Promise<void>;
}

export class FocusTracker {
  /** roomId -> instant the running focus phase began or resumed. */
  private readonly focusSince = new Map<number, number>();
  /** roomId -> users present. */
  private readonly present = new Map<number, Set<number>>();
  /** roomId -> userId -> open span start. */
  private readonly open = new Map<number, Map<number, number>>();
  /** Span writes under way (the state here stays synchronous; the rows are written behind it). */
  private readonly pending = new Set<Promise<void>>();
  /** Where a failed span write is reported. */
  onError: (err: unknown) => void = (err) => process.emitWarning(`writing a focus span failed: ${(err as Error).message}`);

  constructor(private readonly sink: SpanSink) {}

  setPresent(roomId: number, userId: number, present: boolean, at: number): void {
    let set = this.present.get(roomId);
    if (present) {
      if (!set) this.present.set(roomId, (set = new Set()));
      set.add(userId);
    } else {
      set?.delete(userId);
      if (set?.size === 0) this.present.delete(roomId);
    }
    this.reconcile(roomId, at);
  }

  /** The room's focus phase started/resumed (true) or ended/paused (false) at `at`. */
  setFocusRunning(roomId: number, running: boolean, at: number): void {
    if (running && !this.focusSince.has(roomId)) this.focusSince.set(roomId, at);
    if (!running) this.focusSince.delete(roomId);
    this.reconcile(roomId, at);
  }

  /** Closes every open span (graceful shutdown); resolves when every span is written. */
  async flushAll(at: number): Promise<void> {
    for (const roomId of [...this.open.keys()]) {
      this.focusSince.delete(roomId);
      this.reconcile(roomId, at);
    }
    await Promise.all([...this.pending]);
  }

  openSpans(roomId: number): number {
    return this.open.get(roomId)?.size ?? 0;
  }

  private reconcile(roomId: number, at: number): void {
    const since = this.focusSince.get(roomId);
    const present = this.present.get(roomId) ?? new Set<number>();
    let spans = this.open.get(roomId);
    for (const [userId, start] of spans ?? []) {
      if (since === undefined || !present.has(userId)) {
        spans!.delete(userId);
        if (at > start) this.write(userId, roomId, start, at);
      }
    }
    if (since !== undefined) {
      for (const userId of present) {
        if (!spans) this.open.set(roomId, (spans = new Map()));
        if (!spans.has(userId)) spans.set(userId, Math.max(since, at));
      }
    }
    if (spans?.size === 0) this.open.delete(roomId);
  }

  private write(userId: number, roomId: number, startedAt: number, endedAt: number): void {
    let written: void | Promise<void>;
    try {
      written = this.sink.write(userId, roomId, startedAt, endedAt);
    } catch (err) {
      this.onError(err);
      return;
    }
    if (!written) return;
    const done: Promise<void> = written.catch((err: unknown) => this.onError(err)).finally(() => this.pending.delete(done));
    this.pending.add(done);
  }
}
