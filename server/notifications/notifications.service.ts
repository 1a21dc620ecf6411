import { aliasedTable, and, count, desc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first, one } from '../../db/query.js';
import { affectedRows } from '../../db/tx.js';
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

/** The predicate of the unique index notifications_fold_unique (db/schema/notifications.ts), word for word: an upsert must name it. */
const FOLD_PREDICATE = sql.raw(`read_at is null and kind in (${[...FOLDED].map((k) => `'${k}'`).join(', ')})`);

/** Rooms whose kind (and every-message flag) is remembered (cleared when full: a miss is one indexed read). */
const ROOM_KIND_CACHE_SIZE = 50_000;

/**
 * The notification centre (SPEC C5, ADR 0013). `notify(userId, {...})` persists a notification,
 * honours the user's level and mute for the room it comes from, folds unread message
 * notifications of one room together, and hands it to the delivery (socket + push).
 * Everything a user reads or marks is filtered by their own user id: ids of others' rows do nothing.
 */
export class NotificationsService {
  private readonly inviteLimiter = new RateLimiter(INVITES_PER_10MIN);
  /** The service's clock (mute expiry, created/read times); tests move it forward. */
  now: () => number = Date.now;
  /** A room's kind never changes after it is created: read once per room (every chat message asks). */
  private readonly kinds = new Map<number, RoomKind>();
  /**
   * Per room: does anyone have it at "all messages"? Most rooms: no, and then a chat message needs
   * no settings query. Only {@link updateSettings} writes those rows, and it forgets the room; off
   * with several nodes (another node's write would not reach this map).
   */
  cacheEveryMessageRooms = true;
  private readonly everyMessageRooms = new Map<number, boolean>();
  /** Bumped by every settings write: a read that started before one is not cached. */
  private settingsGeneration = 0;

  constructor(
    private readonly db: Db,
    private readonly delivery: NotificationDelivery,
  ) {}

  private async settingsRow(userId: number, roomId: number) {
    return first(this.db.select().from(roomNotifySettings).where(and(eq(roomNotifySettings.userId, userId), eq(roomNotifySettings.roomId, roomId))).limit(1));
  }

  private async memberIds(roomId: number): Promise<{ userId: number }[]> {
    return this.db.select({ userId: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, roomId));
  }

  // ---- creating ----

