/**
 * The timeline's paging (pageSessions) against the whole-log grouping (groupSessions): for random
 * logs — several authors interleaving, pauses, restores, deleted users, clocks a little out of
 * order — walking the pages from the newest end gives exactly the sessions of the whole log, in
 * the same order, each page read from a bounded part of the log.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../test/random.js';
import { groupSessions, pageSessions, type LogReader, type UpdateMeta } from './doc-history.js';

function randomLog(seed: number, n: number): UpdateMeta[] {
  const r = mulberry32(seed);
  const authors = [1, 2, 3, null];
  const out: UpdateMeta[] = [];
  let t = 1_000_000;
  let id = 10 + Math.floor(r() * 50);
  let who: number | null = 1;
  for (let i = 0; i < n; i++) {
    if (r() < 0.15) who = authors[Math.floor(r() * authors.length)]!;
    const pause = r();
    t += pause < 0.05 ? 61_000 + Math.floor(r() * 200_000) : pause < 0.1 ? 55_000 + Math.floor(r() * 10_000) : Math.floor(r() * 4000);
    // Two updates stored close together may carry times a few ms out of id order.
    const at = t - (r() < 0.05 ? Math.floor(r() * 20) : 0);
    id += 1 + (r() < 0.1 ? Math.floor(r() * 5) : 0); // ids of other documents in between
    out.push({ id, userId: who, createdAt: at, added: Math.floor(r() * 5), removed: Math.floor(r() * 2), restoredFrom: r() < 0.02 ? Math.max(0, id - 30) : null });
  }
  return out;
}

/** The log as the SQL reader serves it, counting the rows it hands out. */
function reader(log: readonly UpdateMeta[]): LogReader {
  const byIdDesc = [...log].sort((a, b) => b.id - a.id);
  return {
    batch: async (below, limit) => byIdDesc.filter((u) => below === null || u.id < below).slice(0, limit),
    nextOf: async (userId, from) => log.find((u) => u.userId === userId && u.id >= from && u.restoredFrom === null)?.createdAt ?? null,
    prevOf: async (userId, below) => [...log].reverse().find((u) => u.userId === userId && u.id < below && u.restoredFrom === null)?.createdAt ?? null,
  };
}

describe('timeline paging', () => {
  for (const [seed, n, page, batch] of [
    [1, 40, 5, 7],
    [2, 400, 7, 13],
    [3, 1500, 25, 100],
    [4, 3000, 200, 1000],
    [5, 900, 1, 3],
    [6, 10, 50, 1000],
  ] as const) {
    it(`walks the pages of a random log to exactly the whole log's sessions (seed ${seed}, ${n} updates, pages of ${page})`, async () => {
      const log = randomLog(seed, n);
      const whole = groupSessions(log).reverse();
      const got: ReturnType<typeof groupSessions> = [];
      let before: number | undefined;
      let maxScanned = 0;
      for (let guard = 0; guard < 10_000; guard++) {
        const p = await pageSessions(reader(log), before, page, undefined, batch);
        got.push(...p.sessions);
        maxScanned = Math.max(maxScanned, p.scanned);
        expect(p.sessions.length).toBeLessThanOrEqual(page);
        if (!p.more) break;
        expect(p.sessions.length).toBe(page);
        before = p.sessions.at(-1)!.upto;
      }
      expect(got).toEqual(whole);
      if (whole.length > page * 4) expect(maxScanned).toBeLessThan(log.length);
    });
  }

  it('starts a page below `before` without the part of a session that ends after it', async () => {
    const u = (id: number, userId: number, s: number): UpdateMeta => ({ id, userId, createdAt: s * 1000, added: 1, removed: 0, restoredFrom: null });
    // Author 1 types from 0 s to 40 s (ids 1, 3, 5); author 2 at 10 s and 200 s (ids 2, 4).
    const log = [u(1, 1, 0), u(2, 2, 10), u(3, 1, 20), u(4, 2, 200), u(5, 1, 40)];
    expect(groupSessions(log).map((s) => s.upto)).toEqual([2, 4, 5]);
    const p = await pageSessions(reader(log), 4, 10);
    // Below 4: author 2's first session (upto 2); author 1's rows 1 and 3 belong to the session ending at 5.
    expect(p.sessions.map((s) => s.upto)).toEqual([2]);
    expect(p.more).toBe(false);
  });

  it('an empty log has no sessions', async () => {
    expect(await pageSessions(reader([]), undefined, 200)).toEqual({ sessions: [], more: false, scanned: 0 });
  });
});
