import { and, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages, notifications, roomBans, roomMembers, roomNotifySettings, rooms, users } from '../../db/schema/index.js';
import type { Message } from '../../protocol/chat.js';
import { type MuteChoice, type NotificationKind, type NotifyLevel } from '../../protocol/notifications-constants.js';
import type { Notification, NotificationPage, RoomNotifySettings } from '../../protocol/notifications.js';
import { toPublicUser } from '../auth/auth.service.js';
import { AppError } from '../plugins/errors.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import type { MemberRow } from '../rooms/rooms.service.js';
import { FOLDED, defaultLevel, muteUntil, plainLine, roomAllows, type RoomKind } from './notify-rules.js';

type NotificationRow = typeof notifications.$inferSelect;

/** What {@link NotificationsService.notify} takes: the kind, who caused it, where it leads, a short plain text. */
export interface NotifyInput {
  kind: NotificationKind;
  actorId?: number | null;
  roomId?: number | null;
  messageId?: number | null;
  gameId?: number | null;
  streamId?: string | null;
  inviteCode?: string | null;
  /** Plain text; cut to one line of NOTIFICATION_TEXT_MAX characters. */
  text: string;
}

/** How notifications leave the service: the user's personal socket channel, and Web Push. */
export interface NotificationDelivery {
  created(userId: number, notification: Notification, unread: number): void;
  read(userId: number, ids: number[] | null, unread: number): void;
}

/** The unread count stops here (the bell shows 99+). */
export const UNREAD_CAP = 100;

/** Room invites per inviter: enough to ask a few friends, not to spam a whole user list. */
const INVITES_PER_10MIN = perWindow(20, 10 * 60_000);

/**
 * The notification centre (SPEC C5, ADR 0013). `notify(userId, {...})` persists a notification,
 * honours the user's level and mute for the room it comes from, folds unread message
 * notifications of one room together, and hands it to the delivery (socket + push).
 * Everything a user reads or marks is filtered by their own user id: ids of others' rows do nothing.
 */
export class NotificationsService {
  private readonly inviteLimiter = new RateLimiter(INVITES_PER_10MIN);
  private readonly q;
  /** The service's clock (mute expiry, created/read times); tests move it forward. */
  now: () => number = Date.now;

