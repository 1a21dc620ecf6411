/**
 * Interview sessions: a named session with a problem, a hidden room (kind 'interview') carrying its
 * chat, call and code pad, role-based access (host, the candidate bound by a one-time invite,
 * observers), a synced timer, shared test runs, the host's private notes and scorecard, history and
 * replay. Who may do what is checked here; routes only translate HTTP.
 *
 * Privacy rule: `view()` builds the only session payload that ever leaves for participants, and it
 * never reads `interview_notes`. Notes and scorecard go out through `getPrivate()` to the host only.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, asc, count, desc, eq, gt, inArray, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import * as Y from 'yjs';
import type { Db } from '../../db/client.js';
import { affectedRows, transaction } from '../../db/tx.js';
import { docUpdates, interviewCursors, interviewNotes, interviewObservers, interviewRuns, interviewSessions, roomMembers, rooms, users } from '../../db/schema/index.js';
import { DOC_TEXT } from '../../protocol/docs-constants.js';
import { CURSOR_SAMPLE_MS, CURSORS_MAX, OBSERVERS_MAX, RUNS_MAX, SESSIONS_PAGE, SESSIONS_PER_HOUR, type InterviewLanguage } from '../../protocol/interviews-constants.js';
import type {
  CaseResult,
  createSessionSchema,
  InterviewInvites,
  InterviewPrivate,
  InterviewReplay,
  InterviewSession,
  InterviewView,
  PadCursor,
  privateInputSchema,
  RoomSessionItem,
  Scorecard,
  SessionHistoryItem,
  SessionPage,
  SessionPerson,
  SessionRole,
  TestRun,
  testRunInputSchema,
} from '../../protocol/interviews.js';
import { AppError } from '../plugins/errors.js';
import type { ProblemsService } from './problems.service.js';

type SessionRow = typeof interviewSessions.$inferSelect;
type RunRow = typeof interviewRuns.$inferSelect;

/** What the service needs from other slices (wired in index.ts; every call awaited). */
export interface InterviewDeps {
  /** Requires room membership (throws NOT_MEMBER / NOT_FOUND). */
  requireMember(roomId: number, userId: number): Promise<{ role: 'owner' | 'moderator' | 'member' }>;
  isMember(roomId: number, userId: number): Promise<boolean>;
  /** Creates a code pad in the room and returns its id. */
  createPad(roomId: number, userId: number, title: string, language: InterviewLanguage): Promise<number>;
  /** Stores one Yjs update in the pad (as the host: the starter code). */
  writePad(roomId: number, docId: number, userId: number, update: Uint8Array): Promise<void>;
  /** A user became a member of the hidden room: their sockets and the room learn it. */
  memberAdded(roomId: number, userId: number): Promise<void>;
  /** Removes a member from the hidden room (documents and calls close for them). */
  removeMember(roomId: number, userId: number): Promise<void>;
  /** Publishes a room fact to everyone in the hidden room. */
  broadcastChanged(roomId: number, session: InterviewSession): void;
  broadcastTested(roomId: number, sessionId: string, run: TestRun): void;
}

const EMPTY_SCORECARD: Scorecard = { ratings: {}, recommendation: null };
const hash = (token: string) => createHash('sha256').update(token).digest();
const sameHash = (stored: string | null, token: string) => {
  if (!stored) return false;
  const a = Buffer.from(stored, 'hex');
  const b = hash(token);
  return a.length === b.length && timingSafeEqual(a, b);
};
const newToken = () => randomBytes(24).toString('base64url');

/** One person's cursor sampling in one session: the last sample written, and the newest one waiting. */
interface CursorSampler {
  lastAt: number;
  lastJson: string;
  pending: string | null;
  timer?: ReturnType<typeof setTimeout>;
}

