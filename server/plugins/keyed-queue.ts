/**
 * Runs async tasks one after another per key (a room): the read-modify-write of a room's live
 * state (its pomodoro, a chess game, a blackjack table) must not interleave now that database
 * calls are awaited (issue 15). Tasks of different keys run concurrently. A task's failure is
 * returned to its caller only; the next task of the key still runs.
 */
export class KeyedQueue<K = number> {
  private readonly tails = new Map<K, Promise<unknown>>();

  run<T>(key: K, task: () => Promise<T> | T): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Resolves once every task queued so far has settled (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.tails.size) await Promise.all([...this.tails.values()]);
  }
}
