import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { dmPairs, messages, roomMembers, rooms, users } from '../../db/schema/index.js';
import { GROUP_DM_MAX, type DmConversation, type DmUser } from '../../protocol/dms.js';
import { toPublicUser } from '../auth/auth.service.js';
import { excerpt } from '../chat/chat.service.js';
import { AppError } from '../plugins/errors.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import type { RoomEvents } from '../rooms/room-events.js';
import type { RoomAccessHooks, RoomsService } from '../rooms/rooms.service.js';
import type { BlocksService } from './blocks.service.js';
import type { OnlineTracker } from './online.js';

/** What conversation changes mean for the people in them; the socket layer implements it. */
export interface DmNotifier {
  /** The conversation is (again, or changed) in `userId`'s list. */
  opened(userId: number, conversation: DmConversation): void;
  /** The conversation left `userId`'s list. */
  closed(userId: number, roomId: number): void;
}

/** New conversations (not reopening one) per user: a person starting DMs with a whole room is fine, a script is not. */
const NEW_CONVERSATIONS = perWindow(30, 60 * 60_000);

/**
 * Direct conversations: rooms of kind 'dm' (unique per pair, through `dm_pairs`) or 'group' (up to
 * {@link GROUP_DM_MAX} people). Everyone in one is a plain member: nobody owns or moderates it.
 * Chat, read state and presence come from the rooms and chat services unchanged (ADR 0011).
 */
export class DmsService {
  private readonly newLimiter = new RateLimiter(NEW_CONVERSATIONS);
  private readonly sharesRoomQuery;
  private readonly otherInDmQuery;

  constructor(
    private readonly db: Db,
    private readonly rooms: RoomsService,
    private readonly events: RoomEvents,
    private readonly blocks: BlocksService,
    private readonly online: OnlineTracker,
    private readonly access: RoomAccessHooks,
    private readonly notify: DmNotifier,
  ) {
    this.sharesRoomQuery = db.$client.prepare<[number, number], { one: number }>(
      `SELECT 1 AS one FROM room_members a
       JOIN room_members b ON b.room_id = a.room_id AND b.user_id = ?
       JOIN rooms r ON r.id = a.room_id AND r.kind = 'room'
       WHERE a.user_id = ? LIMIT 1`,
    );
    this.otherInDmQuery = db.$client.prepare<[number, number], { userId: number }>(
      'SELECT user_id AS userId FROM room_members WHERE room_id = ? AND user_id <> ? LIMIT 1',
    );
  }

  // ---- rules ----

  /** Do the two share an ordinary room now (not a direct conversation)? */
  sharesRoom(a: number, b: number): boolean {
    return !!this.sharesRoomQuery.get(b, a);
  }

  private requireUser(userId: number) {
    const u = this.db.select().from(users).where(eq(users.id, userId)).get();
    if (!u || u.disabled) throw new AppError('NOT_FOUND', 'No such user.');
    return u;
  }

  /**
   * May `actorId` start a conversation with (or add to a group) `targetId`? NOT_FOUND for no such
   * user, BLOCKED for a block either way, NO_SHARED_ROOM unless they share an ordinary room.
   */
  assertReachable(actorId: number, targetId: number): void {
    if (actorId === targetId) throw new AppError('VALIDATION', 'You cannot start a conversation with yourself.');
    this.requireUser(targetId);
    this.blocks.assertNotBlocked(actorId, targetId);
    if (!this.sharesRoom(actorId, targetId)) throw new AppError('NO_SHARED_ROOM', 'You can only message people you share a room with.');
  }

  /**
   * The speak rule for direct conversations (chat send, edit, react): a block either way stops a
   * 1:1 conversation. Group conversations are not affected (ADR 0011). Cheap for ordinary rooms.
   */
  speakGuard(roomId: number, userId: number): void {
    if (this.rooms.kindOf(roomId) !== 'dm') return;
    const other = this.otherInDmQuery.get(roomId, userId);
    if (other) this.blocks.assertNotBlocked(userId, other.userId);
  }

  // ---- reading ----

  private pairKey(a: number, b: number) {
    return a < b ? { userLo: a, userHi: b } : { userLo: b, userHi: a };
  }

  private pairRoom(a: number, b: number): number | null {
    const k = this.pairKey(a, b);
    return this.db.select({ roomId: dmPairs.roomId }).from(dmPairs).where(and(eq(dmPairs.userLo, k.userLo), eq(dmPairs.userHi, k.userHi))).get()?.roomId ?? null;
  }

  /** The caller's conversations, most recent first. A 1:1 with someone the caller blocked is hidden. */
  list(userId: number): DmConversation[] {
    const rows = this.db
      .select({ id: rooms.id })
      .from(roomMembers)
      .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
      .where(and(eq(roomMembers.userId, userId), inArray(rooms.kind, ['dm', 'group'])))
      .orderBy(desc(rooms.lastActivityAt))
      .all();
    const blocked = this.blocks.blockedBy(userId);
    return rows
      .map((r) => this.view(r.id, userId))
      .filter((c): c is DmConversation => !!c && !(c.kind === 'dm' && c.others.some((o) => blocked.has(o.id))));
  }

