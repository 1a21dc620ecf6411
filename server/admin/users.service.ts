import { and, asc, count, desc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { alarms, messages, musicAccounts, passwordResets, roomMembers, rooms, sessions, todos, users } from '../../db/schema/index.js';
import type { UserFilter, UserSortKey } from '../../protocol/admin-constants.js';
import type { AdminUserDetail, AdminUserList, AdminUserRow } from '../../protocol/admin-users.js';
import type { UserRow } from '../auth/auth.service.js';
import { AppError } from '../plugins/errors.js';

const WEEK_MS = 7 * 86_400_000;

export interface UserListQuery {
  q?: string | undefined;
  filter: UserFilter;
  sort: UserSortKey;
  dir: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

/** LIKE pattern for a partial match, with LIKE's wildcards escaped. */
export const containsPattern = (q: string) => `%${q.replace(/[%_\\]/g, '\\$&')}%`;

const SORT_COLUMNS = {
  username: users.usernameKey,
  displayName: users.displayName,
  createdAt: users.createdAt,
  lastSeenAt: users.lastSeenAt,
} as const;

export const toAdminUserRow = (u: UserRow): AdminUserRow => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  avatarColor: u.avatarColor,
  isAdmin: u.isAdmin,
  isBot: u.isBot,
  disabled: u.disabled,
  createdAt: u.createdAt,
  lastSeenAt: u.lastSeenAt,
});

/**
 * Instance admins' view of accounts: the searchable list, one user's rooms, sessions and activity,
 * and the account changes (disable, admin grant/revoke, delete) with the last-admin rule. Live
 * effects (dropping sockets, auditing) belong to the routes; this class only reads and writes rows.
 */
