/**
 * A document's history: the timeline (edit sessions grouped from the update log), past texts
 * rebuilt from the log or from the compacted base, and the pruning that bounds the log.
 *
 * Storage rule (ADR 0018, "History"): updates older than the history window that the latest
 * snapshot already covers are folded into `documents.base` — the Yjs state of all of them, kept
 * without garbage collection so deleted text stays — and deleted from `doc_updates`. Each edit
 * session among them leaves one checkpoint row (a Yjs snapshot: state vector + delete set, tens
 * of bytes) in `doc_versions`; named versions carry their snapshot from the moment they are named.
 * Any point still in the log is rebuilt by replaying base + log; a compacted point from base +
 * its snapshot.
 */
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, lte } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Db } from '../../db/client.js';
import { transaction } from '../../db/tx.js';
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

/**
 * Groups updates (in id order) into edit sessions: one author's updates, each at most `gapMs`
 * after that author's previous one; others typing in between do not split it. A restore is a
 * session of its own. Sessions come back ordered by their last update.
 */
export function groupSessions(rows: readonly UpdateMeta[], gapMs = DOC_SESSION_GAP_MS): SessionAcc[] {
  const done: SessionAcc[] = [];
  const open = new Map<number | null, SessionAcc>();
  for (const r of rows) {
    if (r.restoredFrom !== null) {
      done.push({ upto: r.id, userId: r.userId, startedAt: r.createdAt, endedAt: r.createdAt, updates: 1, added: r.added, removed: r.removed, restoredFrom: r.restoredFrom });
      continue;
    }
    const cur = open.get(r.userId);
    if (cur && r.createdAt - cur.endedAt <= gapMs) {
      cur.upto = r.id;
      cur.endedAt = Math.max(cur.endedAt, r.createdAt);
      cur.updates++;
      cur.added += r.added;
      cur.removed += r.removed;
      continue;
    }
    if (cur) done.push(cur);
    open.set(r.userId, { upto: r.id, userId: r.userId, startedAt: r.createdAt, endedAt: r.createdAt, updates: 1, added: r.added, removed: r.removed, restoredFrom: null });
  }
  done.push(...open.values());
  return done.sort((a, b) => a.upto - b.upto);
}

type DocBase = { base: Buffer | null; baseUpto: number };


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

  /**
   * The timeline (one page of sessions, newest first; `before`: only sessions older than that
   * point) and the named versions of a document (the caller checked room and membership).
   */
  async history(docId: number, before?: number): Promise<DocHistory> {
    const [doc] = await this.db.select({ baseUpto: documents.baseUpto }).from(documents).where(eq(documents.id, docId)).limit(1);
    const meta = await this.db
      .select({ id: docUpdates.id, userId: docUpdates.userId, createdAt: docUpdates.createdAt, added: docUpdates.added, removed: docUpdates.removed, restoredFrom: docUpdates.restoredFrom })
      .from(docUpdates)
      .where(eq(docUpdates.docId, docId))
      .orderBy(asc(docUpdates.id));
    const kept = await this.db.select().from(docVersions).where(eq(docVersions.docId, docId)).orderBy(desc(docVersions.upto), desc(docVersions.id));
    const live = groupSessions(meta);
    const compacted = kept.filter((v) => v.kind === 'session');
    const named = kept.filter((v) => v.kind === 'named');
    // Sessions are grouped over the whole log (a page break never splits one), then paged.
    const all = [...live.map((s) => ({ ...s, compacted: false })), ...compacted.map((v) => ({ upto: v.upto, userId: v.userId, compacted: true }))]
      .filter((s) => before === undefined || s.upto < before)
      .sort((a, b) => b.upto - a.upto);
    const pageUptos = new Set(all.slice(0, DOC_HISTORY_PAGE).map((s) => s.upto));
    const liveShown = live.filter((s) => pageUptos.has(s.upto));
    const compactedShown = compacted.filter((v) => pageUptos.has(v.upto));
    const who = await this.names([...liveShown.map((s) => s.userId), ...compactedShown.map((v) => v.userId), ...named.map((v) => v.userId)]);
    const user = (id: number | null) => (id !== null && who.has(id) ? { id, displayName: who.get(id)! } : null);
    const sessions: DocHistorySession[] = [
      ...liveShown.map((s) => ({ ...s, user: user(s.userId), compacted: false })),
      ...compactedShown.map((v) => ({
        upto: v.upto,
        userId: v.userId,
        user: user(v.userId),
        startedAt: v.startedAt ?? v.createdAt,
        endedAt: v.createdAt,
        updates: v.updates,
        added: v.added,
        removed: v.removed,
        restoredFrom: v.restoredFrom,
        compacted: true,
      })),
    ]
      .sort((a, b) => b.upto - a.upto)
      .map(({ userId: _u, ...s }) => s);
    const versions: DocVersion[] = named.map((v) => ({ id: v.id, name: v.name ?? '', upto: v.upto, by: user(v.userId), at: v.createdAt }));
    return { sessions, versions, head: meta.at(-1)?.id ?? doc?.baseUpto ?? 0, more: all.length > DOC_HISTORY_PAGE };
  }

  /**
   * The text of a document at history point `upto` (its state after that update), or null when
   * no such point exists (not one of this document's updates, or compacted without a checkpoint).
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
   * Folds updates older than `cutoff` (and already in the latest snapshot) into the base, leaving
   * one checkpoint per edit session. Returns how many update rows were removed; `onBase` learns
   * the new base's size (it counts toward the document's size cap).
   */
  async prune(docId: number, cutoff: number, onBase?: (bytes: number) => void): Promise<number> {
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
    if (limit <= doc.baseUpto) return 0;
    const rows = await this.db
      .select()
      .from(docUpdates)
      .where(and(eq(docUpdates.docId, docId), gt(docUpdates.id, doc.baseUpto), lte(docUpdates.id, limit)))
      .orderBy(asc(docUpdates.id));
    if (rows.length === 0) return 0;

    const sessions = groupSessions(rows);
    const ends = new Set(sessions.map((s) => s.upto));
    const snapshots = new Map<number, Buffer>();
    const y = new Y.Doc({ gc: false });
    if (doc.base) Y.applyUpdate(y, new Uint8Array(doc.base));
    for (const r of rows) {
      Y.applyUpdate(y, new Uint8Array(r.data));
      if (ends.has(r.id)) snapshots.set(r.id, Buffer.from(Y.encodeSnapshot(Y.snapshot(y))));
    }
    const base = Buffer.from(Y.encodeStateAsUpdate(y));
    y.destroy();
    const upto = rows.at(-1)!.id;

    await transaction(this.db, async (tx) => {
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
        snapshot: snapshots.get(s.upto)!,
      }));
      for (let i = 0; i < checkpoints.length; i += 200) await tx.insert(docVersions).values(checkpoints.slice(i, i + 200));
      await tx.update(documents).set({ base, baseUpto: upto }).where(eq(documents.id, docId));
      await tx.delete(docUpdates).where(and(eq(docUpdates.docId, docId), lte(docUpdates.id, upto)));
    });
    onBase?.(base.byteLength);
    return rows.length;
  }
}
