import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages, reportActions, reports, roomMembers, rooms, users } from '../../db/schema/index.js';
import type { Message } from '../../protocol/chat.js';
import {
  REPORT_CONTEXT,
  type ReportActionName,
  type ReportDetail,
  type ReportList,
  type ReportReason,
  type ReportView,
} from '../../protocol/reports.js';
import type { AuditService } from '../audit/audit.service.js';
import { toPublicUser } from '../auth/auth.service.js';
import type { ChatService } from '../chat/chat.service.js';
import { AppError } from '../plugins/errors.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import type { RoleName } from '../rooms/room-channels.js';
import type { RoomsService } from '../rooms/rooms.service.js';
import { allowedActions, maySee, visibleSql, type Viewer } from './visibility.js';

type ReportRow = typeof reports.$inferSelect;
type UserRow = typeof users.$inferSelect;

/** Reports one member may file: enough for a bad evening, too few to flood the queue. */
export const REPORTS_PER_HOUR = 10;

export interface ReportActor {
  id: number;
  username: string;
  isAdmin: boolean;
}

export interface ReportInput {
  messageId?: number | undefined;
  userId?: number | undefined;
  reason: ReportReason;
  note: string;
}

export interface ActionInput {
  action: ReportActionName;
  minutes?: number | undefined;
  deleteMessages?: boolean | undefined;
}

/** Tells the people who may see a room's reports that its queue changed (socket layer). */
export type ReportNotifier = (userId: number, fact: { roomId: number; reportId: number; open: number }) => void;

/**
 * Reports of messages and users, and the moderation queue. Moderation actions reuse the room and
 * chat services (same rules as the member menu); each is recorded on the report and in the audit log.
 */
export class ReportsService {
  private readonly rate = new RateLimiter(perWindow(REPORTS_PER_HOUR, 3_600_000));

  constructor(
    private readonly db: Db,
    private readonly rooms: RoomsService,
    private readonly chat: ChatService,
    private readonly audit: AuditService,
    private readonly notify: ReportNotifier,
  ) {}

  // ---- filing ----

  create(roomId: number, reporter: ReportActor, input: ReportInput): { id: number; status: 'open'; createdAt: number } {
    this.rooms.requireMember(roomId, reporter.id);
    let targetUserId: number;
    let messageText: string | null = null;
    if (input.messageId !== undefined) {
      const msg = this.db.select().from(messages).where(and(eq(messages.id, input.messageId), eq(messages.roomId, roomId))).get();
      if (!msg || msg.deletedAt) throw new AppError('NOT_FOUND', 'No such message.');
      targetUserId = msg.userId;
      messageText = msg.text;
    } else {
      targetUserId = input.userId!;
      if (!this.rooms.membership(roomId, targetUserId)) throw new AppError('NOT_MEMBER', 'That user is not a member of this room.');
    }
    if (targetUserId === reporter.id) throw new AppError('CONFLICT', 'You cannot report yourself.');
    const targetKey = input.messageId !== undefined ? `message:${input.messageId}` : `user:${targetUserId}`;
    const already = () => new AppError('CONFLICT', 'You have already reported this; the moderators will look at it.');
    if (this.openReportOf(reporter.id, roomId, targetKey)) throw already();
    this.rate.enforce(`u${reporter.id}`, 'You have sent a lot of reports: try again later.');
    const now = Date.now();
    const row = this.db
      .insert(reports)
      .values({ roomId, reporterId: reporter.id, targetUserId, targetKey, messageId: input.messageId ?? null, messageText, reason: input.reason, note: input.note, createdAt: now })
      // Two simultaneous reports of the same thing: the partial unique index keeps one.
      .onConflictDoNothing()
      .returning()
      .get();
    if (!row) throw already();
    this.announce(roomId, row.id);
    return { id: row.id, status: 'open', createdAt: now };
  }

  private openReportOf(reporterId: number, roomId: number, targetKey: string) {
    return this.db.$client
      .prepare<[number, number, string], { id: number }>("SELECT id FROM reports WHERE reporter_id = ? AND room_id = ? AND target_key = ? AND status = 'open'")
      .get(reporterId, roomId, targetKey);
  }

  // ---- reading ----

  private viewerIn(roomId: number, actor: ReportActor): Viewer {
    return { userId: actor.id, isAdmin: actor.isAdmin, role: this.rooms.membership(roomId, actor.id)?.role ?? null };
  }

  /** The room's queue for its owner or a moderator (or an admin). Members and outsiders are refused. */
  listRoom(roomId: number, actor: ReportActor, q: { status: 'open' | 'closed'; before?: number | undefined; limit: number }): ReportList {
    const viewer = this.viewerIn(roomId, actor);
    if (!actor.isAdmin) this.rooms.requireMember(roomId, actor.id, 'moderator');
    else this.rooms.getRow(roomId);
    return this.list(viewer, { ...q, roomId });
  }

  /** Every room's reports, for instance admins. */
  listAll(actor: ReportActor, q: { status: 'open' | 'closed'; roomId?: number | undefined; before?: number | undefined; limit: number }): ReportList {
    if (!actor.isAdmin) throw new AppError('FORBIDDEN', 'Only instance admins may do this.');
    return this.list({ userId: actor.id, isAdmin: true, role: null }, q);
  }