export class AdminUsersService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * One page of users. Offset pagination with an exact total: every sort column has an index so a
   * page reads `offset + pageSize` index entries, and the count is one pass over an index (or the
   * table when searching); measured in bench/admin-users.ts.
   */
  list(q: UserListQuery): AdminUserList {
    const where = this.where(q, 'page');
    const column = SORT_COLUMNS[q.sort];
    const dir = q.dir === 'asc' ? asc : desc;
    // SQLite sorts NULL first: never-seen users come first ascending, last descending (the index order).
    // A search reads the whole table anyway (LIKE '%q%'): one sequential pass and a sort of the
    // matches (`+column` keeps SQLite off the sort index) beats walking the index with a row
    // lookup per entry until a page of matches turns up.
    const sortKey = q.q ? sql`+${column}` : column;
    const order: SQL[] = [dir(sortKey), dir(users.id)];
    const offset = (q.page - 1) * q.pageSize;
    if (q.q) {
      // One pass for page and total: the window count runs over every match before LIMIT.
      const rows = this.db
        .select({ u: users, total: sql<number>`count(*) OVER ()` })
        .from(users)
        .where(where)
        .orderBy(...order)
        .limit(q.pageSize)
        .offset(offset)
        .all();
      const total = rows[0]?.total ?? this.db.select({ n: count() }).from(users).where(where).get()!.n;
      return { users: rows.map((r) => toAdminUserRow(r.u)), total, page: q.page, pageSize: q.pageSize };
    }
    const rows = this.db.select().from(users).where(where).orderBy(...order).limit(q.pageSize).offset(offset).all();
    const total = this.db.select({ n: count() }).from(users).where(this.where(q, 'count')).get()!.n;
    return { users: rows.map(toAdminUserRow), total, page: q.page, pageSize: q.pageSize };
  }

  /**
   * The filter. For the page, `+deleted_at` keeps SQLite off the status index so it walks the sort
   * column's index and stops after one page (instead of sorting every match); the count without a
   * search reads only the covering status index; with a search, one pass over the table.
   */
  private where(q: UserListQuery, use: 'page' | 'count'): SQL | undefined {
    const viaIndex = use === 'count' && !q.q;
    const conds: (SQL | undefined)[] = [viaIndex ? isNull(users.deletedAt) : sql`+${users.deletedAt} IS NULL`];
    if (q.q) {
      const pattern = containsPattern(q.q.toLowerCase());
      conds.push(or(sql`${users.usernameKey} LIKE ${pattern} ESCAPE '\\'`, sql`${users.displayName} LIKE ${pattern} ESCAPE '\\'`));
    }
    if (q.filter === 'active') conds.push(eq(users.disabled, false));
    if (q.filter === 'disabled') conds.push(eq(users.disabled, true));
    if (q.filter === 'admins') conds.push(eq(users.isAdmin, true));
    if (q.filter === 'bots') conds.push(eq(users.isBot, true));
    if (q.filter === 'new') conds.push(gt(users.createdAt, this.now() - WEEK_MS));
    return and(...conds);
  }

  /** A listed (not deleted) user, or NOT_FOUND. */
  get(userId: number): UserRow {
    const u = this.db.select().from(users).where(and(eq(users.id, userId), isNull(users.deletedAt))).get();
    if (!u) throw new AppError('NOT_FOUND', 'No such user.');
    return u;
  }

  findByUsername(username: string): UserRow | undefined {
    return this.db.select().from(users).where(and(eq(users.usernameKey, username.toLowerCase()), isNull(users.deletedAt))).get();
  }

  detail(userId: number, currentSessionId: string | null): AdminUserDetail {
    const u = this.get(userId);
    const now = this.now();
    const memberships = this.db
      .select({ id: rooms.id, name: rooms.name, role: roomMembers.role, joinedAt: roomMembers.joinedAt, closedAt: rooms.closedAt })
      .from(roomMembers)
      .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
      .where(eq(roomMembers.userId, userId))
      .orderBy(desc(roomMembers.joinedAt))
      .all();
    const live = this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
      .orderBy(desc(sessions.lastSeenAt))
      .limit(50)
      .all();
    const recent = this.db
      .select({ id: messages.id, roomId: messages.roomId, roomName: rooms.name, text: messages.text, createdAt: messages.createdAt })
      .from(messages)
      .innerJoin(rooms, eq(rooms.id, messages.roomId))
      .where(and(eq(messages.userId, userId), isNull(messages.deletedAt)))
      .orderBy(desc(messages.id))
      .limit(10)
      .all();
    const messageCount = this.db.select({ n: count() }).from(messages).where(and(eq(messages.userId, userId), isNull(messages.deletedAt))).get()!.n;
    return {
      user: { ...toAdminUserRow(u), statusLine: u.statusLine, timeZone: u.timeZone },
      rooms: memberships.map((m) => ({ id: m.id, name: m.name, role: m.role, joinedAt: m.joinedAt, closed: m.closedAt !== null })),
      sessions: live.map((s) => ({
        label: s.id.slice(0, 8),
        current: s.id === currentSessionId,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        expiresAt: s.expiresAt,
        ip: s.ip,
        userAgent: s.userAgent,
      })),
      recentMessages: recent.map((m) => ({ id: m.id, roomId: m.roomId, roomName: m.roomName, excerpt: m.text.length > 140 ? `${m.text.slice(0, 139)}…` : m.text, createdAt: m.createdAt })),
      messageCount,
    };
  }

  /** Enabled admins other than `userId`. */
  private otherActiveAdmins(userId: number): number {
    return this.db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.isAdmin, true), eq(users.disabled, false), isNull(users.deletedAt), sql`${users.id} <> ${userId}`))
      .get()!.n;
  }

  /** The instance must keep one enabled admin: refuses to demote, disable or delete the last one. */
  private assertNotLastAdmin(u: UserRow, what: string): void {
    if (u.isAdmin && !u.disabled && this.otherActiveAdmins(u.id) === 0) {
      throw new AppError('LAST_ADMIN', `This is the last admin: make someone else an admin before you ${what}.`);
    }
  }

  /** Grants or revokes instance admin; returns the updated row, or null when nothing changed. */
  setAdmin(userId: number, isAdmin: boolean): UserRow | null {
    return this.db.transaction(() => {
      const u = this.get(userId);
      if (u.isAdmin === isAdmin) return null;
      if (!isAdmin) this.assertNotLastAdmin(u, 'remove their admin rights');
      return this.db.update(users).set({ isAdmin }).where(eq(users.id, userId)).returning().get()!;
    });
  }

  /**
   * Disables (ending every session; the caller drops the live sockets) or enables an account.
   * Returns the updated row and the ids of the ended sessions, or null when nothing changed.
   */
  setDisabled(userId: number, disabled: boolean): { user: UserRow; endedSessions: string[] } | null {
    return this.db.transaction(() => {
      const u = this.get(userId);
      if (u.disabled === disabled) return null;
      if (disabled) this.assertNotLastAdmin(u, 'disable them');
      const user = this.db.update(users).set({ disabled }).where(eq(users.id, userId)).returning().get()!;
      const endedSessions = disabled ? this.endSessions(userId) : [];
      return { user, endedSessions };
    });
  }

  endSessions(userId: number): string[] {
    return this.db
      .delete(sessions)
      .where(eq(sessions.userId, userId))
      .returning({ id: sessions.id })
      .all()
      .map((r) => r.id);
  }

  /** Checks the account may be deleted (not the last admin); throws LAST_ADMIN or NOT_FOUND. */
  assertDeletable(userId: number): UserRow {
    const u = this.get(userId);
    this.assertNotLastAdmin(u, 'delete them');
    return u;
  }

  /**
   * Turns the account into an anonymous tombstone: the row stays (messages, games and bans keep a
   * valid author and show "Deleted user"), everything that identifies or signs the person in goes.
   * Room memberships and owned rooms are handled before this by the rooms service.
   */
  anonymize(userId: number): void {
    this.db.transaction((tx) => {
      const u = this.assertDeletable(userId);
      const tomb = `deleted-${u.id}`;
      tx.update(users)
        .set({
          username: tomb,
          usernameKey: tomb,
          // Not an argon2 hash: nothing ever verifies against it.
          passwordHash: '!deleted',
          displayName: 'Deleted user',
          avatarColor: '#8a8f98',
          statusLine: '',
          timeZone: 'UTC',
          isAdmin: false,
          disabled: true,
          deletedAt: this.now(),
          lastSeenAt: null,
        })
        .where(eq(users.id, userId))
        .run();
      tx.delete(sessions).where(eq(sessions.userId, userId)).run();
      tx.delete(passwordResets).where(eq(passwordResets.userId, userId)).run();
      tx.delete(musicAccounts).where(eq(musicAccounts.userId, userId)).run();
      tx.delete(alarms).where(eq(alarms.userId, userId)).run();
      tx.delete(todos).where(and(eq(todos.ownerId, userId), isNull(todos.roomId))).run();
    });
  }

  /** Rooms where the user has messages that are not deleted (for a purge). */
  roomsWithMessagesOf(userId: number): number[] {
    return this.db
      .selectDistinct({ roomId: messages.roomId })
      .from(messages)
      .where(and(eq(messages.userId, userId), isNull(messages.deletedAt)))
      .all()
      .map((r) => r.roomId);
  }

  adminUsernames(): { id: number; username: string; disabled: boolean }[] {
    return this.db
      .select({ id: users.id, username: users.username, disabled: users.disabled })
      .from(users)
      .where(and(eq(users.isAdmin, true), isNull(users.deletedAt)))
      .orderBy(asc(users.id))
      .all();
  }
}
