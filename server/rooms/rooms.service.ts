import { timingSafeEqual } from 'node:crypto';
import { and, count, desc, eq, gt, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first, one } from '../../db/query.js';
import { affectedRows, transaction } from '../../db/tx.js';
import { messages, roomBans, roomMembers, rooms, users } from '../../db/schema/index.js';
import type { LobbyRoom, Member, Role, Room, RoomPreview } from '../../protocol/rooms.js';
import type { RoomKind } from '../../protocol/dms-constants.js';
import type { z } from 'zod';
import type { createRoomSchema, updateRoomSchema } from '../../protocol/rooms.js';
import { toPublicUser } from '../auth/auth.service.js';
import { hashSecret, verifySecret } from '../auth/password.js';
import type { RoomLimits } from '../config.js';
import { AppError } from '../plugins/errors.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import type { PresenceService } from '../presence/presence.service.js';
import { newJoinCode } from './join-code.js';
import { atLeast, outranks, type RoleName } from './room-channels.js';
import type { RoomEvents } from './room-events.js';

export type RoomRow = typeof rooms.$inferSelect;
export type MemberRow = typeof roomMembers.$inferSelect;

/** What room changes mean for live sockets; the socket layer implements it. */
export interface RoomAccessHooks {
  /** A user became a member: their sockets start receiving the room's lobby activity. */
  granted(roomId: number, userId: number): void;
  /** A user lost access: their sockets leave the room's channels and, unless they left, are told why. */
  revoked(roomId: number, userId: number, reason: 'left' | 'kicked' | 'banned' | 'deleted', until?: number | null): void;
}

const PASSCODE_PER_USER_ROOM = perWindow(5, 15 * 60_000);
const PASSCODE_PER_IP = perWindow(30, 15 * 60_000);
/** Wrong join codes (invite previews and unlisted joins): a typo is fine, counting through codes is not. */
const CODE_MISSES_PER_USER = perWindow(20, 15 * 60_000);
const CODE_MISSES_PER_IP = perWindow(60, 15 * 60_000);