export class InterviewsService {
  /** doc id -> session id (null: not an interview pad). Ids are never reused. */
  private readonly docSessions = new Map<number, string | null>();
  /** `${sessionId}:${userId}` -> cursor sampling state (replay). */
  private readonly samplers = new Map<string, CursorSampler>();
  /** session id -> cursor samples stored (counted from the table once, then kept here). */
  private readonly cursorCounts = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly problems: ProblemsService,
    private readonly deps: InterviewDeps,
  ) {}

  // ---- access ------------------------------------------------------------------------------

  private async row(id: string): Promise<SessionRow | undefined> {
    const [row] = await this.db.select().from(interviewSessions).where(eq(interviewSessions.id, id)).limit(1);
    return row;
  }

  /**
   * The caller's role in the session; NOT_FOUND for everyone else (an outsider cannot tell a
   * guessed id from a missing one). The candidate and observers also need to still be in the
   * hidden room (removed people lose the session).
   */
  async access(id: string, userId: number): Promise<{ row: SessionRow; role: SessionRole }> {
    const row = await this.row(id);
    if (!row) throw new AppError('NOT_FOUND', 'No such session.');
    if (row.hostId === userId) return { row, role: 'host' };
    if (row.candidateId === userId && (await this.deps.isMember(row.roomId, userId))) return { row, role: 'candidate' };
    const [obs] = await this.db
      .select({ userId: interviewObservers.userId })
      .from(interviewObservers)
      .where(and(eq(interviewObservers.sessionId, id), eq(interviewObservers.userId, userId)))
      .limit(1);
    if (obs && (await this.deps.isMember(row.roomId, userId))) return { row, role: 'observer' };
    throw new AppError('NOT_FOUND', 'No such session.');
  }

  private async requireHost(id: string, userId: number): Promise<SessionRow> {
    const { row, role } = await this.access(id, userId);
    if (role !== 'host') throw new AppError('FORBIDDEN', 'Only the interviewer can do that.');
    return row;
  }

  private static assertOpen(row: SessionRow): void {
    if (row.status !== 'open') throw new AppError('CONFLICT', 'This session has ended.');
  }

  /** The session whose code pad this document is, or null. */
  private async sessionOfPad(docId: number): Promise<string | null> {
    let sessionId = this.docSessions.get(docId);
    if (sessionId === undefined) {
      const [r] = await this.db.select({ id: interviewSessions.id }).from(interviewSessions).where(eq(interviewSessions.docId, docId)).limit(1);
      sessionId = r?.id ?? null;
      this.docSessions.set(docId, sessionId);
      if (this.docSessions.size > 50_000) this.docSessions.delete(this.docSessions.keys().next().value!);
    }
    return sessionId;
  }

  /** Documents' write guard: an interview pad is written by its host and candidate, while open. */
  async mayWritePad(docId: number, userId: number): Promise<boolean> {
    const sessionId = await this.sessionOfPad(docId);
    if (sessionId === null) return true;
    const row = await this.row(sessionId);
    if (!row || row.status !== 'open') return false;
    return row.hostId === userId || row.candidateId === userId;
  }

  // ---- cursors (replay) ----------------------------------------------------------------------

  /**
   * A cursor position the documents feature accepted from `userId` in pad `docId` (already
   * sanitised: two Yjs relative positions). Kept for the replay when the pad is an open session's
   * and the user writes it (host or candidate; observers' cursors are not kept), sampled at most
   * every CURSOR_SAMPLE_MS per person (the newest position of a burst is written when the period
   * ends), at most CURSORS_MAX per session. Never throws: a failure loses a sample, nothing else.
   */
  recordCursor(docId: number, userId: number, cursor: PadCursor): void {
    if (this.stopped) return;
    void (async () => {
      const sessionId = await this.sessionOfPad(docId);
      if (sessionId === null) return;
      const key = `${sessionId}:${userId}`;
      const json = JSON.stringify({ anchor: cursor.anchor, head: cursor.head });
      const s = this.samplers.get(key) ?? { lastAt: 0, lastJson: '', pending: null };
      this.samplers.set(key, s);
      if (json === s.lastJson && !s.pending) return;
      const wait = s.lastAt + CURSOR_SAMPLE_MS - Date.now();
      if (wait > 0) {
        s.pending = json;
        if (!s.timer) {
          s.timer = setTimeout(() => {
            s.timer = undefined;
            const next = s.pending;
            s.pending = null;
            if (next !== null && next !== s.lastJson) this.writeCursor(sessionId, userId, s, next);
          }, wait);
          s.timer.unref?.();
        }
        return;
      }
      this.writeCursor(sessionId, userId, s, json);
    })().catch(() => undefined);
  }

  private writeCursor(sessionId: string, userId: number, s: CursorSampler, json: string): void {
    s.lastAt = Date.now();
    s.lastJson = json;
    void (async () => {
      if (this.stopped) return;
      const row = await this.row(sessionId);
      if (!row || row.status !== 'open' || (row.hostId !== userId && row.candidateId !== userId)) return;
      let n = this.cursorCounts.get(sessionId);
      if (n === undefined) {
        const [{ c } = { c: 0 }] = await this.db.select({ c: count() }).from(interviewCursors).where(eq(interviewCursors.sessionId, sessionId));
        n = this.cursorCounts.get(sessionId) ?? c;
      }
      if (n >= CURSORS_MAX) return;
      this.cursorCounts.set(sessionId, n + 1);
      if (this.cursorCounts.size > 10_000) this.cursorCounts.delete(this.cursorCounts.keys().next().value!);
      await this.db.insert(interviewCursors).values({ sessionId, userId, cursor: json, createdAt: s.lastAt });
    })().catch(() => undefined);
  }

  /** Stops sampling (server shutdown): pending samples are dropped. */
  stop(): void {
    this.stopped = true;
    for (const s of this.samplers.values()) clearTimeout(s.timer);
    this.samplers.clear();
  }

  // ---- views -------------------------------------------------------------------------------

  private async people(ids: number[]): Promise<Map<number, SessionPerson>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return new Map();
    const rows = await this.db.select({ id: users.id, displayName: users.displayName, username: users.username }).from(users).where(inArray(users.id, unique));
    return new Map(rows.map((u) => [u.id, u]));
  }

  private runDto(r: RunRow, people: Map<number, SessionPerson>): TestRun {
    return {
      id: r.id,
      by: (r.userId !== null ? people.get(r.userId) : undefined) ?? { id: 0, displayName: 'Someone', username: '' },
      at: r.createdAt,
      language: r.language as InterviewLanguage,
      status: r.status,
      durationMs: r.durationMs,
      passed: r.passed,
      total: r.total,
      cases: JSON.parse(r.cases) as CaseResult[],
      output: r.output,
    };
  }

  /** The public session payload (never notes or scorecard). */
  async view(row: SessionRow): Promise<InterviewSession> {
    const observers = await this.db.select({ userId: interviewObservers.userId }).from(interviewObservers).where(eq(interviewObservers.sessionId, row.id)).orderBy(asc(interviewObservers.joinedAt));
    const [last] = await this.db.select().from(interviewRuns).where(eq(interviewRuns.sessionId, row.id)).orderBy(desc(interviewRuns.id)).limit(1);
    const people = await this.people([row.hostId, ...(row.candidateId ? [row.candidateId] : []), ...observers.map((o) => o.userId), ...(last?.userId ? [last.userId] : [])]);
    const problem = await this.problems.byId(row.problemId);
    return {
      id: row.id,
      name: row.name,
      status: row.status,
      host: people.get(row.hostId)!,
      candidate: row.candidateId ? (people.get(row.candidateId) ?? null) : null,
      observers: observers.map((o) => people.get(o.userId)).filter((p): p is SessionPerson => !!p),
      problem,
      language: row.language as InterviewLanguage,
      roomId: row.roomId,
      docId: row.docId,
      timer: { startedAt: row.timerStartedAt, accumulatedMs: row.timerAccumulatedMs },
      createdAt: row.createdAt,
      endedAt: row.endedAt,
      lastRun: last ? this.runDto(last, people) : null,
    };
  }

  /** The id of the session whose hidden room this is, for its participants (a chat notification leads there); NOT_FOUND otherwise. */
  async idByRoom(roomId: number, userId: number): Promise<string> {
    const [row] = await this.db.select({ id: interviewSessions.id }).from(interviewSessions).where(eq(interviewSessions.roomId, roomId)).limit(1);
    if (!row) throw new AppError('NOT_FOUND', 'No such session.');
    await this.access(row.id, userId);
    return row.id;
  }

  async get(id: string, userId: number): Promise<InterviewView> {
    const { row, role } = await this.access(id, userId);
    return { session: await this.view(row), role };
  }

  private async announce(id: string): Promise<InterviewSession> {
    const row = (await this.row(id))!;
    const session = await this.view(row);
    this.deps.broadcastChanged(row.roomId, session);
    return session;
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  async create(hostId: number, input: z.output<typeof createSessionSchema>): Promise<{ view: InterviewView; invites: InterviewInvites }> {
    const problem = await this.problems.get(input.problemId, hostId);
    if (input.fromRoomId !== undefined) await this.deps.requireMember(input.fromRoomId, hostId);
    const [{ n } = { n: 0 }] = await this.db
      .select({ n: count() })
      .from(interviewSessions)
      .where(and(eq(interviewSessions.hostId, hostId), gt(interviewSessions.createdAt, Date.now() - 3_600_000)));
    if (n >= SESSIONS_PER_HOUR) throw new AppError('RATE_LIMITED', 'You created many sessions in the last hour. Try again later.');

    const now = Date.now();
    const id = randomBytes(16).toString('base64url');
    const candidate = newToken();
    const observer = newToken();
    const roomId = await transaction(this.db, async (tx) => {
      const [room] = await tx
        .insert(rooms)
        .values({
          // Unique and required; never a typeable join code, never sent (kind is not 'room').
          code: `iv_${randomUUID()}`,
          name: input.name,
          listed: false,
          kind: 'interview',
          capacity: OBSERVERS_MAX + 2,
          ownerId: hostId,
          lastActivityAt: now,
          createdAt: now,
        })
        .returning({ id: rooms.id });
      await tx.insert(roomMembers).values({ roomId: room!.id, userId: hostId, role: 'owner', joinedAt: now });
      return room!.id;
    });
    await this.deps.memberAdded(roomId, hostId);
    const docId = await this.deps.createPad(roomId, hostId, input.name, input.language);
    const starter = problem.starters[input.language];
    if (starter) {
      const ydoc = new Y.Doc();
      ydoc.getText(DOC_TEXT).insert(0, starter);
      await this.deps.writePad(roomId, docId, hostId, Y.encodeStateAsUpdate(ydoc));
      ydoc.destroy();
    }
    await transaction(this.db, async (tx) => {
      await tx.insert(interviewSessions).values({
        id,
        name: input.name,
        hostId,
        problemId: problem.id,
        language: input.language,
        roomId,
        docId,
        fromRoomId: input.fromRoomId ?? null,
        candidateInviteHash: hash(candidate).toString('hex'),
        observerInviteHash: hash(observer).toString('hex'),
        createdAt: now,
      });
      await tx.insert(interviewNotes).values({ sessionId: id, notes: '', scorecard: JSON.stringify(EMPTY_SCORECARD), updatedAt: now });
    });
    this.docSessions.set(docId, id);
    return { view: await this.get(id, hostId), invites: { candidate, observer } };
  }

  /** New links: the observer link always; the candidate link only while no candidate is bound. */
  async renewInvites(id: string, hostId: number): Promise<InterviewInvites> {
    const row = await this.requireHost(id, hostId);
    InterviewsService.assertOpen(row);
    const observer = newToken();
    const candidate = row.candidateId === null ? newToken() : null;
    await this.db
      .update(interviewSessions)
      .set({ observerInviteHash: hash(observer).toString('hex'), ...(candidate ? { candidateInviteHash: hash(candidate).toString('hex') } : {}) })
      .where(eq(interviewSessions.id, id));
    return { candidate, observer };
  }

  /**
   * Accepts an invite. The candidate link binds to the first user who accepts it; anyone else gets
   * INVALID_INVITE afterwards (the same user may open it again). A wrong token is NOT_FOUND, like a
   * wrong session id.
   */
  async join(id: string, userId: number, token: string): Promise<InterviewView> {
    const row = await this.row(id);
    if (!row) throw new AppError('NOT_FOUND', 'No such session.');
    const asCandidate = sameHash(row.candidateInviteHash, token);
    const asObserver = !asCandidate && sameHash(row.observerInviteHash, token);
    if (!asCandidate && !asObserver) throw new AppError('NOT_FOUND', 'No such session.');
    if (row.hostId === userId) return this.get(id, userId);
    InterviewsService.assertOpen(row);

    if (asCandidate) {
      if (row.candidateId !== null && row.candidateId !== userId) throw new AppError('INVALID_INVITE', 'This invite has already been used by someone else.');
      if (row.candidateId === null) {
        const isObserver = await this.db.select({ u: interviewObservers.userId }).from(interviewObservers).where(and(eq(interviewObservers.sessionId, id), eq(interviewObservers.userId, userId))).limit(1);
        if (isObserver.length) throw new AppError('CONFLICT', 'You are an observer of this session.');
        const res = await this.db.update(interviewSessions).set({ candidateId: userId }).where(and(eq(interviewSessions.id, id), isNull(interviewSessions.candidateId)));
        if (affectedRows(res) !== 1) throw new AppError('INVALID_INVITE', 'This invite has already been used by someone else.');
        await this.addToRoom(row.roomId, userId);
      } else if (!(await this.deps.isMember(row.roomId, userId))) {
        throw new AppError('FORBIDDEN', 'You were removed from this session.');
      }
    } else {
      if (row.candidateId === userId) throw new AppError('CONFLICT', 'You are the candidate of this session.');
      const [already] = await this.db.select({ u: interviewObservers.userId }).from(interviewObservers).where(and(eq(interviewObservers.sessionId, id), eq(interviewObservers.userId, userId))).limit(1);
      if (already) {
        if (!(await this.deps.isMember(row.roomId, userId))) throw new AppError('FORBIDDEN', 'You were removed from this session.');
      } else {
        const [{ n } = { n: 0 }] = await this.db.select({ n: count() }).from(interviewObservers).where(eq(interviewObservers.sessionId, id));
        if (n >= OBSERVERS_MAX) throw new AppError('ROOM_FULL', `A session has at most ${OBSERVERS_MAX} observers.`);
        await this.db.insert(interviewObservers).values({ sessionId: id, userId, joinedAt: Date.now() }).onConflictDoNothing();
        await this.addToRoom(row.roomId, userId);
      }
    }
    await this.announce(id);
    return this.get(id, userId);
  }

  private async addToRoom(roomId: number, userId: number): Promise<void> {
    if (await this.deps.isMember(roomId, userId)) return;
    await this.db.insert(roomMembers).values({ roomId, userId, role: 'member', joinedAt: Date.now() }).onConflictDoNothing();
    await this.deps.memberAdded(roomId, userId);
  }

  async timer(id: string, hostId: number, action: 'start' | 'stop' | 'reset'): Promise<InterviewSession> {
    const row = await this.requireHost(id, hostId);
    InterviewsService.assertOpen(row);
    const now = Date.now();
    const set =
      action === 'start'
        ? row.timerStartedAt === null
          ? { timerStartedAt: now }
          : {}
        : action === 'stop'
          ? row.timerStartedAt === null
            ? {}
            : { timerStartedAt: null, timerAccumulatedMs: row.timerAccumulatedMs + (now - row.timerStartedAt) }
          : { timerStartedAt: null, timerAccumulatedMs: 0 };
    if (Object.keys(set).length) await this.db.update(interviewSessions).set(set).where(eq(interviewSessions.id, id));
    return this.announce(id);
  }

  /** Ends the session: the timer stops, the candidate and observers leave its room (read-only history stays with the host). */
  async end(id: string, hostId: number): Promise<InterviewSession> {
    const row = await this.requireHost(id, hostId);
    InterviewsService.assertOpen(row);
    const now = Date.now();
    await this.db
      .update(interviewSessions)
      .set({ status: 'ended', endedAt: now, timerStartedAt: null, timerAccumulatedMs: row.timerAccumulatedMs + (row.timerStartedAt !== null ? now - row.timerStartedAt : 0) })
      .where(eq(interviewSessions.id, id));
    const session = await this.announce(id);
    const observers = await this.db.select({ userId: interviewObservers.userId }).from(interviewObservers).where(eq(interviewObservers.sessionId, id));
    for (const uid of [...(row.candidateId ? [row.candidateId] : []), ...observers.map((o) => o.userId)]) {
      if (await this.deps.isMember(row.roomId, uid)) await this.deps.removeMember(row.roomId, uid);
    }
    return session;
  }

  // ---- tests -------------------------------------------------------------------------------

  /** Stores and shares the results of a test run made in the host's or the candidate's browser. */
  async recordRun(id: string, userId: number, input: z.output<typeof testRunInputSchema>): Promise<TestRun> {
    const { row, role } = await this.access(id, userId);
    if (role === 'observer') throw new AppError('FORBIDDEN', 'Observers cannot run the tests.');
    InterviewsService.assertOpen(row);
    const problem = await this.problems.byId(row.problemId);
    const total = problem.tests.length;
    const cases = input.cases.filter((c, i, all) => c.index < total && all.findIndex((d) => d.index === c.index) === i);
    const [{ n } = { n: 0 }] = await this.db.select({ n: count() }).from(interviewRuns).where(eq(interviewRuns.sessionId, id));
    if (n >= RUNS_MAX) throw new AppError('CONFLICT', `A session keeps at most ${RUNS_MAX} runs.`);
    const [run] = await this.db
      .insert(interviewRuns)
      .values({
        sessionId: id,
        userId,
        language: input.language,
        status: input.status,
        durationMs: input.durationMs,
        passed: cases.filter((c) => c.pass).length,
        total,
        cases: JSON.stringify(cases),
        output: input.output,
        createdAt: Date.now(),
      })
      .returning();
    const dto = this.runDto(run!, await this.people([userId]));
    this.deps.broadcastTested(row.roomId, id, dto);
    return dto;
  }

  async runs(id: string, userId: number): Promise<TestRun[]> {
    await this.access(id, userId);
    return this.allRuns(id);
  }

  private async allRuns(id: string): Promise<TestRun[]> {
    const rows = await this.db.select().from(interviewRuns).where(eq(interviewRuns.sessionId, id)).orderBy(asc(interviewRuns.id));
    const people = await this.people(rows.flatMap((r) => (r.userId ? [r.userId] : [])));
    return rows.map((r) => this.runDto(r, people));
  }

  // ---- host only ---------------------------------------------------------------------------

  async getPrivate(id: string, hostId: number): Promise<InterviewPrivate> {
    await this.requireHost(id, hostId);
    const [n] = await this.db.select().from(interviewNotes).where(eq(interviewNotes.sessionId, id)).limit(1);
    return { notes: n?.notes ?? '', scorecard: n ? (JSON.parse(n.scorecard) as Scorecard) : EMPTY_SCORECARD, updatedAt: n?.updatedAt ?? null };
  }

  /** Notes and scorecard stay editable after the session ended (write-up time). */
  async putPrivate(id: string, hostId: number, input: z.output<typeof privateInputSchema>): Promise<InterviewPrivate> {
    await this.requireHost(id, hostId);
    const now = Date.now();
    const scorecard: Scorecard = { ratings: input.scorecard.ratings, recommendation: input.scorecard.recommendation };
    await this.db
      .insert(interviewNotes)
      .values({ sessionId: id, notes: input.notes, scorecard: JSON.stringify(scorecard), updatedAt: now })
      .onConflictDoUpdate({ target: interviewNotes.sessionId, set: { notes: input.notes, scorecard: JSON.stringify(scorecard), updatedAt: now } });
    return { notes: input.notes, scorecard, updatedAt: now };
  }

  /** One page of sessions matching `where`, newest first, and the cursor of the next page (null at the end). */
  private async page(where: SQL, before: string | undefined): Promise<{ rows: SessionRow[]; nextCursor: string | null }> {
    let cond = where;
    if (before) {
      const dot = before.indexOf('.');
      const at = Number(before.slice(0, dot));
      const id = before.slice(dot + 1);
      cond = and(where, or(lt(interviewSessions.createdAt, at), and(eq(interviewSessions.createdAt, at), lt(interviewSessions.id, id))))!;
    }
    const rows = await this.db.select().from(interviewSessions).where(cond).orderBy(desc(interviewSessions.createdAt), desc(interviewSessions.id)).limit(SESSIONS_PAGE + 1);
    const more = rows.length > SESSIONS_PAGE;
    const shown = rows.slice(0, SESSIONS_PAGE);
    const last = shown.at(-1);
    return { rows: shown, nextCursor: more && last ? `${last.createdAt}.${last.id}` : null };
  }

  /** What a listing shows of one session (no notes; the scorecard is added for its host only, by the caller). */
  private async listItem(r: SessionRow, people: Map<number, SessionPerson>): Promise<Omit<SessionHistoryItem, 'scorecard'>> {
    const problem = await this.problems.byId(r.problemId);
    const [last] = await this.db.select().from(interviewRuns).where(eq(interviewRuns.sessionId, r.id)).orderBy(desc(interviewRuns.id)).limit(1);
    const [{ n } = { n: 0 }] = await this.db.select({ n: count() }).from(interviewRuns).where(eq(interviewRuns.sessionId, r.id));
    return {
      id: r.id,
      name: r.name,
      problemTitle: problem.title,
      candidate: r.candidateId ? (people.get(r.candidateId) ?? null) : null,
      status: r.status,
      createdAt: r.createdAt,
      endedAt: r.endedAt,
      durationMs: r.timerAccumulatedMs + (r.timerStartedAt !== null ? Date.now() - r.timerStartedAt : 0),
      lastRun: last ? { passed: last.passed, total: last.total, at: last.createdAt } : null,
      runs: n,
    };
  }

  /** The host's sessions, newest first, a page at a time (`before`: the previous page's cursor). */
  async history(hostId: number, before?: string): Promise<SessionPage<SessionHistoryItem>> {
    const { rows, nextCursor } = await this.page(eq(interviewSessions.hostId, hostId), before);
    const people = await this.people(rows.flatMap((r) => (r.candidateId ? [r.candidateId] : [])));
    const sessions: SessionHistoryItem[] = [];
    for (const r of rows) {
      const [notes] = await this.db.select({ scorecard: interviewNotes.scorecard }).from(interviewNotes).where(eq(interviewNotes.sessionId, r.id)).limit(1);
      sessions.push({ ...(await this.listItem(r, people)), scorecard: notes ? (JSON.parse(notes.scorecard) as Scorecard) : EMPTY_SCORECARD });
    }
    return { sessions, nextCursor };
  }

  /**
   * The sessions started from a room, newest first, a page at a time. Its owner and moderators
   * (the room's interviewers) see all of them; any other member only those they hosted or took
   * part in. Never notes nor scorecards. Non-members (kicked ones included) are refused.
   */
  async roomSessions(roomId: number, userId: number, before?: string): Promise<SessionPage<RoomSessionItem>> {
    const { role } = await this.deps.requireMember(roomId, userId);
    const fromRoom = eq(interviewSessions.fromRoomId, roomId);
    const mine = or(
      eq(interviewSessions.hostId, userId),
      eq(interviewSessions.candidateId, userId),
      inArray(interviewSessions.id, this.db.select({ id: interviewObservers.sessionId }).from(interviewObservers).where(eq(interviewObservers.userId, userId))),
    )!;
    const { rows, nextCursor } = await this.page(role === 'member' ? and(fromRoom, mine)! : fromRoom, before);
    const observed = rows.length
      ? new Set((await this.db.select({ id: interviewObservers.sessionId }).from(interviewObservers).where(and(eq(interviewObservers.userId, userId), inArray(interviewObservers.sessionId, rows.map((r) => r.id))))).map((o) => o.id))
      : new Set<string>();
    const people = await this.people(rows.flatMap((r) => [r.hostId, ...(r.candidateId ? [r.candidateId] : [])]));
    const sessions: RoomSessionItem[] = [];
    for (const r of rows) {
      const myRole = r.hostId === userId ? 'host' : r.candidateId === userId ? 'candidate' : observed.has(r.id) ? 'observer' : null;
      sessions.push({ ...(await this.listItem(r, people)), host: people.get(r.hostId) ?? { id: r.hostId, displayName: 'Someone', username: '' }, myRole });
    }
    return { sessions, nextCursor };
  }

  /** The pad's update log with timestamps (keystroke replay) and the runs, for the host. */
  async replay(id: string, hostId: number): Promise<InterviewReplay> {
    const row = await this.requireHost(id, hostId);
    const updates = await this.db
      .select({ at: docUpdates.createdAt, by: docUpdates.userId, data: docUpdates.data })
      .from(docUpdates)
      .where(eq(docUpdates.docId, row.docId))
      .orderBy(asc(docUpdates.id));
    const cursors = await this.db
      .select({ at: interviewCursors.createdAt, by: interviewCursors.userId, cursor: interviewCursors.cursor })
      .from(interviewCursors)
      .where(eq(interviewCursors.sessionId, id))
      .orderBy(asc(interviewCursors.id));
    const runs = await this.allRuns(id);
    const people = await this.people([row.hostId, ...(row.candidateId ? [row.candidateId] : []), ...updates.flatMap((u) => (u.by ? [u.by] : [])), ...cursors.flatMap((c) => (c.by ? [c.by] : []))]);
    return {
      updates: updates.map((u) => ({ at: u.at, by: u.by, data: Buffer.from(u.data).toString('base64') })),
      cursors: cursors.map((c) => ({ at: c.at, by: c.by, cursor: JSON.parse(c.cursor) as PadCursor })),
      runs,
      people: [...people.values()],
      startedAt: row.createdAt,
    };
  }
}
