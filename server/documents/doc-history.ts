/**
 * A document's history: the timeline (edit sessions grouped from the update log), past texts
 * rebuilt from the log or from the compacted base, and the pruning that bounds the log.
 *
 * Storage rule (ADR 0018, "History"; ADR 0039): updates older than the history window that the
 * latest snapshot already covers are folded into `documents.base` — the Yjs state of all of them —
 * and deleted from `doc_updates`. The base is garbage-collected as it is folded (collectBase):
 * deleted text goes, except what a named version shows, so the base shrinks back to the text plus
 * the named versions' deleted text. Each edit session among the folded updates leaves one
 * checkpoint row in `doc_versions` (who, when, characters added/removed: a summary, no longer
 * viewable); named versions carry their Yjs snapshot (state vector + delete set) from the moment
 * they are named and are rebuilt from base + snapshot. Any point still in the log is rebuilt by
 * replaying base + log.
 */
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, type SQL } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Db } from '../../db/client.js';
import { affectedRows, transaction } from '../../db/tx.js';
import { docUpdates, docVersions, documents, users } from '../../db/schema/index.js';
import { DOC_HISTORY_PAGE, DOC_SESSION_GAP_MS, DOC_TEXT } from '../../protocol/docs-constants.js';
import type { DocHistory, DocHistorySession, DocVersion } from '../../protocol/docs.js';

/** What the timeline needs of one update row. */
export interface UpdateMeta {
  id: number;
  userId: number | null;
  createdAt: number;
  added: number;
  removed: number;
  restoredFrom: number | null;
}

export interface SessionAcc {
  upto: number;
  userId: number | null;
  startedAt: number;
  endedAt: number;
  updates: number;
  added: number;
  removed: number;
  restoredFrom: number | null;
}

/** Adds one more update of its author to a session (read from either end of the log): counts and end time. */
function absorb(s: SessionAcc, r: UpdateMeta): void {
  s.endedAt = Math.max(s.endedAt, r.createdAt);
  s.updates++;
  s.added += r.added;
  s.removed += r.removed;
}

/**
 * Groups updates (in id order) into edit sessions: one author's updates, each at most `gapMs`
 * after that author's previous one; others typing in between do not split it. A restore is a
 * session of its own (and does not split its author's session). Sessions come back ordered by
 * their last update. The rule looks at pairs of one author's consecutive updates only, so it can
 * be applied from either end of the log (see pageSessions).
 */
export function groupSessions(rows: readonly UpdateMeta[], gapMs = DOC_SESSION_GAP_MS): SessionAcc[] {
  const done: SessionAcc[] = [];
  const open = new Map<number | null, SessionAcc & { lastAt: number }>();
  for (const r of rows) {
    if (r.restoredFrom !== null) {
      done.push({ upto: r.id, userId: r.userId, startedAt: r.createdAt, endedAt: r.createdAt, updates: 1, added: r.added, removed: r.removed, restoredFrom: r.restoredFrom });
      continue;
    }
    const cur = open.get(r.userId);
    if (cur && r.createdAt - cur.lastAt <= gapMs) {
      absorb(cur, r);
      cur.upto = r.id;
      cur.lastAt = r.createdAt;
      continue;
    }
    if (cur) done.push(cur);
    open.set(r.userId, { upto: r.id, userId: r.userId, startedAt: r.createdAt, endedAt: r.createdAt, lastAt: r.createdAt, updates: 1, added: r.added, removed: r.removed, restoredFrom: null });
  }
  done.push(...open.values());
  return done.sort((a, b) => a.upto - b.upto).map(({ lastAt: _l, ...s }: SessionAcc & { lastAt?: number }) => s);
}

/** Where pageSessions reads the log (SQL in DocHistoryStore; arrays in unit tests). */
export interface LogReader {
  /** Up to `limit` updates with id < `below` (null: from the newest), newest first. */
  batch(below: number | null, limit: number): Promise<UpdateMeta[]>;
  /** The time of `userId`'s first non-restore update with id >= `from`, or null. */
  nextOf(userId: number | null, from: number): Promise<number | null>;
  /** The time of `userId`'s last non-restore update with id < `below`, or null. */
  prevOf(userId: number | null, below: number): Promise<number | null>;
}

