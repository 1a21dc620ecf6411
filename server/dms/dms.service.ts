import { randomUUID } from 'node:crypto';
import { aliasedTable, and, asc, count, desc, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first, one } from '../../db/query.js';
import { transaction } from '../../db/tx.js';
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

  constructor(
    private readonly db: Db,
    private readonly rooms: RoomsService,
    private readonly events: RoomEvents,
    private readonly blocks: BlocksService,
    private readonly online: OnlineTracker,
    private readonly access: RoomAccessHooks,
    private readonly notify: DmNotifier,
  ) {}

  // ---- rules ----

  /** Do the two share an ordinary room now (not a direct conversation)? */
  async sharesRoom(a: number, b: number): Promise<boolean> {
    const other = aliasedTable(roomMembers, 'b');
    const row = await first(
      this.db
        .select({ one: sql`1` })
        .from(roomMembers)
        .innerJoin(other, and(eq(other.roomId, roomMembers.roomId), eq(other.userId, b)))
        .innerJoin(rooms, and(eq(rooms.id, roomMembers.roomId), eq(rooms.kind, 'room')))
        .where(eq(roomMembers.userId, a))
        .limit(1),
    );
    return !!row;
  }

  private async requireUser(userId: number) {
    const u = await first(this.db.select().from(users).where(eq(users.id, userId)).limit(1));
    if (!u || u.disabled) throw new AppError('NOT_FOUND', 'No such user.');
    return u;
  }

  /**
   * May `actorId` start a conversation with (or add to a group) `targetId`? NOT_FOUND for no such
   * user, BLOCKED for a block either way, NO_SHARED_ROOM unless they share an ordinary room.
   */
  async assertReachable(actorId: number, targetId: number): Promise<void> {
    if (actorId === targetId) throw new AppError('VALIDATION', 'You cannot start a conversation with yourself.');
    await this.requireUser(targetId);
    await this.blocks.assertNotBlocked(actorId, targetId);
    if (!(await this.sharesRoom(actorId, targetId))) throw new AppError('NO_SHARED_ROOM', 'You can only message people you share a room with.');
  }

  /**
   * The speak rule for direct conversations (chat send, edit, react): a block either way stops a
   * 1:1 conversation. Group conversations are not affected (ADR 0011). Cheap for ordinary rooms.
   */
  async speakGuard(roomId: number, userId: number): Promise<void> {
    if ((await this.rooms.kindOf(roomId)) !== 'dm') return;
    const other = await first(
      this.db
        .select({ userId: roomMembers.userId })
        .from(roomMembers)
        .where(and(eq(roomMembers.roomId, roomId), ne(roomMembers.userId, userId)))
        .limit(1),
    );
    if (other) await this.blocks.assertNotBlocked(userId, other.userId);
  }

  // ---- reading ----

  private pairKey(a: number, b: number) {
    return a < b ? { userLo: a, userHi: b } : { userLo: b, userHi: a };
  }

  private async pairRoom(a: number, b: number, db: Db = this.db): Promise<number | null> {
    const k = this.pairKey(a, b);
    return (await first(db.select({ roomId: dmPairs.roomId }).from(dmPairs).where(and(eq(dmPairs.userLo, k.userLo), eq(dmPairs.userHi, k.userHi))).limit(1)))?.roomId ?? null;
  }

  /** The caller's conversations, most recent first. A 1:1 with someone the caller blocked is hidden. */
  async list(userId: number): Promise<DmConversation[]> {
    const rows = await this.db
      .select({ id: rooms.id })
      .from(roomMembers)
      .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
      .where(and(eq(roomMembers.userId, userId), inArray(rooms.kind, ['dm', 'group'])))
      .orderBy(desc(rooms.lastActivityAt));
    const blocked = await this.blocks.blockedBy(userId);
    const out: DmConversation[] = [];
    for (const r of rows) {
      const c = await this.view(r.id, userId);
      if (c && !(c.kind === 'dm' && c.others.some((o) => blocked.has(o.id)))) out.push(c);
    }
    return out;
  }

  /** The conversation as `viewerId` sees it; NOT_FOUND / NOT_MEMBER like any room. */
  async conversation(roomId: number, viewerId: number): Promise<DmConversation> {
    await this.requireDirect(roomId);
    await this.rooms.requireMember(roomId, viewerId);
    return (await this.view(roomId, viewerId))!;
  }

  private async requireDirect(roomId: number): Promise<'dm' | 'group'> {
    const kind = await this.rooms.kindOf(roomId);
    if (kind !== 'dm' && kind !== 'group') throw new AppError('NOT_FOUND', 'No such conversation.');
    return kind;
  }

  private async view(roomId: number, viewerId: number): Promise<DmConversation | null> {
    const room = await first(this.db.select().from(rooms).where(eq(rooms.id, roomId)).limit(1));
    if (!room || (room.kind !== 'dm' && room.kind !== 'group')) return null;
    const people = await this.db
      .select({ m: roomMembers, u: users })
      .from(roomMembers)
      .innerJoin(users, eq(users.id, roomMembers.userId))
      .where(eq(roomMembers.roomId, roomId))
      .orderBy(roomMembers.joinedAt, roomMembers.userId);
    const me = people.find((p) => p.u.id === viewerId);
    if (!me) return null;
    const last = await first(this.db.select().from(messages).where(eq(messages.roomId, roomId)).orderBy(desc(messages.id)).limit(1));
    const { n: unread } = await one(
      this.db
        .select({ n: count() })
        .from(messages)
        .where(and(eq(messages.roomId, roomId), gt(messages.id, me.m.lastReadMessageId), isNull(messages.deletedAt), ne(messages.userId, viewerId))),
    );
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

  /** Everyone who shares a room of `kind` ('room': ordinary rooms; else direct conversations) with `userId`. */
  private async sharing(userId: number, ordinary: boolean): Promise<number[]> {
    const other = aliasedTable(roomMembers, 'b');
    const rows = await this.db
      .selectDistinct({ id: other.userId })
      .from(roomMembers)
      .innerJoin(rooms, and(eq(rooms.id, roomMembers.roomId), ordinary ? eq(rooms.kind, 'room') : ne(rooms.kind, 'room')))
      .innerJoin(other, and(eq(other.roomId, roomMembers.roomId), ne(other.userId, userId)))
      .where(eq(roomMembers.userId, userId));
    return rows.map((r) => r.id);
  }

  /** People the caller shares an ordinary room with (whom they may message), optionally by name. */
  async contacts(userId: number, q?: string): Promise<DmUser[]> {
    const pattern = q ? `%${q.toLowerCase().replace(/[%_\\]/g, '\\$&')}%` : null;
    const ids = await this.sharing(userId, true);
    if (!ids.length) return [];
    const where = pattern
      ? and(inArray(users.id, ids), eq(users.disabled, false), sql`(${users.usernameKey} LIKE ${pattern} ESCAPE '\\' OR lower(${users.displayName}) LIKE ${pattern} ESCAPE '\\')`)
      : and(inArray(users.id, ids), eq(users.disabled, false));
    return (await this.db.select().from(users).where(where).orderBy(asc(sql`lower(${users.displayName})`)).limit(30)).map((u) => this.dmUser(u));
  }

  /** Everyone who shares a direct conversation with `userId` (for online changes). */
  partnersOf(userId: number): Promise<number[]> {
    return this.sharing(userId, false);
  }

  // ---- writing ----

  /**
   * Opens the 1:1 conversation with `targetId`: the existing one for the pair (it keeps working
   * after they stop sharing a room), else a new one if they share a room now and neither blocked
   * the other.
   */
  async open(actorId: number, targetId: number): Promise<{ conversation: DmConversation; created: boolean }> {
    if (actorId === targetId) throw new AppError('VALIDATION', 'You cannot start a conversation with yourself.');
    await this.requireUser(targetId);
    await this.blocks.assertNotBlocked(actorId, targetId);
    const existing = await this.pairRoom(actorId, targetId);
    if (existing !== null) return { conversation: (await this.view(existing, actorId))!, created: false };
    await this.assertReachable(actorId, targetId);
    this.newLimiter.enforce(`u${actorId}`, 'You started many conversations in a short time. Try again later.');
    let roomId: number;
    try {
      roomId = await transaction(this.db, async (tx) => {
        // On SQLite transactions run one at a time: a second open for the pair finds this one.
        const again = await this.pairRoom(actorId, targetId, tx);
        if (again !== null) return again;
        const id = await this.insertRoom(tx, 'dm', actorId, [actorId, targetId]);
        await tx.insert(dmPairs).values({ ...this.pairKey(actorId, targetId), roomId: id });
        return id;
      });
    } catch (err) {
      // On PostgreSQL they run side by side: when the other open for this pair committed first,
      // the dm_pairs key refused ours and rolled it back. Its conversation is the one.
      const winner = await this.pairRoom(actorId, targetId);
      if (winner === null) throw err;
      return { conversation: (await this.view(winner, actorId))!, created: false };
    }
    await this.announceNew(roomId, [actorId, targetId]);
    return { conversation: (await this.view(roomId, actorId))!, created: true };
  }

  /** Starts a group conversation of the caller and `userIds` (each reachable, see {@link assertReachable}). */
  async createGroup(actorId: number, userIds: number[]): Promise<DmConversation> {
    if (userIds.length + 1 > GROUP_DM_MAX) throw new AppError('GROUP_FULL', `A group conversation holds at most ${GROUP_DM_MAX} people.`);
    for (const id of userIds) await this.assertReachable(actorId, id);
    this.newLimiter.enforce(`u${actorId}`, 'You started many conversations in a short time. Try again later.');
    const people = [actorId, ...userIds];
    const roomId = await transaction(this.db, (tx) => this.insertRoom(tx, 'group', actorId, people));
    await this.announceNew(roomId, people);
    return (await this.view(roomId, actorId))!;
  }

  /** Adds people to a group conversation the caller is in; all or nothing. */
  async addToGroup(actorId: number, roomId: number, userIds: number[]): Promise<DmConversation> {
    const kind = await this.requireDirect(roomId);
    await this.rooms.requireMember(roomId, actorId);
    if (kind !== 'group') throw new AppError('CONFLICT', 'Start a group conversation to talk with more people.');
    for (const id of userIds) {
      if (await this.rooms.membership(roomId, id)) throw new AppError('CONFLICT', 'That person is already in this conversation.');
      await this.assertReachable(actorId, id);
    }
    const now = Date.now();
    const { id: latest } = await one(this.db.select({ id: sql<number>`coalesce(max(${messages.id}), 0)`.mapWith(Number) }).from(messages).where(eq(messages.roomId, roomId)));
    await transaction(this.db, async (tx) => {
      const { n } = await one(tx.select({ n: count() }).from(roomMembers).where(eq(roomMembers.roomId, roomId)));
      if (n + userIds.length > GROUP_DM_MAX) throw new AppError('GROUP_FULL', `A group conversation holds at most ${GROUP_DM_MAX} people.`);
      // Newcomers read the history, starting with nothing unread.
      for (const userId of userIds) await tx.insert(roomMembers).values({ roomId, userId, role: 'member', joinedAt: now, lastReadMessageId: latest });
      await tx.update(rooms).set({ lastActivityAt: now }).where(eq(rooms.id, roomId));
    });
    for (const userId of userIds) {
      this.access.granted(roomId, userId);
      await this.events.broadcast(roomId, 'member:joined', { member: await this.rooms.member(roomId, userId) });
    }
    await this.announceToAll(roomId);
    return (await this.view(roomId, actorId))!;
  }

  /** Leaves a group conversation (a 1:1 cannot be left: block instead). */
  async leaveGroup(actorId: number, roomId: number): Promise<void> {
    const kind = await this.requireDirect(roomId);
    await this.rooms.requireMember(roomId, actorId);
    if (kind !== 'group') throw new AppError('CONFLICT', 'A conversation between two people cannot be left: block the person instead.');
    await this.rooms.leave(roomId, actorId);
    this.notify.closed(actorId, roomId);
    await this.announceToAll(roomId);
  }

  /** After a block: the blocker's 1:1 with that person leaves their list (and comes back on unblock). */
  async blockChanged(blockerId: number, targetId: number, blocked: boolean): Promise<void> {
    const roomId = await this.pairRoom(blockerId, targetId);
    if (roomId === null) return;
    if (blocked) this.notify.closed(blockerId, roomId);
    else this.notify.opened(blockerId, (await this.view(roomId, blockerId))!);
  }

  private async insertRoom(tx: Db, kind: 'dm' | 'group', ownerId: number, people: number[]): Promise<number> {
    const now = Date.now();
    const room = await one(
      tx
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
        .returning({ id: rooms.id }),
    );
    for (const userId of people) await tx.insert(roomMembers).values({ roomId: room.id, userId, role: 'member', joinedAt: now });
    return room.id;
  }

  private async announceNew(roomId: number, people: number[]): Promise<void> {
    for (const userId of people) this.access.granted(roomId, userId);
    for (const userId of people) this.notify.opened(userId, (await this.view(roomId, userId))!);
  }

  private async announceToAll(roomId: number): Promise<void> {
    const ids = await this.db.select({ id: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, roomId));
    for (const { id } of ids) {
      const c = await this.view(roomId, id);
      if (c) this.notify.opened(id, c);
    }
  }
}