  private list(viewer: Viewer, q: { status: 'open' | 'closed'; roomId?: number | undefined; before?: number | undefined; limit: number }): ReportList {
    const where = [visibleSql(viewer), q.status === 'open' ? "r.status = 'open'" : "r.status != 'open'"];
    if (q.roomId !== undefined) where.push('r.room_id = @roomId');
    const params = { viewer: viewer.userId, roomId: q.roomId ?? 0, before: q.before ?? 0, limit: q.limit + 1 };
    const from = 'FROM reports r LEFT JOIN room_members tm ON tm.room_id = r.room_id AND tm.user_id = r.target_user_id';
    const ids = this.db.$client
      .prepare(`SELECT r.id AS id ${from} WHERE ${[...where, ...(q.before ? ['r.id < @before'] : [])].join(' AND ')} ORDER BY r.id DESC LIMIT @limit`)
      .all(params) as { id: number }[];
    const openWhere = [visibleSql(viewer), "r.status = 'open'", ...(q.roomId !== undefined ? ['r.room_id = @roomId'] : [])];
    const openCount = (this.db.$client.prepare(`SELECT count(*) AS n ${from} WHERE ${openWhere.join(' AND ')}`).get(params) as { n: number }).n;
    const page = ids.slice(0, q.limit);
    return { reports: this.views(page.map((r) => r.id)), openCount, nextCursor: ids.length > q.limit ? page[page.length - 1]!.id : null };
  }

  /** Open reports in a room that `viewer` may see (the badge). */
  openCountFor(roomId: number, viewer: Viewer): number {
    const sqlText = `SELECT count(*) AS n FROM reports r LEFT JOIN room_members tm ON tm.room_id = r.room_id AND tm.user_id = r.target_user_id
      WHERE r.room_id = @roomId AND r.status = 'open' AND ${visibleSql(viewer)}`;
    return (this.db.$client.prepare(sqlText).get({ roomId, viewer: viewer.userId }) as { n: number }).n;
  }

  /** One report with its message in context; NOT_FOUND for anyone who may not see it. */
  detail(reportId: number, actor: ReportActor): ReportDetail {
    const { row, viewer } = this.visible(reportId, actor);
    return { report: this.views([row.id])[0]!, context: this.context(row), allowed: allowedActions(viewer, this.subject(row)) };
  }

  private visible(reportId: number, actor: ReportActor): { row: ReportRow; viewer: Viewer } {
    const row = this.db.select().from(reports).where(eq(reports.id, reportId)).get();
    // Existence is not revealed to people who may not see the report.
    if (!row) throw new AppError('NOT_FOUND', 'No such report.');
    const viewer = this.viewerIn(row.roomId, actor);
    if (!maySee(viewer, this.subject(row))) throw new AppError('NOT_FOUND', 'No such report.');
    return { row, viewer };
  }

  private subject(row: ReportRow) {
    const targetRole = this.rooms.membership(row.roomId, row.targetUserId)?.role ?? null;
    const msg = row.messageId === null ? undefined : this.db.select({ deletedAt: messages.deletedAt }).from(messages).where(eq(messages.id, row.messageId)).get();
    return { targetUserId: row.targetUserId, targetRole, messageId: row.messageId, messageLive: !!msg && !msg.deletedAt };
  }

  private context(row: ReportRow): Message[] {
    if (row.messageId === null) return [];
    const before = this.chat.history(row.roomId, { before: row.messageId, limit: REPORT_CONTEXT }).messages;
    const from = this.chat.history(row.roomId, { after: row.messageId - 1, limit: REPORT_CONTEXT + 1 }).messages;
    return [...before, ...from];
  }

  private views(ids: number[]): ReportView[] {
    if (!ids.length) return [];
    const rows = this.db
      .select({ r: reports, roomName: rooms.name, targetRole: roomMembers.role })
      .from(reports)
      .innerJoin(rooms, eq(rooms.id, reports.roomId))
      .leftJoin(roomMembers, and(eq(roomMembers.roomId, reports.roomId), eq(roomMembers.userId, reports.targetUserId)))
      .where(inArray(reports.id, ids))
      .all();
    const userIds = [...new Set(rows.flatMap(({ r }) => [r.reporterId, r.targetUserId]))];
    const people = new Map<number, UserRow>(this.db.select().from(users).where(inArray(users.id, userIds)).all().map((u) => [u.id, u]));
    const acts = this.db.select().from(reportActions).where(inArray(reportActions.reportId, ids)).orderBy(asc(reportActions.id)).all();
    const byId = new Map(rows.map((x) => [x.r.id, x]));
    return ids.map((id) => {
      const { r, roomName, targetRole } = byId.get(id)!;
      return {
        id: r.id,
        roomId: r.roomId,
        roomName,
        reporter: toPublicUser(people.get(r.reporterId)!),
        target: toPublicUser(people.get(r.targetUserId)!),
        targetRole: targetRole ?? null,
        messageId: r.messageId,
        messageText: r.messageText,
        reason: r.reason,
        note: r.note,
        status: r.status,
        createdAt: r.createdAt,
        closedAt: r.closedAt,
        actions: acts
          .filter((a) => a.reportId === id)
          .map((a) => ({ id: a.id, actorId: a.actorId, actorName: a.actorName, action: a.action, detail: a.detail ? (JSON.parse(a.detail) as Record<string, unknown>) : null, at: a.at })),
      };
    });
  }