/**
 * One page of the edit sessions of a log, newest first: the first `page` sessions (by their last
 * update) whose last update is below `before`, and whether an older one exists — the same sessions
 * groupSessions finds over the whole log, but read from the newest end in batches, stopping as soon
 * as the page's sessions are complete. A session that ends at or after `before` but has updates
 * below it is recognised (nextOf) and left out; a page's last open sessions are closed with one
 * look-up per author (prevOf) instead of reading on. Reads about as many rows as the page's
 * sessions hold, plus one batch.
 */
export async function pageSessions(log: LogReader, before: number | undefined, page: number, gapMs = DOC_SESSION_GAP_MS, batchSize = 1000): Promise<{ sessions: SessionAcc[]; more: boolean; scanned: number }> {
  type Acc = SessionAcc & { firstAt: number; closed: boolean; shown: boolean };
  const started: Acc[] = [];
  const open = new Map<number | null, Acc>();
  const crossChecked = new Set<number | null>();
  let below: number | null = before ?? null;
  let scanned = 0;
  let exhausted = false;
  const pageDone = () => started.length > page && started.slice(0, page).every((s) => s.closed);
  while (!pageDone()) {
    const rows = await log.batch(below, batchSize);
    scanned += rows.length;
    if (rows.length === 0) {
      exhausted = true;
      break;
    }
    for (const r of rows) {
      below = r.id;
      if (r.restoredFrom !== null) {
        if (started.length <= page) started.push({ upto: r.id, userId: r.userId, startedAt: r.createdAt, endedAt: r.createdAt, updates: 1, added: r.added, removed: r.removed, restoredFrom: r.restoredFrom, firstAt: r.createdAt, closed: true, shown: true });
        continue;
      }
      let cur = open.get(r.userId);
      if (!cur && before !== undefined && !crossChecked.has(r.userId)) {
        // This author's newest update below the page's start: part of a session that ends at or after it?
        crossChecked.add(r.userId);
        const next = await log.nextOf(r.userId, before);
        if (next !== null && next - r.createdAt <= gapMs) {
          cur = { upto: r.id, userId: r.userId, startedAt: r.createdAt, endedAt: r.createdAt, updates: 0, added: 0, removed: 0, restoredFrom: null, firstAt: next, closed: false, shown: false };
          open.set(r.userId, cur);
        }
      }
      if (cur && !cur.closed && cur.firstAt - r.createdAt <= gapMs) {
        absorb(cur, r);
        cur.firstAt = r.createdAt;
        cur.startedAt = r.createdAt;
        continue;
      }
      if (cur) cur.closed = true;
      const shown = started.length <= page;
      const n: Acc = { upto: r.id, userId: r.userId, startedAt: r.createdAt, endedAt: r.createdAt, updates: 1, added: r.added, removed: r.removed, restoredFrom: null, firstAt: r.createdAt, closed: false, shown };
      if (shown) started.push(n);
      open.set(r.userId, n);
    }
    if (started.length > page && below !== null) {
      // The page is full: close its open sessions whose author's previous update is too far back.
      for (const s of started.slice(0, page)) {
        if (s.closed) continue;
        const prev = await log.prevOf(s.userId, below);
        if (prev === null || s.firstAt - prev > gapMs) s.closed = true;
      }
    }
  }
  if (exhausted) for (const s of started) s.closed = true;
  return {
    sessions: started.slice(0, page).map(({ firstAt: _f, closed: _c, shown: _s, ...x }) => x),
    more: started.length > page,
    scanned,
  };
}

type DocBase = { base: Buffer | null; baseUpto: number };

/**
 * Whether `item` is shown in `snap` (created by then and not deleted by then). The item must not
 * straddle the snapshot's state vector or delete ranges (collectBase splits items there first);
 * were it to, it counts as shown unless one delete range covers the part created by then.
 */