  constructor(
    private readonly db: Db,
    private readonly delivery: NotificationDelivery,
  ) {
    const ph = sql.placeholder;
    this.q = {
      settings: db
        .select()
        .from(roomNotifySettings)
        .where(and(eq(roomNotifySettings.userId, ph('userId')), eq(roomNotifySettings.roomId, ph('roomId'))))
        .prepare(),
      // Counting stops at UNREAD_CAP: the badge shows "99+" anyway, and a user with thousands of
      // unread rows must not make every new notification slower.
      unread: db.$client.prepare<[number, number], { n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM notifications WHERE user_id = ? AND read_at IS NULL LIMIT ?)'),
      foldable: db
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, ph('userId')), eq(notifications.roomId, ph('roomId')), eq(notifications.kind, ph('kind')), isNull(notifications.readAt)))
        .prepare(),
      // Members of a room who asked for every message (the rest get only what is addressed to them).
      everyMessage: db
        .select({ userId: roomNotifySettings.userId, level: roomNotifySettings.level, mutedUntil: roomNotifySettings.mutedUntil })
        .from(roomNotifySettings)
        .innerJoin(roomMembers, and(eq(roomMembers.roomId, roomNotifySettings.roomId), eq(roomMembers.userId, roomNotifySettings.userId)))
        .where(and(eq(roomNotifySettings.roomId, ph('roomId')), eq(roomNotifySettings.level, 'all')))
        .prepare(),
      memberIds: db.select({ userId: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, ph('roomId'))).prepare(),
      // The create path runs once per recipient of every message: its statements are prepared once.
      insert: db
        .insert(notifications)
        .values({
          userId: ph('userId'),
          kind: ph('kind'),
          roomId: ph('roomId'),
          actorId: ph('actorId'),
          messageId: ph('messageId'),
          gameId: ph('gameId'),
          streamId: ph('streamId'),
          inviteCode: ph('inviteCode'),
          text: ph('text'),
          createdAt: ph('createdAt'),
        })
        .returning()
        .prepare(),
      fold: db
        .update(notifications)
        .set({
          actorId: sql`${ph('actorId')}`,
          messageId: sql`${ph('messageId')}`,
          gameId: sql`${ph('gameId')}`,
          streamId: sql`${ph('streamId')}`,
          inviteCode: sql`${ph('inviteCode')}`,
          text: sql`${ph('text')}`,
          createdAt: sql`${ph('createdAt')}`,
          count: sql`${notifications.count} + 1`,
        })
        .where(eq(notifications.id, ph('id')))
        .returning()
        .prepare(),
      actor: db.select().from(users).where(eq(users.id, ph('id'))).prepare(),
      roomName: db.select({ name: rooms.name }).from(rooms).where(eq(rooms.id, ph('id'))).prepare(),
      roomKind: db.select({ kind: rooms.kind }).from(rooms).where(eq(rooms.id, ph('id'))).prepare(),
    };
  }

  // ---- creating ----

  /**
   * Notifies one user. Returns the notification, or null when the user's settings for the room
   * keep it back. Callers decide who may be notified (membership); this decides whether they want it.
   */
  notify(userId: number, input: NotifyInput): Notification | null {
    const now = this.now();
    const roomId = input.roomId ?? null;
    if (roomId !== null) {
      const s = this.effectiveSettings(userId, roomId);
      if (!roomAllows(input.kind, s.level, s.mutedUntil, now)) return null;
    }
    const values = {
      actorId: input.actorId ?? null,
      messageId: input.messageId ?? null,
      gameId: input.gameId ?? null,
      streamId: input.streamId ?? null,
      inviteCode: input.inviteCode ?? null,
      text: plainLine(input.text),
      createdAt: now,
    };
    // One statement either way (no transaction needed): fold into the unread row, or insert.
    const folded = roomId !== null && FOLDED.has(input.kind) ? this.q.foldable.get({ userId, roomId, kind: input.kind }) : undefined;
    const row = folded
      ? this.q.fold.get({ ...values, id: folded.id })!
      : this.q.insert.get({ userId, kind: input.kind, roomId, ...values })!;
    const dto = this.toDto(row);
    this.delivery.created(userId, dto, this.unreadCount(userId));
    return dto;
  }

  /**
   * Direct messages (rooms of kind 'dm' / 'group'): notifies every other participant of `message`
   * (kind `dm`, folded per conversation; `mention` for the ones it mentions). The DM feature's send
   * path reaches here through {@link onChatMessage}; it may also call this directly.
   */
  notifyDirectMessage(roomId: number, message: Message): void {
    const authorId = message.author.id;
    const text = plainLine(message.text);
    for (const { userId } of this.q.memberIds.all({ roomId })) {
      if (userId === authorId) continue;
      const kind = message.mentions.includes(userId) ? 'mention' : 'dm';
      this.notify(userId, { kind, actorId: authorId, roomId, messageId: message.id, text });
    }
  }

  /**
   * The chat hook (every new room message): DMs go to {@link notifyDirectMessage}; in rooms, the
   * mentioned get `mention`, the author of the message replied to gets `reply`, and members who
   * set the room to "all messages" get `message`.
   */
  onChatMessage(roomId: number, message: Message): void {
    if (this.roomKind(roomId) !== 'room') return this.notifyDirectMessage(roomId, message);
    const authorId = message.author.id;
    const text = plainLine(message.text);
    const done = new Set<number>([authorId]);
    const base = { actorId: authorId, roomId, messageId: message.id, text };
    for (const userId of message.mentions) {
      if (done.has(userId)) continue;
      done.add(userId);
      this.notify(userId, { kind: 'mention', ...base });
    }
    if (message.replyTo) {
      const replied = this.db
        .select({ userId: messages.userId })
        .from(messages)
        .innerJoin(roomMembers, and(eq(roomMembers.roomId, messages.roomId), eq(roomMembers.userId, messages.userId)))
        .where(and(eq(messages.id, message.replyTo.id), eq(messages.roomId, roomId)))
        .get();
      if (replied && !done.has(replied.userId)) {
        done.add(replied.userId);
        this.notify(replied.userId, { kind: 'reply', ...base });
      }
    }
    for (const { userId } of this.q.everyMessage.all({ roomId })) {
      if (done.has(userId)) continue;
      this.notify(userId, { kind: 'message', ...base });
    }
  }

  /** Notifies every member of a room but `exceptUserId` (stream started and the like). */
  notifyMembers(roomId: number, exceptUserId: number | null, input: Omit<NotifyInput, 'roomId'>): number {
    let n = 0;
    for (const { userId } of this.q.memberIds.all({ roomId })) {
      if (userId !== exceptUserId && this.notify(userId, { ...input, roomId })) n++;
    }
    return n;
  }

  /**
   * "Invite someone": `member` invites `username` to their room. Only people who share a room
   * with the inviter can be invited; anyone else, a disabled account or a name that does not exist
   * get the same NOT_FOUND, so the route cannot be used to find out who has an account.
   */
  invite(member: MemberRow, username: string): Notification | null {
    const target = this.db.select().from(users).where(eq(users.usernameKey, username.toLowerCase())).get();
    const shares =
      target &&
      !target.disabled &&
      target.id !== member.userId &&
      this.db.$client
        .prepare('SELECT 1 FROM room_members a JOIN room_members b ON a.room_id = b.room_id WHERE a.user_id = ? AND b.user_id = ? LIMIT 1')
        .get(member.userId, target.id);
    if (!target || !shares) throw new AppError('NOT_FOUND', 'No one with that username shares a room with you.');
    if (this.db.select({ r: roomMembers.roomId }).from(roomMembers).where(and(eq(roomMembers.roomId, member.roomId), eq(roomMembers.userId, target.id))).get()) {
      throw new AppError('CONFLICT', `${target.displayName} is already in this room.`);
    }
    const banned = this.db
      .select({ u: roomBans.userId })
      .from(roomBans)
      .where(and(eq(roomBans.roomId, member.roomId), eq(roomBans.userId, target.id), or(isNull(roomBans.until), gt(roomBans.until, this.now()))))
      .get();
    if (banned) throw new AppError('FORBIDDEN', 'That person cannot join this room.');
    this.inviteLimiter.enforce(`u${member.userId}`, 'You are sending invites too fast.');
    const room = this.db.select({ code: rooms.code, name: rooms.name }).from(rooms).where(eq(rooms.id, member.roomId)).get()!;
    // Asking twice refreshes the unread invite rather than stacking a second one.
    this.db
      .delete(notifications)
      .where(and(eq(notifications.userId, target.id), eq(notifications.kind, 'invite'), eq(notifications.roomId, member.roomId), isNull(notifications.readAt)))
      .run();
    return this.notify(target.id, { kind: 'invite', actorId: member.userId, roomId: member.roomId, inviteCode: room.code, text: `Join ${room.name}` });
  }

  // ---- reading ----

  /** Unread notifications of the user, counted up to {@link UNREAD_CAP}. */
  unreadCount(userId: number): number {
    return this.q.unread.get(userId, UNREAD_CAP)!.n;
  }

  /** The user's notifications, newest first, `limit` at a time (cursor: the smallest id seen). */
  list(userId: number, q: { before?: number; limit: number; unread?: 'true' | 'false' }): NotificationPage {
    const where = [eq(notifications.userId, userId)];
    if (q.before) where.push(lt(notifications.id, q.before));
    if (q.unread === 'true') where.push(isNull(notifications.readAt));
    const rows = this.db
      .select()
      .from(notifications)
      .where(and(...where))
      .orderBy(desc(notifications.id))
      .limit(q.limit + 1)
      .all();
    const page = rows.slice(0, q.limit);
    return {
      notifications: this.toDtos(page),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
      unread: this.unreadCount(userId),
    };
  }

  /** Marks the user's own notifications read (by id, or all about one room); returns how many changed. */
  markRead(userId: number, which: { ids: number[] } | { roomId: number }): { marked: number; unread: number } {
    const scope = 'ids' in which ? inArray(notifications.id, which.ids) : eq(notifications.roomId, which.roomId);
    const changed = this.db
      .update(notifications)
      .set({ readAt: this.now() })
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), scope))
      .returning({ id: notifications.id })
      .all()
      .map((r) => r.id);
    const unread = this.unreadCount(userId);
    if (changed.length) this.delivery.read(userId, changed, unread);
    return { marked: changed.length, unread };
  }

  markAllRead(userId: number): { marked: number; unread: number } {
    const marked = this.db
      .update(notifications)
      .set({ readAt: this.now() })
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
      .run().changes;
    if (marked) this.delivery.read(userId, null, 0);
    return { marked, unread: this.unreadCount(userId) };
  }

  /** A challenge that is no longer open (accepted, declined, withdrawn) needs nobody any more. */
  markGameRead(gameId: number): void {
    const rows = this.db
      .update(notifications)
      .set({ readAt: this.now() })
      .where(and(eq(notifications.kind, 'chess'), eq(notifications.gameId, gameId), isNull(notifications.readAt)))
      .returning({ id: notifications.id, userId: notifications.userId })
      .all();
    for (const r of rows) this.delivery.read(r.userId, [r.id], this.unreadCount(r.userId));
  }

  // ---- per-room settings ----

  roomKind(roomId: number): RoomKind {
    return this.q.roomKind.get({ id: roomId })?.kind ?? 'room';
  }

  effectiveSettings(userId: number, roomId: number): RoomNotifySettings {
    const row = this.q.settings.get({ userId, roomId });
    const mutedUntil = row?.mutedUntil != null && row.mutedUntil > this.now() ? row.mutedUntil : null;
    return { roomId, level: row?.level ?? defaultLevel(this.roomKind(roomId)), mutedUntil };
  }

  updateSettings(userId: number, roomId: number, patch: { level?: NotifyLevel; mute?: MuteChoice }): RoomNotifySettings {
    const now = this.now();
    const current = this.q.settings.get({ userId, roomId });
    const level = patch.level ?? current?.level ?? null;
    const mutedUntil = patch.mute !== undefined ? muteUntil(patch.mute, now) : (current?.mutedUntil ?? null);
    this.db
      .insert(roomNotifySettings)
      .values({ userId, roomId, level, mutedUntil })
      .onConflictDoUpdate({ target: [roomNotifySettings.userId, roomNotifySettings.roomId], set: { level, mutedUntil } })
      .run();
    return this.effectiveSettings(userId, roomId);
  }

  // ---- DTOs ----

  /** One row (the create path): two prepared look-ups instead of the list's batch queries. */
  private toDto(r: NotificationRow): Notification {
    const actor = r.actorId === null ? undefined : this.q.actor.get({ id: r.actorId });
    const room = r.roomId === null ? undefined : this.q.roomName.get({ id: r.roomId });
    return {
      id: r.id,
      kind: r.kind,
      actor: actor ? toPublicUser(actor) : null,
      roomName: room?.name ?? null,
      link: { roomId: r.roomId, messageId: r.messageId, gameId: r.gameId, streamId: r.streamId, inviteCode: r.inviteCode },
      text: r.text,
      count: r.count,
      createdAt: r.createdAt,
      readAt: r.readAt,
    };
  }

  private toDtos(rows: NotificationRow[]): Notification[] {
    const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is number => id !== null))];
    const roomIds = [...new Set(rows.map((r) => r.roomId).filter((id): id is number => id !== null))];
    const actors = new Map(actorIds.length ? this.db.select().from(users).where(inArray(users.id, actorIds)).all().map((u) => [u.id, toPublicUser(u)]) : []);
    const names = new Map(roomIds.length ? this.db.select({ id: rooms.id, name: rooms.name }).from(rooms).where(inArray(rooms.id, roomIds)).all().map((r) => [r.id, r.name]) : []);
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      actor: r.actorId === null ? null : (actors.get(r.actorId) ?? null),
      roomName: r.roomId === null ? null : (names.get(r.roomId) ?? null),
      link: { roomId: r.roomId, messageId: r.messageId, gameId: r.gameId, streamId: r.streamId, inviteCode: r.inviteCode },
      text: r.text,
      count: r.count,
      createdAt: r.createdAt,
      readAt: r.readAt,
    }));
  }
}