  /** The conversation as `viewerId` sees it; NOT_FOUND / NOT_MEMBER like any room. */
  conversation(roomId: number, viewerId: number): DmConversation {
    this.requireDirect(roomId);
    this.rooms.requireMember(roomId, viewerId);
    return this.view(roomId, viewerId)!;
  }

  private requireDirect(roomId: number): 'dm' | 'group' {
    const kind = this.rooms.kindOf(roomId);
    if (kind !== 'dm' && kind !== 'group') throw new AppError('NOT_FOUND', 'No such conversation.');
    return kind;
  }

  private view(roomId: number, viewerId: number): DmConversation | null {
    const room = this.db.select().from(rooms).where(eq(rooms.id, roomId)).get();
    if (!room || (room.kind !== 'dm' && room.kind !== 'group')) return null;
    const people = this.db
      .select({ m: roomMembers, u: users })
      .from(roomMembers)
      .innerJoin(users, eq(users.id, roomMembers.userId))
      .where(eq(roomMembers.roomId, roomId))
      .orderBy(roomMembers.joinedAt, roomMembers.userId)
      .all();
    const me = people.find((p) => p.u.id === viewerId);
    if (!me) return null;
    const last = this.db.select().from(messages).where(eq(messages.roomId, roomId)).orderBy(desc(messages.id)).limit(1).get();
    const unread = this.db
      .select({ n: sql<number>`count(*)` })
      .from(messages)
      .where(and(eq(messages.roomId, roomId), sql`${messages.id} > ${me.m.lastReadMessageId}`, sql`${messages.deletedAt} IS NULL`, sql`${messages.userId} <> ${viewerId}`))
      .get()!.n;
    return {
      id: roomId,
      kind: room.kind,
      others: people.filter((p) => p.u.id !== viewerId).map((p) => this.dmUser(p.u)),
      unread,
      lastActivityAt: room.lastActivityAt,
      last: last ? { authorId: last.userId, text: last.deletedAt ? '' : excerpt(last.text), createdAt: last.createdAt, deleted: !!last.deletedAt } : null,
    };
  }

  private dmUser(u: typeof users.$inferSelect): DmUser {
    return { ...toPublicUser(u), online: this.online.isOnline(u.id) };
  }

  /** People the caller shares an ordinary room with (whom they may message), optionally by name. */
  contacts(userId: number, q?: string): DmUser[] {
    const pattern = q ? `%${q.toLowerCase().replace(/[%_\\]/g, '\\$&')}%` : null;
    const ids = this.db.$client
      .prepare<unknown[], { id: number }>(
        `SELECT DISTINCT b.user_id AS id FROM room_members a
         JOIN rooms r ON r.id = a.room_id AND r.kind = 'room'
         JOIN room_members b ON b.room_id = a.room_id AND b.user_id <> a.user_id
         WHERE a.user_id = ?`,
      )
      .all(userId)
      .map((r) => r.id);
    if (!ids.length) return [];
    const where = pattern
      ? and(inArray(users.id, ids), eq(users.disabled, false), sql`(${users.usernameKey} LIKE ${pattern} ESCAPE '\\' OR lower(${users.displayName}) LIKE ${pattern} ESCAPE '\\')`)
      : and(inArray(users.id, ids), eq(users.disabled, false));
    return this.db.select().from(users).where(where).orderBy(asc(sql`lower(${users.displayName})`)).limit(30).all().map((u) => this.dmUser(u));
  }

  /** Everyone who shares a direct conversation with `userId` (for online changes). */
  partnersOf(userId: number): number[] {
    return this.db.$client
      .prepare<[number, number], { id: number }>(
        `SELECT DISTINCT b.user_id AS id FROM room_members a
         JOIN rooms r ON r.id = a.room_id AND r.kind <> 'room'
         JOIN room_members b ON b.room_id = a.room_id AND b.user_id <> ?
         WHERE a.user_id = ?`,
      )
      .all(userId, userId)
      .map((r) => r.id);
  }

  // ---- writing ----

  /**
   * Opens the 1:1 conversation with `targetId`: the existing one for the pair (it keeps working
   * after they stop sharing a room), else a new one if they share a room now and neither blocked
   * the other.
   */
  open(actorId: number, targetId: number): { conversation: DmConversation; created: boolean } {
    if (actorId === targetId) throw new AppError('VALIDATION', 'You cannot start a conversation with yourself.');
    this.requireUser(targetId);
    this.blocks.assertNotBlocked(actorId, targetId);
    const existing = this.pairRoom(actorId, targetId);
    if (existing !== null) return { conversation: this.view(existing, actorId)!, created: false };
    this.assertReachable(actorId, targetId);
    this.newLimiter.enforce(`u${actorId}`, 'You started many conversations in a short time. Try again later.');
    const roomId = this.db.transaction((tx) => {
      // better-sqlite3 runs transactions one at a time: a second open for the pair finds this one.
      const again = this.pairRoom(actorId, targetId);
      if (again !== null) return again;
      const id = this.insertRoom(tx, 'dm', actorId, [actorId, targetId]);
      tx.insert(dmPairs).values({ ...this.pairKey(actorId, targetId), roomId: id }).run();
      return id;
    });
    this.announceNew(roomId, [actorId, targetId]);
    return { conversation: this.view(roomId, actorId)!, created: true };
  }