export function shownIn(item: Y.Item, snap: Y.Snapshot): boolean {
  const { client, clock } = item.id;
  const created = snap.sv.get(client) ?? 0;
  if (created <= clock) return false;
  const end = Math.min(clock + item.length, created);
  const dels = snap.ds.clients.get(client) ?? [];
  // The delete ranges of a snapshot are sorted by clock and merged: find the last one starting at or before `clock`.
  let lo = 0;
  let hi = dels.length - 1;
  let at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (dels[mid]!.clock <= clock) {
      at = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return !(at >= 0 && dels[at]!.clock + dels[at]!.len >= end);
}

/** Splits the items of `tr`'s document where `snap` starts or ends seeing them (as Y.createDocFromSnapshot does). */
function splitAt(tr: Y.Transaction, snap: Y.Snapshot): void {
  const store = tr.doc.store;
  const cut = (client: number, clock: number) => {
    if (clock > 0 && clock < Y.getState(store, client)) Y.getItemCleanStart(tr, Y.createID(client, clock));
  };
  for (const [client, clock] of snap.sv) cut(client, clock);
  for (const [client, ranges] of snap.ds.clients) {
    for (const r of ranges) {
      cut(client, r.clock);
      cut(client, r.clock + r.len);
    }
  }
}

/**
 * The history base after folding `updates` into `base`, garbage-collected: the content of deleted
 * text is dropped (Yjs keeps each deleted range as an item with its id, position and length, so
 * later updates still integrate next to it) unless one of the `keep` snapshots (the named
 * versions) shows it. Items are first split at the snapshots' edges, so text typed in one go
 * partly before and partly after a named version is kept only for the part the version shows.
 */
export function collectBase(base: Uint8Array | null, updates: readonly Uint8Array[], keep: readonly Y.Snapshot[]): Uint8Array {
  const y = new Y.Doc({ gc: false });
  y.transact(() => {
    if (base) Y.applyUpdate(y, base);
    for (const u of updates) Y.applyUpdate(y, u);
  });
  y.transact((tr) => {
    for (const s of keep) splitAt(tr, s);
    Y.iterateDeletedStructs(tr, Y.createDeleteSetFromStructStore(y.store), (struct) => {
      if (struct instanceof Y.Item && !struct.keep && !keep.some((s) => shownIn(struct, s))) struct.gc(y.store, false);
    });
  });
  const out = Y.encodeStateAsUpdate(y);
  y.destroy();
  return out;
}

export class DocHistoryStore {
  constructor(private readonly db: Db) {}

  private async names(ids: Iterable<number | null>): Promise<Map<number, string>> {
    const want = [...new Set([...ids].filter((x): x is number => x !== null))];
    const out = new Map<number, string>();
    for (let i = 0; i < want.length; i += 500) {
      const rows = await this.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, want.slice(i, i + 500)));
      for (const r of rows) out.set(r.id, r.name);
    }
    return out;
  }

  /** The update log of one document as pageSessions reads it: index range scans on (doc_id, id). */
  private logReader(docId: number): LogReader {
    const meta = { id: docUpdates.id, userId: docUpdates.userId, createdAt: docUpdates.createdAt, added: docUpdates.added, removed: docUpdates.removed, restoredFrom: docUpdates.restoredFrom };
    const by = (userId: number | null) => (userId === null ? isNull(docUpdates.userId) : eq(docUpdates.userId, userId));
    /** The time of one author's nearest non-restore update on one side of a point. */
    const nearest = async (userId: number | null, side: SQL, order: SQL) => {
      const [r] = await this.db
        .select({ at: docUpdates.createdAt })
        .from(docUpdates)
        .where(and(eq(docUpdates.docId, docId), side, by(userId), isNull(docUpdates.restoredFrom)))
        .orderBy(order)
        .limit(1);
      return r?.at ?? null;
    };
    return {
      batch: async (below, limit) =>
        this.db
          .select(meta)
          .from(docUpdates)
          .where(below === null ? eq(docUpdates.docId, docId) : and(eq(docUpdates.docId, docId), lt(docUpdates.id, below)))
          .orderBy(desc(docUpdates.id))
          .limit(limit),
      nextOf: (userId, from) => nearest(userId, gte(docUpdates.id, from), asc(docUpdates.id)),
      prevOf: (userId, below) => nearest(userId, lt(docUpdates.id, below), desc(docUpdates.id)),
    };
  }

  /** Rows of the log the last history() call read (tests check that a page does not read the whole log). */
  lastScanned = 0;

  /**
   * The timeline (one page of sessions, newest first; `before`: only sessions older than that
   * point) and the named versions of a document (the caller checked room and membership). The
   * page is read from the log in SQL (pageSessions), then from the checkpoints of compacted
   * sessions, which are all older than the log.
   */
  async history(docId: number, before?: number): Promise<DocHistory> {
    const [doc] = await this.db.select({ baseUpto: documents.baseUpto }).from(documents).where(eq(documents.id, docId)).limit(1);
    const [newest] = await this.db.select({ id: docUpdates.id }).from(docUpdates).where(eq(docUpdates.docId, docId)).orderBy(desc(docUpdates.id)).limit(1);
    const live = await pageSessions(this.logReader(docId), before, DOC_HISTORY_PAGE);
    this.lastScanned = live.scanned;
    const room = DOC_HISTORY_PAGE - live.sessions.length;
    let more = live.more;
    let compacted: (typeof docVersions.$inferSelect)[] = [];
    if (!more) {
      const kept = and(eq(docVersions.docId, docId), eq(docVersions.kind, 'session'), before === undefined ? undefined : lt(docVersions.upto, before));
      const rows = await this.db.select().from(docVersions).where(kept).orderBy(desc(docVersions.upto), desc(docVersions.id)).limit(room + 1);
      compacted = rows.slice(0, room);
      more = rows.length > room;
    }
    const named = await this.db
      .select()
      .from(docVersions)
      .where(and(eq(docVersions.docId, docId), eq(docVersions.kind, 'named')))
      .orderBy(desc(docVersions.upto), desc(docVersions.id));
    const namedAt = new Set(named.map((v) => v.upto));
    const who = await this.names([...live.sessions.map((s) => s.userId), ...compacted.map((v) => v.userId), ...named.map((v) => v.userId)]);
    const user = (id: number | null) => (id !== null && who.has(id) ? { id, displayName: who.get(id)! } : null);
    const sessions: DocHistorySession[] = [
      ...live.sessions.map(({ userId, ...s }) => ({ ...s, user: user(userId), compacted: false, viewable: true })),
      ...compacted.map((v) => ({
        upto: v.upto,
        user: user(v.userId),
        startedAt: v.startedAt ?? v.createdAt,
        endedAt: v.createdAt,
        updates: v.updates,
        added: v.added,
        removed: v.removed,
        restoredFrom: v.restoredFrom,
        compacted: true,
        // A checkpoint from before ADR 0039 (base not yet collected), or one a named version shares.
        viewable: v.snapshot !== null || namedAt.has(v.upto),
      })),
    ];
    const versions: DocVersion[] = named.map((v) => ({ id: v.id, name: v.name ?? '', upto: v.upto, by: user(v.userId), at: v.createdAt }));
    return { sessions, versions, head: newest?.id ?? doc?.baseUpto ?? 0, more };
  }

  /**
   * The text of a document at history point `upto` (its state after that update), or null when
   * no such point exists (not one of this document's updates, or compacted: only named versions,
   * and checkpoints written before the base was first collected, keep a snapshot).
   */
  async textAt(docId: number, doc: DocBase, upto: number): Promise<string | null> {
    if (upto === 0) return '';
    if (upto <= doc.baseUpto) {
      const [v] = await this.db
        .select({ snapshot: docVersions.snapshot })
        .from(docVersions)
        .where(and(eq(docVersions.docId, docId), eq(docVersions.upto, upto), isNotNull(docVersions.snapshot)))
        .limit(1);
      if (!v?.snapshot) return null;
      const base = new Y.Doc({ gc: false });
      if (doc.base) Y.applyUpdate(base, new Uint8Array(doc.base));
      const past = Y.createDocFromSnapshot(base, Y.decodeSnapshot(new Uint8Array(v.snapshot)));
      const text = past.getText(DOC_TEXT).toString();
      base.destroy();
      past.destroy();
      return text;
    }
    const [exists] = await this.db
      .select({ id: docUpdates.id })
      .from(docUpdates)
      .where(and(eq(docUpdates.docId, docId), eq(docUpdates.id, upto)))
      .limit(1);
    if (!exists) return null;
    const rows = await this.db
      .select({ data: docUpdates.data })
      .from(docUpdates)
      .where(and(eq(docUpdates.docId, docId), gt(docUpdates.id, doc.baseUpto), lte(docUpdates.id, upto)))
      .orderBy(asc(docUpdates.id));
    const y = new Y.Doc();
    y.transact(() => {
      if (doc.base) Y.applyUpdate(y, new Uint8Array(doc.base));
      for (const r of rows) Y.applyUpdate(y, new Uint8Array(r.data));
    });
    const text = y.getText(DOC_TEXT).toString();
    y.destroy();
    return text;
  }

  /**
   * Folds updates older than `cutoff` (and already in the latest snapshot) into the base, collected
   * (collectBase: deleted text goes unless a named version shows it), leaving one checkpoint (a
   * summary) per edit session. `recollect`: with nothing to fold, still collect the base as it is
   * (a base written before ADR 0039 kept all deleted text; a document full because of it asks for
   * this). Returns how many update rows were removed; `onBase` learns the new base's size (it counts
   * toward the document's size cap).
   */
  async prune(docId: number, cutoff: number, onBase?: (bytes: number) => void, recollect = false): Promise<number> {
    const [doc] = await this.db
      .select({ base: documents.base, baseUpto: documents.baseUpto, snapshotUpto: documents.snapshotUpto })
      .from(documents)
      .where(eq(documents.id, docId))
      .limit(1);
    if (!doc) return 0;
    const [fresh] = await this.db
      .select({ id: docUpdates.id })
      .from(docUpdates)
      .where(and(eq(docUpdates.docId, docId), gt(docUpdates.id, doc.baseUpto), gte(docUpdates.createdAt, cutoff)))
      .orderBy(asc(docUpdates.id))
      .limit(1);
    const limit = Math.min(doc.snapshotUpto, fresh ? fresh.id - 1 : Number.MAX_SAFE_INTEGER);
    const rows =
      limit <= doc.baseUpto
        ? []
        : await this.db
            .select()
            .from(docUpdates)
            .where(and(eq(docUpdates.docId, docId), gt(docUpdates.id, doc.baseUpto), lte(docUpdates.id, limit)))
            .orderBy(asc(docUpdates.id));
    if (rows.length === 0 && !(recollect && doc.base)) return 0;

    // Named versions are never dropped: the deleted text they show stays in the base.
    const named = await this.db
      .select({ snapshot: docVersions.snapshot })
      .from(docVersions)
      .where(and(eq(docVersions.docId, docId), eq(docVersions.kind, 'named'), isNotNull(docVersions.snapshot)));
    const keep = named.map((v) => Y.decodeSnapshot(new Uint8Array(v.snapshot!)));
    const base = Buffer.from(collectBase(doc.base ? new Uint8Array(doc.base) : null, rows.map((r) => new Uint8Array(r.data)), keep));
    if (rows.length === 0 && base.byteLength >= doc.base!.byteLength) return 0; // already collected
    const upto = rows.at(-1)?.id ?? doc.baseUpto;
    const sessions = groupSessions(rows);

    const pruned = await transaction(this.db, async (tx) => {
      // Another node pruning the same document at the same time: the later one changes nothing.
      const moved = affectedRows(await tx.update(documents).set({ base, baseUpto: upto }).where(and(eq(documents.id, docId), eq(documents.baseUpto, doc.baseUpto))));
      if (moved === 0) return false;
      // Older checkpoints' snapshots would rebuild text the collected base no longer holds.
      await tx
        .update(docVersions)
        .set({ snapshot: null })
        .where(and(eq(docVersions.docId, docId), eq(docVersions.kind, 'session'), isNotNull(docVersions.snapshot)));
      const checkpoints = sessions.map((s) => ({
        docId,
        kind: 'session' as const,
        upto: s.upto,
        userId: s.userId,
        createdAt: s.endedAt,
        startedAt: s.startedAt,
        updates: s.updates,
        added: s.added,
        removed: s.removed,
        restoredFrom: s.restoredFrom,
        snapshot: null,
      }));
      for (let i = 0; i < checkpoints.length; i += 200) await tx.insert(docVersions).values(checkpoints.slice(i, i + 200));
      if (rows.length > 0) await tx.delete(docUpdates).where(and(eq(docUpdates.docId, docId), lte(docUpdates.id, upto)));
      return true;
    });
    if (!pruned) return 0;
    onBase?.(base.byteLength);
    return rows.length;
  }
}
