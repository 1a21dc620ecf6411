import { and, asc, count, desc, eq, inArray, lt, ne, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { transaction } from '../../db/tx.js';
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
import { allowedActions, maySee, targetMembership as tm, visibleSql, type Viewer } from './visibility.js';

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

  async create(roomId: number, reporter: ReportActor, input: ReportInput): Promise<{ id: number; status: 'open'; createdAt: number }> {
    await this.rooms.requireMember(roomId, reporter.id);
    let targetUserId: number;
    let messageText: string | null = null;
    if (input.messageId !== undefined) {
      const [msg] = await this.db.select().from(messages).where(and(eq(messages.id, input.messageId), eq(messages.roomId, roomId))).limit(1);
      if (!msg || msg.deletedAt) throw new AppError('NOT_FOUND', 'No such message.');
      targetUserId = msg.userId;
      messageText = msg.text;
    } else {
      targetUserId = input.userId!;
      if (!(await this.rooms.membership(roomId, targetUserId))) throw new AppError('NOT_MEMBER', 'That user is not a member of this room.');
    }
    if (targetUserId === reporter.id) throw new AppError('CONFLICT', 'You cannot report yourself.');
    const targetKey = input.messageId !== undefined ? `message:${input.messageId}` : `user:${targetUserId}`;
    const already = () => new AppError('CONFLICT', 'You have already reported this; the moderators will look at it.');
    if (await this.openReportOf(reporter.id, roomId, targetKey)) throw already();
    this.rate.enforce(`u${reporter.id}`, 'You have sent a lot of reports: try again later.');
    const now = Date.now();
    const [row] = await this.db
      .insert(reports)
      .values({ roomId, reporterId: reporter.id, targetUserId, targetKey, messageId: input.messageId ?? null, messageText, reason: input.reason, note: input.note, createdAt: now })
      // Two simultaneous reports of the same thing: the partial unique index keeps one.
      .onConflictDoNothing()
      .returning();
    if (!row) throw already();
    await this.announce(roomId, row.id);
    return { id: row.id, status: 'open', createdAt: now };
  }

  private async openReportOf(reporterId: number, roomId: number, targetKey: string): Promise<{ id: number } | undefined> {
    const [row] = await this.db
      .select({ id: reports.id })
      .from(reports)
      .where(and(eq(reports.reporterId, reporterId), eq(reports.roomId, roomId), eq(reports.targetKey, targetKey), eq(reports.status, 'open')))
      .limit(1);
    return row;
  }

  // ---- reading ----

  private async viewerIn(roomId: number, actor: ReportActor): Promise<Viewer> {
    return { userId: actor.id, isAdmin: actor.isAdmin, role: (await this.rooms.membership(roomId, actor.id))?.role ?? null };
  }

  /** The room's queue for its owner or a moderator (or an admin). Members and outsiders are refused. */
  async listRoom(roomId: number, actor: ReportActor, q: { status: 'open' | 'closed'; before?: number | undefined; limit: number }): Promise<ReportList> {
    const viewer = await this.viewerIn(roomId, actor);
    if (!actor.isAdmin) await this.rooms.requireMember(roomId, actor.id, 'moderator');
    else await this.rooms.getRow(roomId);
    return this.list(viewer, { ...q, roomId });
  }

  /** Every room's reports, for instance admins. */
  async listAll(actor: ReportActor, q: { status: 'open' | 'closed'; roomId?: number | undefined; before?: number | undefined; limit: number }): Promise<ReportList> {
    if (!actor.isAdmin) throw new AppError('FORBIDDEN', 'Only instance admins may do this.');
    return this.list({ userId: actor.id, isAdmin: true, role: null }, q);
  }

  private async list(viewer: Viewer, q: { status: 'open' | 'closed'; roomId?: number | undefined; before?: number | undefined; limit: number }): Promise<ReportList> {
    const room = q.roomId !== undefined ? eq(reports.roomId, q.roomId) : undefined;
    const status = q.status === 'open' ? eq(reports.status, 'open') : ne(reports.status, 'open');
    const ids = await this.db
      .select({ id: reports.id })
      .from(reports)
      .leftJoin(tm, and(eq(tm.roomId, reports.roomId), eq(tm.userId, reports.targetUserId)))
      .where(and(visibleSql(viewer, tm), status, room, q.before ? lt(reports.id, q.before) : undefined))
      .orderBy(desc(reports.id))
      .limit(q.limit + 1);
    const openCount = await this.countVisible(viewer, and(eq(reports.status, 'open'), room));
    const page = ids.slice(0, q.limit);
    return { reports: await this.views(page.map((r) => r.id)), openCount, nextCursor: ids.length > q.limit ? page[page.length - 1]!.id : null };
  }

  private async countVisible(viewer: Viewer, where: SQL | undefined): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(reports)
      .leftJoin(tm, and(eq(tm.roomId, reports.roomId), eq(tm.userId, reports.targetUserId)))
      .where(and(visibleSql(viewer, tm), where));
    return row!.n;
  }

  /** Open reports in a room that `viewer` may see (the badge). */
  openCountFor(roomId: number, viewer: Viewer): Promise<number> {
    return this.countVisible(viewer, and(eq(reports.roomId, roomId), eq(reports.status, 'open')));
  }

  /** One report with its message in context; NOT_FOUND for anyone who may not see it. */
  async detail(reportId: number, actor: ReportActor): Promise<ReportDetail> {
    const { row, viewer } = await this.visible(reportId, actor);
    return { report: (await this.views([row.id]))[0]!, context: await this.context(row), allowed: allowedActions(viewer, await this.subject(row)) };
  }

  private async visible(reportId: number, actor: ReportActor): Promise<{ row: ReportRow; viewer: Viewer }> {
    const [row] = await this.db.select().from(reports).where(eq(reports.id, reportId)).limit(1);
    // Existence is not revealed to people who may not see the report.
    if (!row) throw new AppError('NOT_FOUND', 'No such report.');
    const viewer = await this.viewerIn(row.roomId, actor);
    if (!maySee(viewer, await this.subject(row))) throw new AppError('NOT_FOUND', 'No such report.');
    return { row, viewer };
  }

  private async subject(row: ReportRow) {
    const targetRole = (await this.rooms.membership(row.roomId, row.targetUserId))?.role ?? null;
    const [msg] = row.messageId === null ? [] : await this.db.select({ deletedAt: messages.deletedAt }).from(messages).where(eq(messages.id, row.messageId)).limit(1);
    return { targetUserId: row.targetUserId, targetRole, messageId: row.messageId, messageLive: !!msg && !msg.deletedAt };
  }

  private async context(row: ReportRow): Promise<Message[]> {
    if (row.messageId === null) return [];
    const before = (await this.chat.history(row.roomId, { before: row.messageId, limit: REPORT_CONTEXT })).messages;
    const from = (await this.chat.history(row.roomId, { after: row.messageId - 1, limit: REPORT_CONTEXT + 1 })).messages;
    return [...before, ...from];
  }

  private async views(ids: number[]): Promise<ReportView[]> {
    if (!ids.length) return [];
    const rows = await this.db
      .select({ r: reports, roomName: rooms.name, targetRole: roomMembers.role })
      .from(reports)
      .innerJoin(rooms, eq(rooms.id, reports.roomId))
      .leftJoin(roomMembers, and(eq(roomMembers.roomId, reports.roomId), eq(roomMembers.userId, reports.targetUserId)))
      .where(inArray(reports.id, ids));
    const userIds = [...new Set(rows.flatMap(({ r }) => [r.reporterId, r.targetUserId]))];
    const people = new Map<number, UserRow>((await this.db.select().from(users).where(inArray(users.id, userIds))).map((u) => [u.id, u]));
    const acts = await this.db.select().from(reportActions).where(inArray(reportActions.reportId, ids)).orderBy(asc(reportActions.id));
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
  async act(reportId: number, actor: ReportActor, input: ActionInput, ip: string): Promise<ReportDetail> {
    const { row, viewer } = await this.visible(reportId, actor);
    const subject = await this.subject(row);
    if (!allowedActions(viewer, subject).includes(input.action)) {
      throw new AppError('FORBIDDEN', input.action === 'delete_message' && subject.messageId !== null ? 'That message is already gone.' : 'You cannot do that to this person.');
    }
    const { roomId, targetUserId } = row;
    // An admin who is not a moderator there acts with the owner's authority (same service rules).
    const authorityId = viewer.isAdmin && viewer.role !== 'owner' && viewer.role !== 'moderator' ? (await this.rooms.getRow(roomId)).ownerId : actor.id;
    const detail: Record<string, unknown> = {};
    switch (input.action) {
      case 'dismiss':
        break;
      case 'delete_message': {
        await this.chat.delete(await this.rooms.requireMember(roomId, authorityId, 'moderator'), row.messageId!);
        detail.messageId = row.messageId;
        break;
      }
      case 'mute': {
        const minutes = input.minutes ?? 60;
        await this.rooms.mute(roomId, authorityId, targetUserId, minutes);
        detail.minutes = minutes;
        break;
      }
      case 'kick':
        await this.rooms.kick(roomId, authorityId, targetUserId);
        break;
      case 'ban': {
        await this.rooms.ban(roomId, authorityId, targetUserId, { ...(input.minutes ? { minutes: input.minutes } : {}), reason: `Report #${row.id}: ${row.reason}` });
        detail.minutes = input.minutes ?? null;
        if (input.deleteMessages) detail.deletedMessages = await this.chat.purgeUser(roomId, targetUserId);
        break;
      }
    }
    if (authorityId !== actor.id) detail.asAdmin = true;
    const settled = await this.settle(row, input.action);
    const now = Date.now();
    const status = input.action === 'dismiss' ? 'dismissed' : 'resolved';
    const [target] = await this.db.select({ id: users.id, username: users.username }).from(users).where(eq(users.id, targetUserId)).limit(1);
    await transaction(this.db, async (tx) => {
      for (const id of settled) {
        await tx
          .insert(reportActions)
          .values({ reportId: id, actorId: actor.id, actorName: actor.username, action: input.action, detail: JSON.stringify(id === row.id ? detail : { ...detail, viaReport: row.id }), at: now });
        await tx.update(reports).set({ status, closedAt: now }).where(eq(reports.id, id));
      }
    });
    await this.audit.record({
      action: 'report.action',
      actor: { id: actor.id, username: actor.username },
      target: target ?? null,
      roomId,
      ip,
      detail: { reportId: row.id, action: input.action, ...detail, ...(settled.length > 1 ? { alsoSettled: settled.filter((id) => id !== row.id) } : {}) },
    });
    await this.announce(roomId, row.id);
    // After a kick or ban the actor still sees the report (the target is no longer a member).
    return this.detail(reportId, actor);
  }

  /** The report plus the other open reports the same action settles. */
  private async settle(row: ReportRow, action: ReportActionName): Promise<number[]> {
    if (action === 'dismiss') return [row.id];
    const same = action === 'delete_message' ? eq(reports.messageId, row.messageId!) : eq(reports.targetUserId, row.targetUserId);
    const others = await this.db
      .select({ id: reports.id })
      .from(reports)
      .where(and(eq(reports.roomId, row.roomId), same, eq(reports.status, 'open'), ne(reports.id, row.id)));
    return [row.id, ...others.map((o) => o.id)];
  }

  /** Tells each person who may see the room's reports their new open count. */
  private async announce(roomId: number, reportId: number): Promise<void> {
    const staff = await this.db
      .select({ userId: roomMembers.userId, role: roomMembers.role })
      .from(roomMembers)
      .where(and(eq(roomMembers.roomId, roomId), inArray(roomMembers.role, ['owner', 'moderator'])));
    const admins = await this.db.select({ id: users.id }).from(users).where(and(eq(users.isAdmin, true), eq(users.disabled, false)));
    const viewers = new Map<number, Viewer>();
    for (const s of staff) viewers.set(s.userId, { userId: s.userId, isAdmin: false, role: s.role as RoleName });
    for (const a of admins) viewers.set(a.id, { userId: a.id, isAdmin: true, role: viewers.get(a.id)?.role ?? null });
    for (const v of viewers.values()) this.notify(v.userId, { roomId, reportId, open: await this.openCountFor(roomId, v) });
  }
}

