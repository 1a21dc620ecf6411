import { and, asc, count, desc, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { transaction } from '../../db/tx.js';
import { alarms, messages, musicAccounts, passwordResets, roomMembers, rooms, sessions, todos, users } from '../../db/schema/index.js';
import type { UserFilter, UserSortKey } from '../../protocol/admin-constants.js';
import type { AdminUserDetail, AdminUserList, AdminUserRow } from '../../protocol/admin-users.js';
import type { UserRow } from '../auth/auth.service.js';
import { AppError } from '../plugins/errors.js';
import { adminSql } from './admin-sql.js';

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
  async list(q: UserListQuery): Promise<AdminUserList> {
    const where = this.where(q, 'page');
    const column = SORT_COLUMNS[q.sort];
    const dir = q.dir === 'asc' ? asc : desc;
    // SQLite sorts NULL first: never-seen users come first ascending, last descending (the index order).
    // A search reads the whole table anyway (LIKE '%q%'): one sequential pass and a sort of the
    // matches (`+column` keeps SQLite off the sort index) beats walking the index with a row
    // lookup per entry until a page of matches turns up.
    const sortKey = q.q ? adminSql(this.db).unindexed(column) : column;
    const order: SQL[] = [dir(sortKey), dir(users.id)];
    const offset = (q.page - 1) * q.pageSize;
    if (q.q) {
      // One pass for page and total: the window count runs over every match before LIMIT.
      const rows = await this.db
        .select({ u: users, total: sql<number>`count(*) OVER ()`.mapWith(Number) })
        .from(users)
        .where(where)
        .orderBy(...order)
        .limit(q.pageSize)
        .offset(offset);
      const total = rows[0]?.total ?? (await this.count(where));
      return { users: rows.map((r) => toAdminUserRow(r.u)), total, page: q.page, pageSize: q.pageSize };
    }
    const rows = await this.db.select().from(users).where(where).orderBy(...order).limit(q.pageSize).offset(offset);
    const total = await this.count(this.where(q, 'count'));
    return { users: rows.map(toAdminUserRow), total, page: q.page, pageSize: q.pageSize };
  }

  private async count(where: SQL | undefined, db: Db = this.db): Promise<number> {
    const [row] = await db.select({ n: count() }).from(users).where(where);
    return row!.n;
  }

  /**
   * The filter. For the page, `+deleted_at` keeps SQLite off the status index so it walks the sort
   * column's index and stops after one page (instead of sorting every match); the count without a
   * search reads only the covering status index; with a search, one pass over the table.
   */
  private where(q: UserListQuery, use: 'page' | 'count'): SQL | undefined {
    const viaIndex = use === 'count' && !q.q;
    const conds: (SQL | undefined)[] = [viaIndex ? isNull(users.deletedAt) : sql`${adminSql(this.db).unindexed(users.deletedAt)} IS NULL`];
    if (q.q) {
      const pattern = containsPattern(q.q.toLowerCase());
      conds.push(or(sql`${users.usernameKey} LIKE ${pattern} ESCAPE '\\'`, sql`lower(${users.displayName}) LIKE ${pattern} ESCAPE '\\'`));
    }
    if (q.filter === 'active') conds.push(eq(users.disabled, false));
    if (q.filter === 'disabled') conds.push(eq(users.disabled, true));
    if (q.filter === 'admins') conds.push(eq(users.isAdmin, true));
    if (q.filter === 'bots') conds.push(eq(users.isBot, true));
    if (q.filter === 'new') conds.push(gt(users.createdAt, this.now() - WEEK_MS));
    return and(...conds);
  }

  /** A listed (not deleted) user, or NOT_FOUND. */
  async get(userId: number, db: Db = this.db): Promise<UserRow> {
    const [u] = await db.select().from(users).where(and(eq(users.id, userId), isNull(users.deletedAt))).limit(1);
    if (!u) throw new AppError('NOT_FOUND', 'No such user.');
    return u;
  }

  async findByUsername(username: string): Promise<UserRow | undefined> {
    const [u] = await this.db.select().from(users).where(and(eq(users.usernameKey, username.toLowerCase()), isNull(users.deletedAt))).limit(1);
    return u;
  }

  async detail(userId: number, currentSessionId: string | null): Promise<AdminUserDetail> {
    const u = await this.get(userId);
    const now = this.now();
    const memberships = await this.db
      .select({ id: rooms.id, name: rooms.name, role: roomMembers.role, joinedAt: roomMembers.joinedAt, closedAt: rooms.closedAt })
      .from(roomMembers)
      .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
      .where(eq(roomMembers.userId, userId))
      .orderBy(desc(roomMembers.joinedAt));
    const live = await this.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
      .orderBy(desc(sessions.lastSeenAt))
      .limit(50);
    const recent = await this.db
      .select({ id: messages.id, roomId: messages.roomId, roomName: rooms.name, text: messages.text, createdAt: messages.createdAt })
      .from(messages)
      .innerJoin(rooms, eq(rooms.id, messages.roomId))
      .where(and(eq(messages.userId, userId), isNull(messages.deletedAt)))
      .orderBy(desc(messages.id))
      .limit(10);
    const [{ n: messageCount }] = (await this.db.select({ n: count() }).from(messages).where(and(eq(messages.userId, userId), isNull(messages.deletedAt)))) as [{ n: number }];
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
  private otherActiveAdmins(userId: number, db: Db): Promise<number> {
    return this.count(and(eq(users.isAdmin, true), eq(users.disabled, false), isNull(users.deletedAt), sql`${users.id} <> ${userId}`), db);
  }

  /** The instance must keep one enabled admin: refuses to demote, disable or delete the last one. */
  private async assertNotLastAdmin(u: UserRow, what: string, db: Db): Promise<void> {
    if (u.isAdmin && !u.disabled && (await this.otherActiveAdmins(u.id, db)) === 0) {
      throw new AppError('LAST_ADMIN', `This is the last admin: make someone else an admin before you ${what}.`);
    }
  }

  /** Grants or revokes instance admin; returns the updated row, or null when nothing changed. */
  setAdmin(userId: number, isAdmin: boolean): Promise<UserRow | null> {
    return transaction(this.db, async (tx) => {
      const u = await this.get(userId, tx);
      if (u.isAdmin === isAdmin) return null;
      if (!isAdmin) await this.assertNotLastAdmin(u, 'remove their admin rights', tx);
      const [row] = await tx.update(users).set({ isAdmin }).where(eq(users.id, userId)).returning();
      return row!;
    });
  }

  /**
   * Disables (ending every session; the caller drops the live sockets) or enables an account.
   * Returns the updated row and the ids of the ended sessions, or null when nothing changed.
   */
  setDisabled(userId: number, disabled: boolean): Promise<{ user: UserRow; endedSessions: string[] } | null> {
    return transaction(this.db, async (tx) => {
      const u = await this.get(userId, tx);
      if (u.disabled === disabled) return null;
      if (disabled) await this.assertNotLastAdmin(u, 'disable them', tx);
      const [user] = await tx.update(users).set({ disabled }).where(eq(users.id, userId)).returning();
      const endedSessions = disabled ? await this.endSessions(userId, tx) : [];
      return { user: user!, endedSessions };
    });
  }

  async endSessions(userId: number, db: Db = this.db): Promise<string[]> {
    return (await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id })).map((r) => r.id);
  }

  /** Checks the account may be deleted (not the last admin); throws LAST_ADMIN or NOT_FOUND. */
  async assertDeletable(userId: number, db: Db = this.db): Promise<UserRow> {
    const u = await this.get(userId, db);
    await this.assertNotLastAdmin(u, 'delete them', db);
    return u;
  }

  /**
   * Turns the account into an anonymous tombstone: the row stays (messages, games and bans keep a
   * valid author and show "Deleted user"), everything that identifies or signs the person in goes.
   * Room memberships and owned rooms are handled before this by the rooms service.
   */
  async anonymize(userId: number): Promise<void> {
    await transaction(this.db, async (tx) => {
      const u = await this.assertDeletable(userId, tx);
      const tomb = `deleted-${u.id}`;
      await tx
        .update(users)
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
        .where(eq(users.id, userId));
      await tx.delete(sessions).where(eq(sessions.userId, userId));
      await tx.delete(passwordResets).where(eq(passwordResets.userId, userId));
      await tx.delete(musicAccounts).where(eq(musicAccounts.userId, userId));
      await tx.delete(alarms).where(eq(alarms.userId, userId));
      await tx.delete(todos).where(and(eq(todos.ownerId, userId), isNull(todos.roomId)));
    });
  }

  /** Rooms where the user has messages that are not deleted (for a purge). */
  async roomsWithMessagesOf(userId: number): Promise<number[]> {
    return (await this.db.selectDistinct({ roomId: messages.roomId }).from(messages).where(and(eq(messages.userId, userId), isNull(messages.deletedAt)))).map((r) => r.roomId);
  }

  adminUsernames(): Promise<{ id: number; username: string; disabled: boolean }[]> {
    return this.db
      .select({ id: users.id, username: users.username, disabled: users.disabled })
      .from(users)
      .where(and(eq(users.isAdmin, true), isNull(users.deletedAt)))
      .orderBy(asc(users.id));
  }
}