  // ---- acting ----

  /**
   * Takes an action on a report through the existing moderation services, records it on this
   * report (and on the other open reports it settles: the same message for a delete, anything
   * about the same user for mute/kick/ban) and in the audit log.
   */
  act(reportId: number, actor: ReportActor, input: ActionInput, ip: string): ReportDetail {
    const { row, viewer } = this.visible(reportId, actor);
    const subject = this.subject(row);
    if (!allowedActions(viewer, subject).includes(input.action)) {
      throw new AppError('FORBIDDEN', input.action === 'delete_message' && subject.messageId !== null ? 'That message is already gone.' : 'You cannot do that to this person.');
    }
    const { roomId, targetUserId } = row;
    // An admin who is not a moderator there acts with the owner's authority (same service rules).
    const authorityId = viewer.isAdmin && viewer.role !== 'owner' && viewer.role !== 'moderator' ? this.rooms.getRow(roomId).ownerId : actor.id;
    const detail: Record<string, unknown> = {};
    switch (input.action) {
      case 'dismiss':
        break;
      case 'delete_message': {
        this.chat.delete(this.rooms.requireMember(roomId, authorityId, 'moderator'), row.messageId!);
        detail.messageId = row.messageId;
        break;
      }
      case 'mute': {
        const minutes = input.minutes ?? 60;
        this.rooms.mute(roomId, authorityId, targetUserId, minutes);
        detail.minutes = minutes;
        break;
      }
      case 'kick':
        this.rooms.kick(roomId, authorityId, targetUserId);
        break;
      case 'ban': {
        this.rooms.ban(roomId, authorityId, targetUserId, { ...(input.minutes ? { minutes: input.minutes } : {}), reason: `Report #${row.id}: ${row.reason}` });
        detail.minutes = input.minutes ?? null;
        if (input.deleteMessages) detail.deletedMessages = this.chat.purgeUser(roomId, targetUserId);
        break;
      }
    }
    if (authorityId !== actor.id) detail.asAdmin = true;
    const settled = this.settle(row, input.action);
    const now = Date.now();
    const status = input.action === 'dismiss' ? 'dismissed' : 'resolved';
    const target = this.db.select({ id: users.id, username: users.username }).from(users).where(eq(users.id, targetUserId)).get();
    this.db.transaction((tx) => {
      for (const id of settled) {
        tx.insert(reportActions)
          .values({ reportId: id, actorId: actor.id, actorName: actor.username, action: input.action, detail: JSON.stringify(id === row.id ? detail : { ...detail, viaReport: row.id }), at: now })
          .run();
        tx.update(reports).set({ status, closedAt: now }).where(eq(reports.id, id)).run();
      }
    });
    this.audit.record({
      action: 'report.action',
      actor: { id: actor.id, username: actor.username },
      target: target ?? null,
      roomId,
      ip,
      detail: { reportId: row.id, action: input.action, ...detail, ...(settled.length > 1 ? { alsoSettled: settled.filter((id) => id !== row.id) } : {}) },
    });
    this.announce(roomId, row.id);
    // After a kick or ban the actor still sees the report (the target is no longer a member).
    return this.detail(reportId, actor);
  }

  /** The report plus the other open reports the same action settles. */
  private settle(row: ReportRow, action: ReportActionName): number[] {
    if (action === 'dismiss') return [row.id];
    const others =
      action === 'delete_message'
        ? this.db.$client.prepare("SELECT id FROM reports WHERE room_id = ? AND message_id = ? AND status = 'open' AND id != ?").all(row.roomId, row.messageId, row.id)
        : this.db.$client.prepare("SELECT id FROM reports WHERE room_id = ? AND target_user_id = ? AND status = 'open' AND id != ?").all(row.roomId, row.targetUserId, row.id);
    return [row.id, ...(others as { id: number }[]).map((o) => o.id)];
  }

  /** Tells each person who may see the room's reports their new open count. */
  private announce(roomId: number, reportId: number): void {
    const staff = this.db
      .select({ userId: roomMembers.userId, role: roomMembers.role })
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, roomId), inArray(roomMembers.role, ['owner', 'moderator'])))
      .all();
    const admins = this.db.select({ id: users.id }).from(users).where(and(eq(users.isAdmin, true), eq(users.disabled, false))).all();
    const viewers = new Map<number, Viewer>();
    for (const s of staff) viewers.set(s.userId, { userId: s.userId, isAdmin: false, role: s.role as RoleName });
    for (const a of admins) viewers.set(a.id, { userId: a.id, isAdmin: true, role: viewers.get(a.id)?.role ?? null });
    for (const v of viewers.values()) this.notify(v.userId, { roomId, reportId, open: this.openCountFor(roomId, v) });
  }
}