/** Constant-time equality of two join codes (both already upper-cased). */
function sameCode(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const HOUR_MS = 3_600_000;

/** Pure: is the member muted at `now`? */
export const isMuted = (m: Pick<MemberRow, 'mutedUntil'>, now = Date.now()): boolean => !!m.mutedUntil && m.mutedUntil > now;

/**
 * The one mute rule: a muted member may read, play and listen, but not put anything in front of
 * others: chat messages, edits and reactions, room to-dos and goals, music queue additions, a
 * live microphone, camera or screen in the call. Commands opt in with `memberOf(app, role,
 * { speaks })` and routes with `requireMember(..., { speaks: true })`; the list is in the README.
 */
export function assertMaySpeak(m: Pick<MemberRow, 'mutedUntil'>, now = Date.now()): void {
  if (isMuted(m, now)) throw new AppError('MUTED', 'You are muted in this room.', Math.ceil((m.mutedUntil! - now) / 1000));
}

const MEMBER_CACHE_MAX = 100_000;
const memberKey = (roomId: number, userId: number) => `${roomId}:${userId}`;

export class RoomsService {
  private readonly passcodeUserLimiter = new RateLimiter(PASSCODE_PER_USER_ROOM);
  private readonly passcodeIpLimiter = new RateLimiter(PASSCODE_PER_IP);
  private readonly codeUserLimiter = new RateLimiter(CODE_MISSES_PER_USER);
  private readonly codeIpLimiter = new RateLimiter(CODE_MISSES_PER_IP);
  /** Whether a room has a live stream, for the lobby; the stream feature sets it. */
  liveProbe: (roomId: number) => boolean = () => false;
  /**
   * Extra rule for actions that put something in front of others (`speaks`), run after the mute
   * check. Direct messages set it (a block stops a 1:1 conversation); it must stay cheap for rooms.
   */
  speakGuard: (roomId: number, userId: number) => void | Promise<void> = () => {};
  /** A room's kind never changes and ids are never reused: cached after the first look-up. */
  private readonly kinds = new Map<number, RoomKind>();
  /** Ids of closed (archived) rooms: few, checked on every write, so kept in memory. */
  private readonly closed = new Set<number>();
  /**
   * Memberships read by every room command, kept until something changes them: every write to
   * room_members goes through this service (or {@link noteMember}) and forgets or updates the
   * entry first. Only members are cached (a join needs no invalidation). Off when several nodes
   * share the database (another node's kick would not reach this cache): ADR 0022.
   */
  cacheMembers = true;
  private readonly memberCache = new Map<string, MemberRow>();
  /** Bumped by every invalidation: a read that started before one is not cached. */
  private memberGen = 0;
  /** Slow-mode seconds per room, read by every chat message; forgotten when the room is updated. */
  private readonly slowCache = new Map<number, number>();

  constructor(
    private readonly db: Db,
    private readonly events: RoomEvents,
    private readonly presence: PresenceService,
    private readonly access: RoomAccessHooks,
    /** What is happening in a room (its pomodoro), for the lobby. */
    private readonly activity: (roomId: number) => LobbyRoom['timer'] | Promise<LobbyRoom['timer']> = () => null,
  ) {
  }

  /** Loads the ids of closed rooms; awaited once at boot before the service answers. */
  async init(): Promise<void> {
    for (const r of await this.db.select({ id: rooms.id }).from(rooms).where(isNotNull(rooms.closedAt))) this.closed.add(r.id);
  }

  isClosed(roomId: number): boolean {
    return this.closed.has(roomId);
  }

  /**
   * The one read-only rule of closed rooms: every write to a room's content (commands other than
   * reads, see ROOM_READ_COMMANDS; routes and commands that `speak`) is refused with ROOM_CLOSED.
   */
  assertOpen(roomId: number): void {
    if (this.closed.has(roomId)) throw new AppError('ROOM_CLOSED', 'This room is closed: it can be read but not changed.');
  }

  /** Told of room_members / rooms writes (set by features: tells the other nodes too). */
  onMemberChanged: (roomId: number, userId?: number) => void = () => {};
  onRoomChanged: (roomId: number) => void = () => {};

  private memberChanged(roomId: number, userId?: number): void {
    this.forgetMember(roomId, userId);
    this.onMemberChanged(roomId, userId);
  }

  private roomChanged(roomId: number): void {
    this.forgetRoom(roomId);
    this.onRoomChanged(roomId);
  }

  // ---- reading ----

  async getRow(roomId: number): Promise<RoomRow> {
    const row = await first(this.db.select().from(rooms).where(eq(rooms.id, roomId)).limit(1));
    if (!row) throw new AppError('NOT_FOUND', 'No such room.');
    return row;
  }

  /** 'room', 'dm' or 'group'; null for a room that does not exist. */
  async kindOf(roomId: number): Promise<RoomKind | null> {
    const known = this.kinds.get(roomId);
    if (known) return known;
    const row = await first(this.db.select({ kind: rooms.kind }).from(rooms).where(eq(rooms.id, roomId)).limit(1));
    if (row) this.kinds.set(roomId, row.kind);
    return row?.kind ?? null;
  }

  async memberCount(roomId: number): Promise<number> {
    return (await one(this.db.select({ n: count() }).from(roomMembers).where(eq(roomMembers.roomId, roomId)))).n;
  }

  async toDto(row: RoomRow, memberCount?: number): Promise<Room> {
    return this.dto(row, memberCount ?? (await this.memberCount(row.id)));
  }

  private dto(row: RoomRow, memberCount: number): Room {
    return {
      id: row.id,
      // A direct conversation cannot be joined by code: its code never leaves the server.
      code: row.kind === 'room' ? row.code : '',
      name: row.name,
      description: row.description,
      listed: row.listed,
      capacity: row.capacity,
      hasPasscode: row.passcodeHash !== null,
      slowModeSeconds: row.slowModeSeconds,
      ownerId: row.ownerId,
      memberCount,
      onlineCount: this.presence.onlineCount(row.id),
      lastActivityAt: row.lastActivityAt,
      createdAt: row.createdAt,
      kind: row.kind,
      closedAt: row.closedAt,
    };
  }

  async membership(roomId: number, userId: number): Promise<MemberRow | undefined> {
    if (!this.cacheMembers) return this.readMembership(roomId, userId);
    const key = memberKey(roomId, userId);
    const hit = this.memberCache.get(key);
    // A copy: callers may not change what the next command reads.
    if (hit) return { ...hit };
    const gen = this.memberGen;
    const row = await this.readMembership(roomId, userId);
    if (row && gen === this.memberGen) {
      if (this.memberCache.size >= MEMBER_CACHE_MAX) this.memberCache.delete(this.memberCache.keys().next().value!);
      this.memberCache.set(key, { ...row });
    }
    return row;
  }

  private readMembership(roomId: number, userId: number): Promise<MemberRow | undefined> {
    return first(this.db.select().from(roomMembers).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId))).limit(1));
  }

  /** Forgets cached memberships (one, or every one of the room) after room_members changed. */
  forgetMember(roomId: number, userId?: number): void {
    this.memberGen++;
    if (userId !== undefined) {
      this.memberCache.delete(memberKey(roomId, userId));
      return;
    }
    const prefix = `${roomId}:`;
    for (const key of this.memberCache.keys()) if (key.startsWith(prefix)) this.memberCache.delete(key);
  }

  /** Another service wrote these columns of a membership (chat: last message, last read): keep the cache in step. */
  noteMember(roomId: number, userId: number, patch: Partial<Pick<MemberRow, 'lastMessageAt' | 'lastReadMessageId'>>): void {
    this.memberGen++;
    const hit = this.memberCache.get(memberKey(roomId, userId));
    if (hit) Object.assign(hit, patch);
  }

  /** The room's slow mode in seconds (0 when off); NOT_FOUND for a room that does not exist. */
  async slowModeOf(roomId: number): Promise<number> {
    const known = this.slowCache.get(roomId);
    if (known !== undefined) return known;
    const row = await first(this.db.select({ slow: rooms.slowModeSeconds }).from(rooms).where(eq(rooms.id, roomId)).limit(1));
    if (!row) throw new AppError('NOT_FOUND', 'No such room.');
    if (this.slowCache.size >= MEMBER_CACHE_MAX) this.slowCache.clear();
    this.slowCache.set(roomId, row.slow);
    return row.slow;
  }

  /** A room row changed on another node (cluster): its cached settings go. */
  forgetRoom(roomId: number): void {
    this.slowCache.delete(roomId);
  }

  /**
   * The caller's membership, or NOT_FOUND / NOT_MEMBER / FORBIDDEN. `speaks`: the action puts
   * text or media in front of others, so a muted member is refused (MUTED, see {@link assertMaySpeak}).
   * `writes` (implied by `speaks`): the action changes the room, refused in a closed room (ROOM_CLOSED).
   */
  async requireMember(roomId: number, userId: number, minRole: RoleName = 'member', opts: { speaks?: boolean; writes?: boolean } = {}): Promise<MemberRow> {
    const m = await this.membership(roomId, userId);
    if (!m) {
      await this.getRow(roomId); // NOT_FOUND before NOT_MEMBER
      throw new AppError('NOT_MEMBER', 'You are not a member of this room.');
    }
    if (!atLeast(m.role, minRole)) throw new AppError('FORBIDDEN', `Only a room ${minRole} can do that.`);
    if (opts.speaks || opts.writes) this.assertOpen(roomId);
    if (opts.speaks) {
      assertMaySpeak(m);
      await this.speakGuard(roomId, userId);
    }
    return m;
  }

  async activeBan(roomId: number, userId: number) {
    const now = Date.now();
    return first(
      this.db
        .select()
        .from(roomBans)
        .where(and(eq(roomBans.roomId, roomId), eq(roomBans.userId, userId), or(isNull(roomBans.until), gt(roomBans.until, now))))
        .limit(1),
    );
  }

  /**
   * What an invite shows. Only the room's current code matches: a rotated code finds nothing.
   * Misses are limited per user and per IP so codes cannot be counted through.
   */
  async preview(code: string, userId: number, ip: string): Promise<RoomPreview> {
    this.checkCodeMisses(userId, ip);
    const row = await first(this.db.select().from(rooms).where(and(eq(rooms.code, code), eq(rooms.kind, 'room'))).limit(1));
    if (!row) {
      this.countCodeMiss(userId, ip);
      throw new AppError('NOT_FOUND', 'No room has that code.');
    }
    return {
      id: row.id,
      code: row.code,
      name: row.name,
      description: row.description,
      hasPasscode: row.passcodeHash !== null,
      memberCount: await this.memberCount(row.id),
      capacity: row.capacity,
      isMember: !!(await this.membership(row.id, userId)),
    };
  }

  async members(roomId: number): Promise<Member[]> {
    const rows = await this.db
      .select({ m: roomMembers, u: users })
      .from(roomMembers)
      .innerJoin(users, eq(users.id, roomMembers.userId))
      .where(eq(roomMembers.roomId, roomId))
      .orderBy(roomMembers.joinedAt);
    return rows.map(({ m, u }) => this.toMember(m, u));
  }

  async member(roomId: number, userId: number): Promise<Member> {
    const row = await first(
      this.db
        .select({ m: roomMembers, u: users })
        .from(roomMembers)
        .innerJoin(users, eq(users.id, roomMembers.userId))
        .where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)))
        .limit(1),
    );
    if (!row) throw new AppError('NOT_MEMBER', 'That user is not a member of this room.');
    return this.toMember(row.m, row.u);
  }

  private toMember(m: MemberRow, u: typeof users.$inferSelect): Member {
    return {
      user: toPublicUser(u),
      role: m.role,
      mutedUntil: m.mutedUntil && m.mutedUntil > Date.now() ? m.mutedUntil : null,
      joinedAt: m.joinedAt,
      presence: this.presence.statusOf(m.roomId, m.userId),
    };
  }

  /** Public lobby: listed rooms, most recently active first, optionally filtered by name. */
  async lobby(userId: number, q?: string): Promise<LobbyRoom[]> {
    const pattern = q ? `%${q.replace(/[%_\\]/g, '\\$&')}%` : null;
    const listed = and(eq(rooms.listed, true), eq(rooms.kind, 'room'));
    const where = pattern ? and(listed, sql`lower(${rooms.name}) LIKE lower(${pattern}) ESCAPE '\\'`) : listed;
    return this.withCounts(
      await this.db
        .select({ r: rooms, role: roomMembers.role, lastRead: roomMembers.lastReadMessageId })
        .from(rooms)
        .leftJoin(roomMembers, and(eq(roomMembers.roomId, rooms.id), eq(roomMembers.userId, userId)))
        .where(where)
        .orderBy(desc(rooms.lastActivityAt))
        .limit(100),
      false,
    );
  }

  /** The caller's rooms, most recently active first, with unread counts. */
  async mine(userId: number): Promise<LobbyRoom[]> {
    return this.withCounts(
      await this.db
        .select({ r: rooms, role: roomMembers.role, lastRead: roomMembers.lastReadMessageId })
        .from(roomMembers)
        .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
        // Direct conversations have their own list (server/dms).
        .where(and(eq(roomMembers.userId, userId), eq(rooms.kind, 'room')))
        .orderBy(desc(rooms.lastActivityAt)),
      true,
    );
  }

  private async withCounts(rows: { r: RoomRow; role: Role | null; lastRead: number | null }[], countUnread: boolean): Promise<LobbyRoom[]> {
    const out: LobbyRoom[] = [];
    for (const { r, role, lastRead } of rows) {
      const unread =
        countUnread && role
          ? (await one(this.db.select({ n: count() }).from(messages).where(and(eq(messages.roomId, r.id), gt(messages.id, lastRead ?? 0), isNull(messages.deletedAt))))).n
          : 0;
      out.push({ ...(await this.toDto(r)), myRole: role, unread, timer: await this.activity(r.id), live: this.liveProbe(r.id) });
    }
    return out;
  }

  // ---- writing ----

  /**
   * Refuses a room beyond the per-user limits: RATE_LIMITED (with retry-after) past `perHour` rooms
   * created in the last hour, CONFLICT when the user already owns `ownedMax`. Counted from the
   * rooms table, so a restart does not reset them; rooms given away by transfer no longer count.
   */
  async assertMayCreate(ownerId: number, limits: RoomLimits, now = Date.now()): Promise<void> {
    const owned = await this.db.select({ createdAt: rooms.createdAt }).from(rooms).where(and(eq(rooms.ownerId, ownerId), eq(rooms.kind, 'room')));
    if (owned.length >= limits.ownedMax) {
      throw new AppError('CONFLICT', `You own ${limits.ownedMax} rooms already: delete or hand one over first.`);
    }
    const recent = owned.map((r) => r.createdAt).filter((t) => t > now - HOUR_MS).sort((a, b) => a - b);
    if (recent.length >= limits.perHour) {
      const retryAfter = Math.max(1, Math.ceil((recent[recent.length - limits.perHour]! + HOUR_MS - now) / 1000));
      throw new AppError('RATE_LIMITED', `You can create ${limits.perHour} rooms an hour: try again later.`, retryAfter);
    }
  }

  async create(ownerId: number, input: z.output<typeof createRoomSchema>, limits?: RoomLimits): Promise<Room> {
    if (limits) await this.assertMayCreate(ownerId, limits);
    const passcodeHash = input.passcode ? await hashSecret(input.passcode) : null;
    const now = Date.now();
    const code = await this.uniqueCode();
    const row = await transaction(this.db, async (tx) => {
      const [room] = await tx
        .insert(rooms)
        .values({
          code,
          name: input.name,
          description: input.description,
          passcodeHash,
          listed: input.listed,
          capacity: input.capacity,
          ownerId,
          lastActivityAt: now,
          createdAt: now,
        })
        .returning();
      await tx.insert(roomMembers).values({ roomId: room!.id, userId: ownerId, role: 'owner', joinedAt: now });
      return room!;
    });
    this.access.granted(row.id, ownerId);
    return this.toDto(row, 1);
  }

  private async uniqueCode(): Promise<string> {
    for (;;) {
      const code = newJoinCode();
      if (!(await first(this.db.select({ id: rooms.id }).from(rooms).where(eq(rooms.code, code)).limit(1)))) return code;
    }
  }

  private checkCodeMisses(userId: number, ip: string): void {
    this.codeUserLimiter.check(`u${userId}`, 'Too many wrong join codes. Try again later.');
    this.codeIpLimiter.check(ip, 'Too many wrong join codes from your network. Try again later.');
  }

  private countCodeMiss(userId: number, ip: string): void {
    this.codeUserLimiter.hit(`u${userId}`);
    this.codeIpLimiter.hit(ip);
  }

  /**
   * Joins a room. Members are let straight in. Others need, for an unlisted room, its current
   * join code (the code is the capability: room ids are sequential and guessable), and the
   * passcode if one is set. A missing or wrong code answers exactly like an unknown room. Wrong
   * codes are limited per user and per IP; wrong passcodes per user+room and per IP.
   */
  async join(roomId: number, userId: number, secrets: { passcode?: string | undefined; code?: string | undefined }, ip: string): Promise<{ room: Room; joined: boolean }> {
    const { passcode, code } = secrets;
    const row = await this.getRow(roomId);
    // Direct conversations are joined only by being added (server/dms): answer like an unknown room.
    if (row.kind !== 'room') throw new AppError('NOT_FOUND', 'No such room.');
    if (await this.membership(roomId, userId)) return { room: await this.toDto(row), joined: false };
    if (!row.listed) {
      this.checkCodeMisses(userId, ip);
      if (!code || !sameCode(code, row.code)) {
        if (code) this.countCodeMiss(userId, ip);
        throw new AppError('NOT_FOUND', 'No such room.');
      }
    }
    const ban = await this.activeBan(roomId, userId);
    if (ban) {
      const retryAfter = ban.until ? Math.ceil((ban.until - Date.now()) / 1000) : undefined;
      throw new AppError('BANNED', ban.until ? 'You are banned from this room for now.' : 'You are banned from this room.', retryAfter);
    }
    if (row.passcodeHash) {
      if (!passcode) throw new AppError('PASSCODE_REQUIRED', 'This room needs a passcode.');
      const userKey = `${userId}:${roomId}`;
      this.passcodeUserLimiter.enforce(userKey, 'Too many wrong passcodes. Try again later.');
      this.passcodeIpLimiter.enforce(ip, 'Too many wrong passcodes from your network. Try again later.');
      if (!(await verifySecret(row.passcodeHash, passcode))) throw new AppError('WRONG_PASSCODE', 'That passcode is not right.');
      this.passcodeUserLimiter.reset(userKey);
    }
    const now = Date.now();
    const inserted = await transaction(this.db, async (tx) => {
      const { n } = await one(tx.select({ n: count() }).from(roomMembers).where(eq(roomMembers.roomId, roomId)));
      if (n >= row.capacity) throw new AppError('ROOM_FULL', 'This room is full.');
      const lastReadMessageId = await this.latestMessageId(tx, roomId);
      return affectedRows(
        await tx.insert(roomMembers).values({ roomId, userId, role: 'member', joinedAt: now, lastReadMessageId }).onConflictDoNothing(),
      );
    });
    if (inserted) {
      this.access.granted(roomId, userId);
      await this.events.broadcast(roomId, 'member:joined', { member: await this.member(roomId, userId) });
    }
    return { room: await this.toDto(await this.getRow(roomId)), joined: inserted > 0 };
  }

  private async latestMessageId(tx: Db, roomId: number): Promise<number> {
    return (await one(tx.select({ id: sql<number>`coalesce(max(${messages.id}), 0)`.mapWith(Number) }).from(messages).where(eq(messages.roomId, roomId)))).id;
  }

  async update(roomId: number, actorId: number, patch: z.output<typeof updateRoomSchema>): Promise<Room> {
    const onlySlowMode = Object.keys(patch).every((k) => k === 'slowModeSeconds');
    await this.requireMember(roomId, actorId, onlySlowMode ? 'moderator' : 'owner', { writes: true });
    const { passcode, ...rest } = patch;
    const set: Partial<RoomRow> = { ...rest };
    if (passcode !== undefined) set.passcodeHash = passcode === null ? null : await hashSecret(passcode);
    if (Object.keys(set).length > 0) await this.db.update(rooms).set(set).where(eq(rooms.id, roomId));
    this.roomChanged(roomId);
    return this.announce(roomId);
  }

  async rotateCode(roomId: number, actorId: number): Promise<Room> {
    await this.requireMember(roomId, actorId, 'owner');
    await this.db.update(rooms).set({ code: await this.uniqueCode() }).where(eq(rooms.id, roomId));
    return this.announce(roomId);
  }

  private async announce(roomId: number): Promise<Room> {
    const room = await this.toDto(await this.getRow(roomId));
    await this.events.broadcast(roomId, 'room:updated', { room });
    return room;
  }

  async transfer(roomId: number, actorId: number, toUserId: number): Promise<Room> {
    await this.requireMember(roomId, actorId, 'owner');
    if (toUserId === actorId) throw new AppError('CONFLICT', 'You already own this room.');
    if (!(await this.membership(roomId, toUserId))) throw new AppError('NOT_MEMBER', 'The new owner must be a member.');
    await transaction(this.db, async (tx) => {
      await tx.update(rooms).set({ ownerId: toUserId }).where(eq(rooms.id, roomId));
      await tx.update(roomMembers).set({ role: 'moderator' }).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, actorId)));
      await tx.update(roomMembers).set({ role: 'owner' }).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, toUserId)));
    });
    this.memberChanged(roomId, actorId);
    this.memberChanged(roomId, toUserId);
    await this.events.broadcast(roomId, 'member:updated', { member: await this.member(roomId, actorId) });
    await this.events.broadcast(roomId, 'member:updated', { member: await this.member(roomId, toUserId) });
    return this.announce(roomId);
  }

  async remove(roomId: number, actorId: number): Promise<void> {
    await this.requireMember(roomId, actorId, 'owner');
    const memberIds = await this.db.select({ id: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, roomId));
    await this.db.delete(rooms).where(eq(rooms.id, roomId));
    this.memberChanged(roomId);
    this.roomChanged(roomId);
    for (const { id } of memberIds) this.access.revoked(roomId, id, 'deleted');
    this.presence.dropRoom(roomId);
  }

  async leave(roomId: number, userId: number): Promise<void> {
    const m = await this.requireMember(roomId, userId);
    if (m.role === 'owner') throw new AppError('CONFLICT', 'Transfer ownership before leaving your room.');
    if ((await this.kindOf(roomId)) === 'dm') throw new AppError('CONFLICT', 'A conversation between two people cannot be left: block the person instead.');
    await this.dropMember(roomId, userId, 'left');
  }

  /** Loads actor and target memberships and checks the actor outranks the target. */
  private async moderate(roomId: number, actorId: number, targetId: number): Promise<MemberRow> {
    const actor = await this.requireMember(roomId, actorId, 'moderator');
    if (actorId === targetId) throw new AppError('CONFLICT', 'You cannot do that to yourself.');
    const target = await this.membership(roomId, targetId);
    if (target && !outranks(actor.role, target.role)) throw new AppError('FORBIDDEN', 'You cannot moderate someone of equal or higher role.');
    if (!target) throw new AppError('NOT_MEMBER', 'That user is not a member of this room.');
    return target;
  }

  async kick(roomId: number, actorId: number, targetId: number): Promise<void> {
    await this.moderate(roomId, actorId, targetId);
    await this.dropMember(roomId, targetId, 'kicked');
  }

  /** Bans (optionally for a while); the caller may also purge the user's messages. */
  async ban(roomId: number, actorId: number, targetId: number, opts: { minutes?: number; reason: string }): Promise<number | null> {
    await this.moderate(roomId, actorId, targetId);
    const now = Date.now();
    const until = opts.minutes ? now + opts.minutes * 60_000 : null;
    await this.db
      .insert(roomBans)
      .values({ roomId, userId: targetId, bannedBy: actorId, reason: opts.reason, until, createdAt: now })
      .onConflictDoUpdate({ target: [roomBans.roomId, roomBans.userId], set: { bannedBy: actorId, reason: opts.reason, until, createdAt: now } });
    await this.dropMember(roomId, targetId, 'banned', until);
    return until;
  }

  async unban(roomId: number, actorId: number, targetId: number): Promise<void> {
    await this.requireMember(roomId, actorId, 'moderator');
    await this.db.delete(roomBans).where(and(eq(roomBans.roomId, roomId), eq(roomBans.userId, targetId)));
  }

  async bans(roomId: number, actorId: number) {
    await this.requireMember(roomId, actorId, 'moderator');
    const now = Date.now();
    const rows = await this.db
      .select({ user: users, until: roomBans.until, reason: roomBans.reason, createdAt: roomBans.createdAt })
      .from(roomBans)
      .innerJoin(users, eq(users.id, roomBans.userId))
      .where(and(eq(roomBans.roomId, roomId), or(isNull(roomBans.until), gt(roomBans.until, now))));
    return rows.map((b) => ({ user: toPublicUser(b.user), until: b.until, reason: b.reason, createdAt: b.createdAt }));
  }

  private async dropMember(roomId: number, userId: number, reason: 'left' | 'kicked' | 'banned', until?: number | null): Promise<void> {
    await this.db.delete(roomMembers).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, userId)));
    this.memberChanged(roomId, userId);
    this.access.revoked(roomId, userId, reason, until);
    this.presence.drop(roomId, userId);
    await this.events.broadcast(roomId, 'member:left', { userId, reason });
  }

  async mute(roomId: number, actorId: number, targetId: number, minutes: number | null): Promise<Member> {
    await this.moderate(roomId, actorId, targetId);
    const mutedUntil = minutes ? Date.now() + minutes * 60_000 : null;
    await this.db.update(roomMembers).set({ mutedUntil }).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, targetId)));
    this.memberChanged(roomId, targetId);
    return this.announceMember(roomId, targetId);
  }

  async setRole(roomId: number, actorId: number, targetId: number, role: 'moderator' | 'member'): Promise<Member> {
    await this.requireMember(roomId, actorId, 'owner');
    const target = await this.membership(roomId, targetId);
    if (!target) throw new AppError('NOT_MEMBER', 'That user is not a member of this room.');
    if (target.role === 'owner') throw new AppError('CONFLICT', 'Transfer ownership to change the owner.');
    await this.db.update(roomMembers).set({ role }).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, targetId)));
    this.memberChanged(roomId, targetId);
    return this.announceMember(roomId, targetId);
  }

  private async announceMember(roomId: number, userId: number): Promise<Member> {
    const member = await this.member(roomId, userId);
    await this.events.broadcast(roomId, 'member:updated', { member });
    return member;
  }

  /** Room ids the user belongs to (for subscribing their sockets to lobby activity). */
  async roomIdsOf(userId: number): Promise<number[]> {
    const rows = await this.db.select({ id: roomMembers.roomId }).from(roomMembers).where(eq(roomMembers.userId, userId));
    return rows.map((r) => r.id);
  }

  // ---- instance admin (no room role needed; the admin routes check the admin session) ----

  /** Closes (archives) or reopens a room; members are told through `room:updated`. */
  async setClosed(roomId: number, closed: boolean): Promise<Room> {
    await this.getRow(roomId);
    await this.db.update(rooms).set({ closedAt: closed ? Date.now() : null }).where(eq(rooms.id, roomId));
    this.roomChanged(roomId);
    if (closed) this.closed.add(roomId);
    else this.closed.delete(roomId);
    return this.announce(roomId);
  }

  /** Hands a room to another member (an admin acting; the old owner becomes a moderator). */
  async forceTransfer(roomId: number, toUserId: number): Promise<Room> {
    const row = await this.getRow(roomId);
    if (row.ownerId === toUserId) throw new AppError('CONFLICT', 'That user already owns this room.');
    if (!(await this.membership(roomId, toUserId))) throw new AppError('NOT_MEMBER', 'The new owner must be a member.');
    const oldOwnerIsMember = !!(await this.membership(roomId, row.ownerId));
    await transaction(this.db, async (tx) => {
      await tx.update(rooms).set({ ownerId: toUserId }).where(eq(rooms.id, roomId));
      await tx.update(roomMembers).set({ role: 'moderator' }).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, row.ownerId)));
      await tx.update(roomMembers).set({ role: 'owner' }).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, toUserId)));
    });
    this.memberChanged(roomId, row.ownerId);
    this.memberChanged(roomId, toUserId);
    if (oldOwnerIsMember) await this.events.broadcast(roomId, 'member:updated', { member: await this.member(roomId, row.ownerId) });
    await this.events.broadcast(roomId, 'member:updated', { member: await this.member(roomId, toUserId) });
    return this.announce(roomId);
  }

  /** Deletes a room (an admin acting): members are told, like an owner's delete. */
  async forceRemove(roomId: number): Promise<void> {
    await this.getRow(roomId);
    const memberIds = await this.db.select({ id: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, roomId));
    await this.db.delete(rooms).where(eq(rooms.id, roomId));
    this.memberChanged(roomId);
    this.roomChanged(roomId);
    this.closed.delete(roomId);
    for (const { id } of memberIds) this.access.revoked(roomId, id, 'deleted');
    this.presence.dropRoom(roomId);
  }

  /**
   * Takes a user out of every room (account deletion): rooms they own go to their longest-serving
   * moderator, else their longest-standing member; a room with nobody else in it is deleted.
   */
  async removeUserEverywhere(userId: number): Promise<{ transferred: number[]; deleted: number[] }> {
    const out = { transferred: [] as number[], deleted: [] as number[] };
    for (const room of await this.db.select({ id: rooms.id }).from(rooms).where(eq(rooms.ownerId, userId))) {
      const heir = await first(
        this.db
          .select({ userId: roomMembers.userId })
          .from(roomMembers)
          .where(and(eq(roomMembers.roomId, room.id), ne(roomMembers.userId, userId)))
          .orderBy(sql`CASE ${roomMembers.role} WHEN 'moderator' THEN 0 ELSE 1 END`, roomMembers.joinedAt)
          .limit(1),
      );
      if (heir) {
        await this.forceTransfer(room.id, heir.userId);
        out.transferred.push(room.id);
      } else {
        await this.forceRemove(room.id);
        out.deleted.push(room.id);
      }
    }
    for (const roomId of await this.roomIdsOf(userId)) await this.dropMember(roomId, userId, 'left');
    return out;
  }
}
