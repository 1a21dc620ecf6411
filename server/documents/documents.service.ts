/**
 * Live documents: the rows (title, kind, language, who edited last) and the shared Yjs text.
 *
 * Each open document lives in memory as a Y.Doc, loaded from its latest snapshot plus the tail
 * of updates written after it. An accepted update is applied in memory (and may be relayed at
 * once), then appended to `doc_updates` by the document's writer, which stores every update queued
 * meanwhile in one transaction (group commit); its sender is acknowledged only once its row is
 * written (ADR 0031). Once the tail grows past `compactEvery` rows a background task writes a
 * new snapshot, so loading stays fast however long the document's life. The update log is the
 * document's timeline (who changed what, when); after each snapshot, updates older than the
 * history window are folded into the history base (doc-history.ts).
 */
import { and, asc, count, desc, eq, gt, lte } from 'drizzle-orm';
import * as Y from 'yjs';
import type { Db } from '../../db/client.js';
import { transaction } from '../../db/tx.js';
import { docUpdates, docVersions, documents, users } from '../../db/schema/index.js';
import { DOC_MAX_BYTES, DOC_TEXT, DOC_VERSIONS_MAX, DOCS_PER_ROOM_MAX, RUNS_KEPT, type DocKind, type DocLanguage } from '../../protocol/docs-constants.js';
import type { DocHistory, DocRun, DocRunInput, DocSummary, DocVersion } from '../../protocol/docs.js';
import { textEdits } from '../../protocol/line-diff.js';
import { randomUUID } from 'node:crypto';
import { AppError } from '../plugins/errors.js';
import type { RoomEvents } from '../rooms/room-events.js';
import { DocHistoryStore } from './doc-history.js';
import { encodeAwareness, inspectUpdate, type AwarenessCursor, type AwarenessEntry } from './yjs-guard.js';

type DocRow = typeof documents.$inferSelect;

/** An applied update waiting for its row (see DocumentsService.accept). */
interface QueuedRow {
  userId: number;
  update: Uint8Array;
  added: number;
  removed: number;
  restoredFrom: number | null;
  at: number;
  settle: (err?: unknown) => void;
}

/** Most rows one write stores (one multi-row INSERT; the rest waits for the next write). */
const WRITE_BATCH = 200;

interface LiveDoc {
  id: number;
  roomId: number;
  ydoc: Y.Doc;
  storedBytes: number;
  /** Bytes of the history base (the folded past, collected: ADR 0039); counted in the size cap too. */
  baseBytes: number;
  /**
   * The size cap refused an update while a base was counted: the next compaction collects the base
   * even with nothing new to fold (a base written before ADR 0039 kept every deleted character).
   * Asked once per load.
   */
  recollect: 'no' | 'asked' | 'done';
  tailCount: number;
  lastUpdateId: number;
  /**
   * Every stored update with an id up to this one is applied to `ydoc`. One node: the highest id
   * it wrote. Several nodes ({@link DocumentsOptions.shared}): the last row read from the database
   * (other nodes write this document too), so a snapshot never claims updates it lacks.
   */
  seenUpto: number;
  /** Sockets that opened it. */
  subscribers: Set<string>;
  /** Relayed awareness states by Yjs client id, with the socket that owns each. */
  awareness: Map<number, AwarenessEntry & { socketId: string }>;
  compacting: boolean;
  /** Applied updates not yet written, in the order they were applied. */
  queue: QueuedRow[];
  /** The running write of `queue`, if any. */
  writing: Promise<void> | null;
  /** Latest runs of a code pad (kept in memory only). */
  runs: DocRun[];
  evictTimer?: ReturnType<typeof setTimeout>;
  /** Loads in flight share one promise. */
}

export interface DocumentsOptions {
  /** Tail length that triggers a background snapshot. */
  compactEvery: number;
  /** How long an unwatched document stays in memory. */
  evictAfterMs: number;
  /** Updates younger than this stay in the log (the full timeline); older ones are folded into the history base after a snapshot. */
  historyWindowMs: number;
  /**
   * Several server processes write this database (scale-out, ADR 0037): another node may hold the
   * same document open and store updates this node never applied. The in-memory copy then catches
   * up from the log before it is read (open, export, restore, versions, snapshots) and every
   * `catchUpEveryMs` while someone here has it open.
   */
  shared?: { catchUpEveryMs: number };
}