  /**
   * Notifies one user. Returns the notification, or null when the user's settings for the room
   * keep it back. Callers decide who may be notified (membership); this decides whether they want it.
   */
  async notify(userId: number, input: NotifyInput): Promise<Notification | null> {
    const now = this.now();
    const roomId = input.roomId ?? null;
    if (roomId !== null) {
      const s = await this.effectiveSettings(userId, roomId);
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
    // One statement either way: an upsert into the unread folding row (unique index
    // notifications_fold_unique), so concurrent folds on PostgreSQL neither duplicate the row nor
    // lose a count; other kinds are plain inserts.
    const insert = this.db.insert(notifications).values({ userId, kind: input.kind, roomId, ...values });
    const row =
      roomId !== null && FOLDED.has(input.kind)
        ? await one(
            insert
              .onConflictDoUpdate({
                target: [notifications.userId, notifications.roomId, notifications.kind],
                targetWhere: FOLD_PREDICATE,
                set: { ...values, count: sql`${notifications.count} + 1` },
              })
              .returning(),
          )
        : await one(insert.returning());
    const dto = await this.toDto(row);
    this.delivery.created(userId, dto, await this.unreadCount(userId));
    return dto;
  }

  /**
   * Direct messages (rooms of kind 'dm' / 'group'): notifies every other participant of `message`
   * (kind `dm`, folded per conversation; `mention` for the ones it mentions). The DM feature's send
   * path reaches here through {@link onChatMessage}; it may also call this directly.
   */
  async notifyDirectMessage(roomId: number, message: Message): Promise<void> {
    const authorId = message.author.id;
    const text = plainLine(message.text);
    for (const { userId } of await this.memberIds(roomId)) {
      if (userId === authorId) continue;
      const kind = message.mentions.includes(userId) ? 'mention' : 'dm';
      await this.notify(userId, { kind, actorId: authorId, roomId, messageId: message.id, text });
    }
  }

  /**
   * An interview session's chat (its hidden room of kind 'interview'): every other participant gets
   * `session` (folded per session, mentions included), which reads and links as the session's chat,
   * never as a direct message.
   */
  async notifySessionMessage(roomId: number, message: Message): Promise<void> {
    const authorId = message.author.id;
    const text = plainLine(message.text);
    for (const { userId } of await this.memberIds(roomId)) {
      if (userId === authorId) continue;
      await this.notify(userId, { kind: 'session', actorId: authorId, roomId, messageId: message.id, text });
    }
  }

  /**
   * The chat hook (every new room message): DMs go to {@link notifyDirectMessage}; in rooms, the
   * mentioned get `mention`, the author of the message replied to gets `reply`, and members who
   * set the room to "all messages" get `message`.
   */
  async onChatMessage(roomId: number, message: Message): Promise<void> {
    const kind = await this.roomKind(roomId);
    if (kind === 'interview') return this.notifySessionMessage(roomId, message);
    if (kind !== 'room') return this.notifyDirectMessage(roomId, message);
    const authorId = message.author.id;
    const text = plainLine(message.text);
    const done = new Set<number>([authorId]);
    const base = { actorId: authorId, roomId, messageId: message.id, text };
    for (const userId of message.mentions) {
      if (done.has(userId)) continue;
      done.add(userId);
      await this.notify(userId, { kind: 'mention', ...base });
    }
    if (message.replyTo) {
      const replied = await first(
        this.db
          .select({ userId: messages.userId })
          .from(messages)
          .innerJoin(roomMembers, and(eq(roomMembers.roomId, messages.roomId), eq(roomMembers.userId, messages.userId)))
          .where(and(eq(messages.id, message.replyTo.id), eq(messages.roomId, roomId)))
          .limit(1),
      );
      if (replied && !done.has(replied.userId)) {
        done.add(replied.userId);
        await this.notify(replied.userId, { kind: 'reply', ...base });
      }
    }
    // Members of a room who asked for every message (the rest get only what is addressed to them).
    if (!(await this.anyoneWantsEveryMessage(roomId))) return;
    const everyMessage = await this.db
      .select({ userId: roomNotifySettings.userId })
      .from(roomNotifySettings)
      .innerJoin(roomMembers, and(eq(roomMembers.roomId, roomNotifySettings.roomId), eq(roomMembers.userId, roomNotifySettings.userId)))
      .where(and(eq(roomNotifySettings.roomId, roomId), eq(roomNotifySettings.level, 'all')));
    for (const { userId } of everyMessage) {
      if (done.has(userId)) continue;
      await this.notify(userId, { kind: 'message', ...base });
    }
  }

  /** Notifies every member of a room but `exceptUserId` (stream started and the like). */
  async notifyMembers(roomId: number, exceptUserId: number | null, input: Omit<NotifyInput, 'roomId'>): Promise<number> {
    let n = 0;
    for (const { userId } of await this.memberIds(roomId)) {
      if (userId !== exceptUserId && (await this.notify(userId, { ...input, roomId }))) n++;
    }
    return n;
  }

  /**
   * "Invite someone": `member` invites `username` to their room. Only people who share a room
   * with the inviter can be invited; anyone else, a disabled account or a name that does not exist
   * get the same NOT_FOUND, so the route cannot be used to find out who has an account.
   */
  async invite(member: MemberRow, username: string): Promise<Notification | null> {
    const target = await first(this.db.select().from(users).where(eq(users.usernameKey, username.toLowerCase())).limit(1));
    const other = aliasedTable(roomMembers, 'b');
    const shares =
      target &&
      !target.disabled &&
      target.id !== member.userId &&
      (await first(
        this.db
          .select({ one: sql`1` })
          .from(roomMembers)
          .innerJoin(other, eq(other.roomId, roomMembers.roomId))
          .where(and(eq(roomMembers.userId, member.userId), eq(other.userId, target.id)))
          .limit(1),
      ));
    if (!target || !shares) throw new AppError('NOT_FOUND', 'No one with that username shares a room with you.');
    if (await first(this.db.select({ r: roomMembers.roomId }).from(roomMembers).where(and(eq(roomMembers.roomId, member.roomId), eq(roomMembers.userId, target.id))).limit(1))) {
      throw new AppError('CONFLICT', `${target.displayName} is already in this room.`);
    }
    const banned = await first(
      this.db
        .select({ u: roomBans.userId })
        .from(roomBans)
        .where(and(eq(roomBans.roomId, member.roomId), eq(roomBans.userId, target.id), or(isNull(roomBans.until), gt(roomBans.until, this.now()))))
        .limit(1),
    );
    if (banned) throw new AppError('FORBIDDEN', 'That person cannot join this room.');
    this.inviteLimiter.enforce(`u${member.userId}`, 'You are sending invites too fast.');
    const room = await one(this.db.select({ code: rooms.code, name: rooms.name }).from(rooms).where(eq(rooms.id, member.roomId)).limit(1));
    // Asking twice refreshes the unread invite rather than stacking a second one.
    await this.db
      .delete(notifications)
      .where(and(eq(notifications.userId, target.id), eq(notifications.kind, 'invite'), eq(notifications.roomId, member.roomId), isNull(notifications.readAt)));
    return this.notify(target.id, { kind: 'invite', actorId: member.userId, roomId: member.roomId, inviteCode: room.code, text: `Join ${room.name}` });
  }

  // ---- reading ----

  /** Unread notifications of the user, counted up to {@link UNREAD_CAP}. */
  async unreadCount(userId: number): Promise<number> {
    // Counting stops at UNREAD_CAP: the badge shows "99+" anyway, and a user with thousands of
    // unread rows must not make every new notification slower.
    const unread = this.db
      .select({ one: sql`1` })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
      .limit(UNREAD_CAP)
      .as('unread');
    return (await one(this.db.select({ n: count() }).from(unread))).n;
  }

  /** The user's notifications, newest first, `limit` at a time (cursor: the smallest id seen). */
  async list(userId: number, q: { before?: number; limit: number; unread?: 'true' | 'false' }): Promise<NotificationPage> {
    const where = [eq(notifications.userId, userId)];
    if (q.before) where.push(lt(notifications.id, q.before));
    if (q.unread === 'true') where.push(isNull(notifications.readAt));
    const rows = await this.db
      .select()
      .from(notifications)
      .where(and(...where))
      .orderBy(desc(notifications.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    return {
      notifications: await this.toDtos(page),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
      unread: await this.unreadCount(userId),
    };
  }

  /** Marks the user's own notifications read (by id, or all about one room); returns how many changed. */
  async markRead(userId: number, which: { ids: number[] } | { roomId: number }): Promise<{ marked: number; unread: number }> {
    const scope = 'ids' in which ? inArray(notifications.id, which.ids) : eq(notifications.roomId, which.roomId);
    const changed = (
      await this.db
        .update(notifications)
        .set({ readAt: this.now() })
        .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), scope))
        .returning({ id: notifications.id })
    ).map((r) => r.id);
    const unread = await this.unreadCount(userId);
    if (changed.length) this.delivery.read(userId, changed, unread);
    return { marked: changed.length, unread };
  }