  /** Starts a group conversation of the caller and `userIds` (each reachable, see {@link assertReachable}). */
  createGroup(actorId: number, userIds: number[]): DmConversation {
    if (userIds.length + 1 > GROUP_DM_MAX) throw new AppError('GROUP_FULL', `A group conversation holds at most ${GROUP_DM_MAX} people.`);
    for (const id of userIds) this.assertReachable(actorId, id);
    this.newLimiter.enforce(`u${actorId}`, 'You started many conversations in a short time. Try again later.');
    const people = [actorId, ...userIds];
    const roomId = this.db.transaction((tx) => this.insertRoom(tx, 'group', actorId, people));
    this.announceNew(roomId, people);
    return this.view(roomId, actorId)!;
  }

  /** Adds people to a group conversation the caller is in; all or nothing. */
  addToGroup(actorId: number, roomId: number, userIds: number[]): DmConversation {
    const kind = this.requireDirect(roomId);
    this.rooms.requireMember(roomId, actorId);
    if (kind !== 'group') throw new AppError('CONFLICT', 'Start a group conversation to talk with more people.');
    for (const id of userIds) {
      if (this.rooms.membership(roomId, id)) throw new AppError('CONFLICT', 'That person is already in this conversation.');
      this.assertReachable(actorId, id);
    }
    const now = Date.now();
    const latest = this.db.select({ id: sql<number>`coalesce(max(id), 0)` }).from(messages).where(eq(messages.roomId, roomId)).get()!.id;
    this.db.transaction((tx) => {
      const count = tx.select({ n: sql<number>`count(*)` }).from(roomMembers).where(eq(roomMembers.roomId, roomId)).get()!.n;
      if (count + userIds.length > GROUP_DM_MAX) throw new AppError('GROUP_FULL', `A group conversation holds at most ${GROUP_DM_MAX} people.`);
      // Newcomers read the history, starting with nothing unread.
      for (const userId of userIds) tx.insert(roomMembers).values({ roomId, userId, role: 'member', joinedAt: now, lastReadMessageId: latest }).run();
      tx.update(rooms).set({ lastActivityAt: now }).where(eq(rooms.id, roomId)).run();
    });
    for (const userId of userIds) {
      this.access.granted(roomId, userId);
      this.events.broadcast(roomId, 'member:joined', { member: this.rooms.member(roomId, userId) });
    }
    this.announceToAll(roomId);
    return this.view(roomId, actorId)!;
  }

  /** Leaves a group conversation (a 1:1 cannot be left: block instead). */
  leaveGroup(actorId: number, roomId: number): void {
    const kind = this.requireDirect(roomId);
    this.rooms.requireMember(roomId, actorId);
    if (kind !== 'group') throw new AppError('CONFLICT', 'A conversation between two people cannot be left: block the person instead.');
    this.rooms.leave(roomId, actorId);
    this.notify.closed(actorId, roomId);
    this.announceToAll(roomId);
  }

  /** After a block: the blocker's 1:1 with that person leaves their list (and comes back on unblock). */
  blockChanged(blockerId: number, targetId: number, blocked: boolean): void {
    const roomId = this.pairRoom(blockerId, targetId);
    if (roomId === null) return;
    if (blocked) this.notify.closed(blockerId, roomId);
    else this.notify.opened(blockerId, this.view(roomId, blockerId)!);
  }

  private insertRoom(tx: Parameters<Parameters<Db['transaction']>[0]>[0], kind: 'dm' | 'group', ownerId: number, people: number[]): number {
    const now = Date.now();
    const room = tx
      .insert(rooms)
      .values({
        // The column is unique and required; this value can never be typed as a join code (6 letters
        // and digits), is never shown, and join refuses direct conversations anyway.
        code: `dm_${randomUUID()}`,
        name: kind === 'dm' ? 'Direct message' : 'Group conversation',
        listed: false,
        kind,
        capacity: kind === 'dm' ? 2 : GROUP_DM_MAX,
        ownerId,
        lastActivityAt: now,
        createdAt: now,
      })
      .returning({ id: rooms.id })
      .get();
    for (const userId of people) tx.insert(roomMembers).values({ roomId: room.id, userId, role: 'member', joinedAt: now }).run();
    return room.id;
  }

  private announceNew(roomId: number, people: number[]): void {
    for (const userId of people) this.access.granted(roomId, userId);
    for (const userId of people) this.notify.opened(userId, this.view(roomId, userId)!);
  }

  private announceToAll(roomId: number): void {
    const ids = this.db.select({ id: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, roomId)).all();
    for (const { id } of ids) {
      const c = this.view(roomId, id);
      if (c) this.notify.opened(id, c);
    }
  }
}