/** Restores are stored and relayed like any other update; this origin marks the server's own transaction. */
const RESTORE = Symbol('restore');
/** Updates read back from the log (written by another node): applied, never stored again. */
const CATCH_UP = Symbol('catch-up');
const FULL = 'This document is full (its size cap counts the text, its edit log and its kept history).';

export class DocumentsService {
  private readonly live = new Map<number, LiveDoc>();
  private readonly loading = new Map<number, Promise<LiveDoc>>();
  /** Writers of documents dropped from memory while still writing (see drop). */
  private readonly draining = new Map<number, Promise<void>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;
  readonly history: DocHistoryStore;
  /** Extra write checks other features add (an interview pad: observers only read). */
  readonly writeGuards: ((docId: number, userId: number) => Promise<boolean>)[] = [];
  /**
   * Listeners of accepted cursor positions (an interview pad records them for its replay). Called
   * after the relay with the sender's own cursor, already schema-checked; they must not throw.
   */
  readonly cursorTaps: ((docId: number, userId: number, cursor: AwarenessCursor) => void)[] = [];
  /**
   * Several nodes: what catching up added to this node's copy (another node's updates), for this
   * node's subscribers. They normally got it already through the Socket.IO relay; this closes the
   * gap of a relay sent just before a socket opened the document here, and of a lost relay.
   */
  onCaughtUp: (roomId: number, docId: number, update: Uint8Array) => void = () => {};
  private catchUpTimer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly db: Db,
    private readonly events: RoomEvents,
    private readonly opts: DocumentsOptions = { compactEvery: 500, evictAfterMs: 30_000, historyWindowMs: 30 * 86_400_000 },
  ) {
    this.history = new DocHistoryStore(db);
    if (opts.shared) {
      this.catchUpTimer = setInterval(() => void this.catchUpOpen(), opts.shared.catchUpEveryMs);
      this.catchUpTimer.unref?.();
    }
  }

  /** Bytes counted against the size cap: snapshot + tail + history base. */
  private static used(live: LiveDoc): number {
    return live.storedBytes + live.baseBytes;
  }

  /** Bytes a document counts against its size cap (tests, health). */
  async usedBytes(roomId: number, docId: number): Promise<number> {
    return DocumentsService.used(await this.load(roomId, docId));
  }

  // ---- rows ---------------------------------------------------------------------------------

  private async summaries(where: ReturnType<typeof eq>): Promise<DocSummary[]> {
    const rows = await this.db
      .select({ doc: documents, editorName: users.displayName })
      .from(documents)
      .leftJoin(users, eq(users.id, documents.lastEditorId))
      .where(where)
      .orderBy(desc(documents.updatedAt), desc(documents.id));
    return rows.map(({ doc, editorName }) => ({
      id: doc.id,
      roomId: doc.roomId,
      title: doc.title,
      kind: doc.kind,
      language: doc.language as DocLanguage,
      createdBy: doc.createdBy,
      createdAt: doc.createdAt,
      updatedAt: doc.updatedAt,
      lastEditor: doc.lastEditorId && editorName !== null ? { id: doc.lastEditorId, displayName: editorName } : null,
    }));
  }

  async list(roomId: number): Promise<DocSummary[]> {
    return this.summaries(eq(documents.roomId, roomId));
  }

  async summary(docId: number): Promise<DocSummary> {
    const [s] = await this.summaries(eq(documents.id, docId));
    if (!s) throw new AppError('NOT_FOUND', 'No such document.');
    return s;
  }

  /** The row of a document in this room; a document of another room is NOT_FOUND (ids are guessable). */
  async get(roomId: number, docId: number): Promise<DocRow> {
    const [row] = await this.db.select().from(documents).where(and(eq(documents.id, docId), eq(documents.roomId, roomId)));
    if (!row) throw new AppError('NOT_FOUND', 'No such document in this room.');
    return row;
  }

  /** The room of a document, or null. */
  async roomOf(docId: number): Promise<number | null> {
    const live = this.live.get(docId);
    if (live) return live.roomId;
    const [row] = await this.db.select({ roomId: documents.roomId }).from(documents).where(eq(documents.id, docId));
    return row?.roomId ?? null;
  }

  async create(roomId: number, userId: number, input: { title: string; kind: DocKind; language?: DocLanguage | undefined }): Promise<DocSummary> {
    const [{ n } = { n: 0 }] = await this.db.select({ n: count() }).from(documents).where(eq(documents.roomId, roomId));
    if (n >= DOCS_PER_ROOM_MAX) throw new AppError('CONFLICT', `A room holds at most ${DOCS_PER_ROOM_MAX} documents.`);
    const now = Date.now();
    const language = input.kind === 'note' ? 'markdown' : (input.language ?? 'javascript');
    const [row] = await this.db
      .insert(documents)
      .values({ roomId, title: input.title, kind: input.kind, language, createdBy: userId, createdAt: now, updatedAt: now })
      .returning();
    const doc = await this.summary(row!.id);
    void this.events.broadcast(roomId, 'doc:created', { doc });
    return doc;
  }

  private async assertMayManage(row: DocRow, userId: number, isModerator: boolean): Promise<void> {
    if (row.createdBy !== userId && !isModerator) throw new AppError('FORBIDDEN', 'Only its author or a moderator can do that.');
  }

  async rename(roomId: number, docId: number, userId: number, isModerator: boolean, title: string): Promise<DocSummary> {
    const row = await this.get(roomId, docId);
    await this.assertMayManage(row, userId, isModerator);
    await this.db.update(documents).set({ title }).where(eq(documents.id, docId));
    return this.announce(roomId, docId);
  }

  async configure(roomId: number, docId: number, userId: number, isModerator: boolean, language: DocLanguage): Promise<DocSummary> {
    const row = await this.get(roomId, docId);
    if (row.kind !== 'code') throw new AppError('CONFLICT', 'Only a code pad has a language.');
    await this.assertMayManage(row, userId, isModerator);
    await this.db.update(documents).set({ language }).where(eq(documents.id, docId));
    return this.announce(roomId, docId);
  }

  async remove(roomId: number, docId: number, userId: number, isModerator: boolean): Promise<string[]> {
    const row = await this.get(roomId, docId);
    await this.assertMayManage(row, userId, isModerator);
    await this.db.delete(documents).where(eq(documents.id, docId));
    const live = this.live.get(docId);
    const sockets = live ? [...live.subscribers] : [];
    this.drop(docId);
    void this.events.broadcast(roomId, 'doc:deleted', { docId });
    return sockets;
  }

  private async announce(roomId: number, docId: number): Promise<DocSummary> {
    const doc = await this.summary(docId);
    void this.events.broadcast(roomId, 'doc:changed', { doc });
    return doc;
  }

  // ---- shared text ---------------------------------------------------------------------------

  /** Loads a document into memory from its snapshot + tail (or returns it if already there). */
  async load(roomId: number, docId: number): Promise<LiveDoc> {
    const have = this.live.get(docId);
    if (have) return have;
    const pending = this.loading.get(docId);
    if (pending) return pending;
    const p = (async () => {
      await this.draining.get(docId);
      const row = await this.get(roomId, docId);
      const tail = await this.db
        .select({ id: docUpdates.id, data: docUpdates.data })
        .from(docUpdates)
        .where(and(eq(docUpdates.docId, docId), gt(docUpdates.id, row.snapshotUpto)))
        .orderBy(asc(docUpdates.id));
      const ydoc = new Y.Doc({ gc: true });
      // One transaction for the snapshot and the whole tail: observers and GC run once.
      ydoc.transact(() => {
        if (row.snapshot) Y.applyUpdate(ydoc, new Uint8Array(row.snapshot));
        for (const t of tail) Y.applyUpdate(ydoc, new Uint8Array(t.data));
      });
      const live: LiveDoc = {
        id: docId,
        roomId,
        ydoc,
        storedBytes: row.storedBytes,
        baseBytes: row.base?.byteLength ?? 0,
        recollect: 'no',
        tailCount: tail.length,
        lastUpdateId: tail.at(-1)?.id ?? row.snapshotUpto,
        seenUpto: tail.at(-1)?.id ?? row.snapshotUpto,
        subscribers: new Set(),
        awareness: new Map(),
        compacting: false,
        queue: [],
        writing: null,
        runs: [],
      };
      this.live.set(docId, live);
      return live;
    })();
    this.loading.set(docId, p);
    try {
      return await p;
    } finally {
      this.loading.delete(docId);
    }
  }

  /** Adds a subscriber and returns what the client lacks (diff against its state vector). */
  async open(roomId: number, docId: number, socketId: string, stateVector?: Uint8Array): Promise<{ update: Uint8Array; stateVector: Uint8Array; awareness: Uint8Array | null; runs: DocRun[] }> {
    const live = await this.fresh(roomId, docId);
    live.subscribers.add(socketId);
    clearTimeout(live.evictTimer);
    let update: Uint8Array;
    try {
      update = Y.encodeStateAsUpdate(live.ydoc, stateVector && stateVector.byteLength ? stateVector : undefined);
    } catch {
      throw new AppError('VALIDATION', 'Invalid state vector.');
    }
    const others = [...live.awareness.values()].filter((a) => a.socketId !== socketId && a.state);
    return { update, stateVector: Y.encodeStateVector(live.ydoc), awareness: others.length ? encodeAwareness(others) : null, runs: [...live.runs] };
  }

  /** Removes a subscriber; returns the awareness removal to relay (its cursors), if any. */
  close(docId: number, socketId: string): Uint8Array | null {
    const live = this.live.get(docId);
    if (!live) return null;
    live.subscribers.delete(socketId);
    const gone: AwarenessEntry[] = [];
    for (const [clientId, a] of live.awareness) {
      if (a.socketId !== socketId) continue;
      live.awareness.delete(clientId);
      gone.push({ clientId, clock: a.clock + 1, state: null });
    }
    if (live.subscribers.size === 0) this.armEviction(live);
    return gone.length ? encodeAwareness(gone) : null;
  }

  /** Drops an unwatched document from memory after a while (later if it is still being written or compacted). */
  private armEviction(live: LiveDoc): void {
    clearTimeout(live.evictTimer);
    live.evictTimer = setTimeout(() => {
      if (live.subscribers.size > 0 || this.live.get(live.id) !== live) return;
      if (live.compacting || live.writing) this.armEviction(live);
      else this.drop(live.id);
    }, this.opts.evictAfterMs);
    live.evictTimer.unref?.();
  }

  /** The room of a document held in memory (sync; null when not loaded). */
  liveRoomOf(docId: number): number | null {
    return this.live.get(docId)?.roomId ?? null;
  }

  isOpenBy(docId: number, socketId: string): boolean {
    return this.live.get(docId)?.subscribers.has(socketId) ?? false;
  }

  /**
   * Checks one client update, applies it to the shared text and queues its row. Resolves once it is
   * applied (the caller may relay it then) with `written`, which settles once its row is stored:
   * acknowledge the sender only then. Throws, changing nothing, for a malformed update, one that
   * touches anything but the text, or a full document. A failed write rejects `written` and drops
   * the in-memory copy (reloaded from the database next time); an update others received but that
   * was not written is sent again by its author, who got no ack.
   */
  async accept(roomId: number, docId: number, userId: number, update: Uint8Array): Promise<{ written: Promise<void> }> {
    const inspected = inspectUpdate(update);
    if ('why' in inspected) throw new AppError('VALIDATION', `Refused: ${inspected.why}.`);
    const live = await this.load(roomId, docId);
    if (DocumentsService.used(live) + update.byteLength > DOC_MAX_BYTES) {
      this.askRecollect(live);
      throw new AppError('CONFLICT', FULL);
    }
    try {
      Y.applyUpdate(live.ydoc, update, 'client');
    } catch {
      this.drop(docId); // the in-memory copy may be half-applied: reload from the database next time
      throw new AppError('VALIDATION', 'Refused: update could not be applied.');
    }
    return { written: this.persist(live, userId, update, inspected, null) };
  }

  /** Checks, applies and stores one client update; resolves once its row is written (see accept). */
  async applyUpdate(roomId: number, docId: number, userId: number, update: Uint8Array): Promise<void> {
    await (await this.accept(roomId, docId, userId, update)).written;
  }

  /**
   * Queues an applied update for the log (who, when, characters added/removed); resolves once its
   * row is written. Rows are written in the order applied, so the log's order is the apply order.
   */
  private persist(live: LiveDoc, userId: number, update: Uint8Array, stats: { added: number; removed: number }, restoredFrom: number | null): Promise<void> {
    // Counted now, so updates still queued count against the size cap too.
    live.storedBytes += update.byteLength;
    return new Promise<void>((resolve, reject) => {
      live.queue.push({ userId, update, added: stats.added, removed: stats.removed, restoredFrom, at: Date.now(), settle: (err) => (err === undefined ? resolve() : reject(err)) });
      live.writing ??= this.writeQueue(live);
    });
  }

  /**
   * The document's writer (group commit): after the current event-loop turn, so the updates that
   * arrived in it go together, writes the queued rows with one INSERT and the document's row (last
   * editor, time, size) in one transaction, settles their senders, and goes on while more queued up
   * meanwhile. A failure fails every queued update and drops the in-memory copy.
   */
  private async writeQueue(live: LiveDoc): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (live.queue.length > 0) {
      const batch = live.queue.splice(0, WRITE_BATCH);
      const last = batch.at(-1)!;
      try {
        const ids = await transaction(this.db, async (tx) => {
          // The document's row first: its lock (PostgreSQL; SQLite has one writer) is held from
          // before the ids are drawn until the commit, so one document's rows become visible in id
          // order even when several nodes write it, and reading "ids after n" never skips one.
          await tx.update(documents).set({ updatedAt: last.at, lastEditorId: last.userId, storedBytes: live.storedBytes }).where(eq(documents.id, live.id));
          return tx
            .insert(docUpdates)
            .values(batch.map((q) => ({ docId: live.id, userId: q.userId, data: Buffer.from(q.update), createdAt: q.at, added: q.added, removed: q.removed, restoredFrom: q.restoredFrom })))
            .returning({ id: docUpdates.id });
        });
        for (const r of ids) live.lastUpdateId = Math.max(live.lastUpdateId, r.id);
        if (!this.opts.shared) live.seenUpto = live.lastUpdateId;
        live.tailCount += batch.length;
        for (const q of batch) q.settle();
      } catch (err) {
        const failed = [...batch, ...live.queue.splice(0)];
        live.writing = null;
        if (this.live.get(live.id) === live) this.drop(live.id);
        for (const q of failed) q.settle(err ?? new Error('write failed'));
        return;
      }
    }
    live.writing = null;
    if (live.tailCount >= this.opts.compactEvery && !live.compacting) this.scheduleCompaction(live);
  }

  /** Resolves once every queued update is written (or failed): before shutdown, and for tests. */
  async flush(): Promise<void> {
    for (;;) {
      const writing = [...[...this.live.values()].map((l) => l.writing), ...this.draining.values()].filter((w) => w !== null);
      if (writing.length === 0) return;
      await Promise.all(writing);
    }
  }

  // ---- history -------------------------------------------------------------------------------

  /** The timeline (edit sessions) and named versions. */
  async timeline(roomId: number, docId: number, before?: number): Promise<DocHistory> {
    await this.get(roomId, docId);
    return this.history.history(docId, before);
  }

  /** The text at a history point; NOT_FOUND for a point this document does not have. */
  async textAt(roomId: number, docId: number, upto: number): Promise<string> {
    const row = await this.get(roomId, docId);
    const text = await this.history.textAt(docId, row, upto);
    if (text === null) throw new AppError('NOT_FOUND', 'No such point in this document’s history (older edits keep only a summary; named versions keep their text).');
    return text;
  }

  /**
   * Names the current state. Its Yjs snapshot is kept so the version outlives log pruning; the
   * deleted text it shows is never collected from the history base (ADR 0039).
   */
  async nameVersion(roomId: number, docId: number, userId: number, name: string): Promise<DocVersion> {
    await this.get(roomId, docId);
    const [{ n } = { n: 0 }] = await this.db.select({ n: count() }).from(docVersions).where(and(eq(docVersions.docId, docId), eq(docVersions.kind, 'named')));
    if (n >= DOC_VERSIONS_MAX) throw new AppError('CONFLICT', `A document keeps at most ${DOC_VERSIONS_MAX} named versions.`);
    const live = await this.fresh(roomId, docId);
    const snapshot = Buffer.from(Y.encodeSnapshot(Y.snapshot(live.ydoc)));
    const [row] = await this.db
      .insert(docVersions)
      .values({ docId, kind: 'named', name, upto: live.lastUpdateId, userId, createdAt: Date.now(), snapshot })
      .returning();
    const [u] = await this.db.select({ name: users.displayName }).from(users).where(eq(users.id, userId)).limit(1);
    return { id: row!.id, name, upto: row!.upto, by: u ? { id: userId, displayName: u.name } : null, at: row!.createdAt };
  }

  /**
   * Brings back the text of history point `upto` as a new change by `userId`: the line diff from
   * the current text is applied to the shared text (unchanged lines untouched), stored like any
   * update (marked as a restore) and returned for relaying. Null when the text already matches.
   */
  async restore(roomId: number, docId: number, userId: number, upto: number): Promise<Uint8Array | null> {
    const target = await this.textAt(roomId, docId, upto);
    const live = await this.fresh(roomId, docId);
    const ytext = live.ydoc.getText(DOC_TEXT);
    const current = ytext.toString();
    if (current === target) return null;
    const edits = textEdits(current, target);
    const inserted = edits.reduce((n, e) => n + Buffer.byteLength(e.insert), 0);
    if (DocumentsService.used(live) + inserted + 64 * edits.length > DOC_MAX_BYTES) {
      this.askRecollect(live);
      throw new AppError('CONFLICT', FULL);
    }
    let update: Uint8Array | null = null;
    const capture = (u: Uint8Array, origin: unknown) => {
      if (origin === RESTORE) update = update ? Y.mergeUpdates([update, u]) : u;
    };
    live.ydoc.on('update', capture);
    try {
      live.ydoc.transact(() => {
        for (let k = edits.length - 1; k >= 0; k--) {
          const e = edits[k]!;
          if (e.remove) ytext.delete(e.at, e.remove);
          if (e.insert) ytext.insert(e.at, e.insert);
        }
      }, RESTORE);
    } finally {
      live.ydoc.off('update', capture);
    }
    if (!update) return null;
    const removed = edits.reduce((n, e) => n + e.remove, 0);
    await this.persist(live, userId, update, { added: edits.reduce((n, e) => n + e.insert.length, 0), removed }, upto);
    return update;
  }

  /** False when a write guard refuses this user's edits to this document. */
  async mayWrite(docId: number, userId: number): Promise<boolean> {
    for (const guard of this.writeGuards) if (!(await guard(docId, userId))) return false;
    return true;
  }

  /** The current text (export, tests). */
  async text(roomId: number, docId: number): Promise<string> {
    const live = await this.fresh(roomId, docId);
    const s = live.ydoc.getText(DOC_TEXT).toString();
    if (live.subscribers.size === 0) this.close(docId, '');
    return s;
  }

  /** Records the output of a run (made in a participant's browser) so late joiners see it too. */
  async recordRun(roomId: number, docId: number, by: DocRun['by'], input: DocRunInput): Promise<DocRun> {
    const row = await this.get(roomId, docId);
    if (row.kind !== 'code') throw new AppError('CONFLICT', 'Only a code pad runs.');
    if (row.language !== input.language) throw new AppError('CONFLICT', 'The pad’s language changed; run it again.');
    const live = await this.load(roomId, docId);
    const run: DocRun = { ...input, id: randomUUID(), by, at: Date.now() };
    live.runs = [...live.runs, run].slice(-RUNS_KEPT);
    return run;
  }

  /** Records an awareness change from `socketId`; returns the sanitised update to relay and the entries accepted. */
  awareness(docId: number, socketId: string, entries: AwarenessEntry[]): { relay: Uint8Array | null; accepted: AwarenessEntry[] } {
    const live = this.live.get(docId);
    if (!live) return { relay: null, accepted: [] };
    const accepted: AwarenessEntry[] = [];
    for (const e of entries) {
      const prev = live.awareness.get(e.clientId);
      if (prev && prev.socketId !== socketId) continue; // someone else's client id
      if (!prev && live.awareness.size >= 64) continue;
      if (prev && e.clock <= prev.clock) continue;
      if (e.state) live.awareness.set(e.clientId, { ...e, socketId });
      else live.awareness.delete(e.clientId);
      accepted.push(e);
    }
    return { relay: accepted.length ? encodeAwareness(accepted) : null, accepted };
  }

  /** A full document with a history base: collect the base in the background, once per load (see LiveDoc.recollect). */
  private askRecollect(live: LiveDoc): void {
    if (live.baseBytes === 0 || live.recollect !== 'no') return;
    live.recollect = 'asked';
    if (!live.compacting) this.scheduleCompaction(live);
  }

  private scheduleCompaction(live: LiveDoc): void {
    live.compacting = true;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.compact(live.id).finally(() => {
        live.compacting = false;
        // Asked for while this compaction ran (see askRecollect).
        if (live.recollect === 'asked' && !this.stopped && this.live.get(live.id) === live) this.scheduleCompaction(live);
      });
    }, 0);
    this.timers.add(t);
  }

  /** Writes the in-memory state as the new snapshot covering every stored update so far. */
  async compact(docId: number): Promise<void> {
    const live = this.live.get(docId);
    if (!live || this.stopped) return;
    await this.catchUp(live);
    const upto = live.seenUpto;
    const snapshot = Y.encodeStateAsUpdate(live.ydoc);
    // Never behind a snapshot another node wrote: the log before that one may be pruned already.
    await this.db
      .update(documents)
      .set({ snapshot: Buffer.from(snapshot), snapshotUpto: upto, storedBytes: snapshot.byteLength })
      .where(and(eq(documents.id, docId), lte(documents.snapshotUpto, upto)));
    live.storedBytes = snapshot.byteLength;
    live.tailCount = 0;
    // Pruning is housekeeping: if it fails, nothing is lost and the next snapshot tries again.
    const recollect = live.recollect === 'asked';
    await this.history.prune(docId, Date.now() - this.opts.historyWindowMs, (bytes) => (live.baseBytes = bytes), recollect).catch(() => 0);
    if (recollect) live.recollect = 'done';
  }

  /** Open documents and their approximate memory, for the benchmark and health. */
  stats(): { open: number } {
    return { open: this.live.size };
  }

  private drop(docId: number): void {
    const live = this.live.get(docId);
    if (!live) return;
    clearTimeout(live.evictTimer);
    live.ydoc.destroy();
    this.live.delete(docId);
    // Rows it still writes must be in the database before the document is loaded again.
    if (live.writing) {
      const w = live.writing;
      this.draining.set(docId, w);
      void w.then(() => this.draining.get(docId) === w && this.draining.delete(docId));
    }
  }

  /** The document in memory, caught up with what other nodes stored (see {@link DocumentsOptions.shared}). */
  private async fresh(roomId: number, docId: number): Promise<LiveDoc> {
    const live = await this.load(roomId, docId);
    await this.catchUp(live);
    return live;
  }

  /**
   * Several nodes: applies the stored updates after `seenUpto` (other nodes' and, harmlessly, this
   * node's own: Yjs ignores what it has) and hands what changed here to {@link onCaughtUp}.
   * One node: nothing to do, this node wrote every row.
   */
  private async catchUp(live: LiveDoc): Promise<void> {
    if (!this.opts.shared) return;
    const rows = await this.db
      .select({ id: docUpdates.id, data: docUpdates.data })
      .from(docUpdates)
      .where(and(eq(docUpdates.docId, live.id), gt(docUpdates.id, live.seenUpto)))
      .orderBy(asc(docUpdates.id));
    if (rows.length === 0 || this.live.get(live.id) !== live) return;
    const added: Uint8Array[] = [];
    const capture = (u: Uint8Array, origin: unknown) => {
      if (origin === CATCH_UP) added.push(u);
    };
    live.ydoc.on('update', capture);
    try {
      live.ydoc.transact(() => {
        for (const r of rows) Y.applyUpdate(live.ydoc, new Uint8Array(r.data), CATCH_UP);
      }, CATCH_UP);
    } finally {
      live.ydoc.off('update', capture);
    }
    live.seenUpto = Math.max(live.seenUpto, rows.at(-1)!.id);
    live.lastUpdateId = Math.max(live.lastUpdateId, live.seenUpto);
    live.tailCount += rows.length;
    if (added.length > 0) this.onCaughtUp(live.roomId, live.id, added.length === 1 ? added[0]! : Y.mergeUpdates(added));
  }

  /** Several nodes: catches up every document someone here has open. */
  private async catchUpOpen(): Promise<void> {
    for (const live of [...this.live.values()]) {
      if (live.subscribers.size === 0 || this.stopped) continue;
      await this.catchUp(live).catch(() => {});
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.catchUpTimer);
    for (const t of this.timers) clearTimeout(t);
    for (const id of [...this.live.keys()]) this.drop(id);
  }
}