  async markAllRead(userId: number): Promise<{ marked: number; unread: number }> {
    const marked = affectedRows(await this.db.update(notifications).set({ readAt: this.now() }).where(and(eq(notifications.userId, userId), isNull(notifications.readAt))));
    if (marked) this.delivery.read(userId, null, 0);
    return { marked, unread: await this.unreadCount(userId) };
  }

  /** A challenge that is no longer open (accepted, declined, withdrawn) needs nobody any more. */
  async markGameRead(gameId: number): Promise<void> {
    const rows = await this.db
      .update(notifications)
      .set({ readAt: this.now() })
      .where(and(eq(notifications.kind, 'chess'), eq(notifications.gameId, gameId), isNull(notifications.readAt)))
      .returning({ id: notifications.id, userId: notifications.userId });
    for (const r of rows) this.delivery.read(r.userId, [r.id], await this.unreadCount(r.userId));
  }

  // ---- per-room settings ----

  async roomKind(roomId: number): Promise<RoomKind> {
    const known = this.kinds.get(roomId);
    if (known) return known;
    const row = await first(this.db.select({ kind: rooms.kind }).from(rooms).where(eq(rooms.id, roomId)).limit(1));
    if (!row) return 'room';
    if (this.kinds.size >= ROOM_KIND_CACHE_SIZE) this.kinds.clear();
    this.kinds.set(roomId, row.kind);
    return row.kind;
  }

  private async anyoneWantsEveryMessage(roomId: number): Promise<boolean> {
    if (!this.cacheEveryMessageRooms) return true;
    const known = this.everyMessageRooms.get(roomId);
    if (known !== undefined) return known;
    const generation = this.settingsGeneration;
    const any = !!(await first(
      this.db
        .select({ userId: roomNotifySettings.userId })
        .from(roomNotifySettings)
        .where(and(eq(roomNotifySettings.roomId, roomId), eq(roomNotifySettings.level, 'all')))
        .limit(1),
    ));
    if (generation !== this.settingsGeneration) return any;
    if (this.everyMessageRooms.size >= ROOM_KIND_CACHE_SIZE) this.everyMessageRooms.clear();
    this.everyMessageRooms.set(roomId, any);
    return any;
  }

  async effectiveSettings(userId: number, roomId: number): Promise<RoomNotifySettings> {
    const row = await this.settingsRow(userId, roomId);
    const mutedUntil = row?.mutedUntil != null && row.mutedUntil > this.now() ? row.mutedUntil : null;
    return { roomId, level: row?.level ?? defaultLevel(await this.roomKind(roomId)), mutedUntil };
  }

  async updateSettings(userId: number, roomId: number, patch: { level?: NotifyLevel; mute?: MuteChoice }): Promise<RoomNotifySettings> {
    const now = this.now();
    const current = await this.settingsRow(userId, roomId);
    const level = patch.level ?? current?.level ?? null;
    const mutedUntil = patch.mute !== undefined ? muteUntil(patch.mute, now) : (current?.mutedUntil ?? null);
    this.settingsGeneration++;
    this.everyMessageRooms.delete(roomId);
    await this.db
      .insert(roomNotifySettings)
      .values({ userId, roomId, level, mutedUntil })
      .onConflictDoUpdate({ target: [roomNotifySettings.userId, roomNotifySettings.roomId], set: { level, mutedUntil } });
    this.settingsGeneration++;
    this.everyMessageRooms.delete(roomId);
    return this.effectiveSettings(userId, roomId);
  }

  // ---- DTOs ----

  /** One row (the create path): two look-ups by primary key instead of the list's batch queries. */
  private async toDto(r: NotificationRow): Promise<Notification> {
    const actor = r.actorId === null ? undefined : await first(this.db.select().from(users).where(eq(users.id, r.actorId)).limit(1));
    const room = r.roomId === null ? undefined : await first(this.db.select({ name: rooms.name }).from(rooms).where(eq(rooms.id, r.roomId)).limit(1));
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

  private async toDtos(rows: NotificationRow[]): Promise<Notification[]> {
    const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is number => id !== null))];
    const roomIds = [...new Set(rows.map((r) => r.roomId).filter((id): id is number => id !== null))];
    const actors = new Map(actorIds.length ? (await this.db.select().from(users).where(inArray(users.id, actorIds))).map((u) => [u.id, toPublicUser(u)]) : []);
    const names = new Map(roomIds.length ? (await this.db.select({ id: rooms.id, name: rooms.name }).from(rooms).where(inArray(rooms.id, roomIds))).map((r) => [r.id, r.name]) : []);
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
