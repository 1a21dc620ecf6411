import { createHmac, randomBytes } from 'node:crypto';
import { and, eq, gt, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { sessions, users } from '../../db/schema/index.js';
import type { Me, PublicUser } from '../../protocol/users.js';
import { AppError } from '../plugins/errors.js';
import { hashSecret, verifyAgainstDummy, verifySecret } from './password.js';

export type UserRow = typeof users.$inferSelect;

export interface SessionInfo {
  sessionId: string;
  user: UserRow;
}

const AVATAR_COLORS = ['#e76f51', '#2a9d8f', '#e9c46a', '#264653', '#8e7dbe', '#f4a261', '#457b9d', '#d62828', '#52b788', '#6d597a'];

/** Pure: a stable colour for a new user's avatar. */
export function avatarColorFor(username: string): string {
  let h = 0;
  for (const ch of username.toLowerCase()) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return AVATAR_COLORS[h % AVATAR_COLORS.length]!;
}

export const toPublicUser = (u: UserRow): PublicUser => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  avatarColor: u.avatarColor,
  statusLine: u.statusLine,
  ...(u.isBot ? { isBot: true } : {}),
});

export const toMe = (u: UserRow): Me => ({ ...toPublicUser(u), timeZone: u.timeZone, isAdmin: u.isAdmin });

/** Accounts and server-side sessions. The cookie holds a random token; the table holds its HMAC. */
export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly secret: string,
    private readonly ttlMs: number,
  ) {}

  sessionIdFor(token: string): string {
    return createHmac('sha256', this.secret).update(token).digest('base64url');
  }

  /**
   * Creates an account; the very first one becomes the instance admin, and only a request from
   * the machine itself (`meta.local`) may create it, so nobody on the network (or a page using
   * DNS rebinding) claims a fresh instance first.
   */
  async register(
    username: string,
    password: string,
    meta: { ip: string; userAgent: string; local?: boolean },
    /** Runs inside the insert's transaction: the instance's registration rules (may throw, may consume an invite). */
    admit: (isFirst: boolean) => void = () => {},
  ) {
    const key = username.toLowerCase();
    if (this.db.select({ id: users.id }).from(users).where(eq(users.usernameKey, key)).get()) {
      throw new AppError('USERNAME_TAKEN', 'That username is taken.');
    }
    const passwordHash = await hashSecret(password);
    const now = Date.now();
    const user = this.db.transaction((tx) => {
      if (tx.select({ id: users.id }).from(users).where(eq(users.usernameKey, key)).get()) {
        throw new AppError('USERNAME_TAKEN', 'That username is taken.');
      }
      const isFirst = !tx.select({ id: users.id }).from(users).limit(1).get();
      if (isFirst && !meta.local) {
        throw new AppError('FORBIDDEN', 'The first account (the admin) can only be created on the server itself: open it at http://localhost:<port>.');
      }
      admit(isFirst);
      return tx
        .insert(users)
        .values({
          username,
          usernameKey: key,
          passwordHash,
          displayName: username,
          avatarColor: avatarColorFor(username),
          isAdmin: isFirst,
          createdAt: now,
          lastSeenAt: now,
        })
        .returning()
        .get();
    });
    return { user, token: this.createSession(user.id, meta) };
  }

  async login(username: string, password: string, meta: { ip: string; userAgent: string }) {
    const user = this.db.select().from(users).where(eq(users.usernameKey, username.toLowerCase())).get();
    const ok = user ? await verifySecret(user.passwordHash, password) : await verifyAgainstDummy(password);
    if (!user || !ok || user.disabled) throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password.');
    this.db.update(users).set({ lastSeenAt: Date.now() }).where(eq(users.id, user.id)).run();
    return { user, token: this.createSession(user.id, meta) };
  }

  private createSession(userId: number, meta: { ip: string; userAgent: string }): string {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    this.db
      .insert(sessions)
      .values({
        id: this.sessionIdFor(token),
        userId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + this.ttlMs,
        ip: meta.ip,
        userAgent: meta.userAgent.slice(0, 200),
      })
      .run();
    return token;
  }

  /**
   * The live session for a cookie token. At most once a minute per session it slides the expiry
   * and records last-seen time and address (session and user), so reads stay write-free.
   */
  resolve(token: string | undefined, ip?: string): SessionInfo | null {
    if (!token || token.length > 100) return null;
    const id = this.sessionIdFor(token);
    const now = Date.now();
    const row = this.db
      .select({ s: sessions, u: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now)))
      .get();
    if (!row || row.u.disabled) return null;
    if (now - row.s.lastSeenAt > 60_000) {
      this.db.transaction((tx) => {
        tx.update(sessions).set({ lastSeenAt: now, expiresAt: now + this.ttlMs, ...(ip ? { ip } : {}) }).where(eq(sessions.id, id)).run();
        tx.update(users).set({ lastSeenAt: now }).where(eq(users.id, row.u.id)).run();
      });
    }
    return { sessionId: id, user: row.u };
  }

  /** Is this session still valid? Used to re-check sockets that recover after a disconnect. */
  isSessionLive(sessionId: string): boolean {
    return !!this.db
      .select({ id: sessions.id })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, Date.now()), eq(users.disabled, false)))
      .get();
  }

  /** Does this address hold a live session of the account (one of the owner's usual devices)? */
  hasLiveSessionFrom(usernameKey: string, ip: string): boolean {
    return !!this.db
      .select({ id: sessions.id })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(users.usernameKey, usernameKey), eq(sessions.ip, ip), gt(sessions.expiresAt, Date.now())))
      .get();
  }

  revokeSession(sessionId: string): void {
    this.db.delete(sessions).where(eq(sessions.id, sessionId)).run();
  }

  /**
   * Changes the password after checking the current one, and revokes every other session of the
   * user (returned so their live sockets can be dropped); `keepSessionId` stays signed in.
   */
  async changePassword(userId: number, currentPassword: string, newPassword: string, keepSessionId: string): Promise<string[]> {
    const user = this.db.select().from(users).where(eq(users.id, userId)).get();
    if (!user || !(await verifySecret(user.passwordHash, currentPassword))) {
      throw new AppError('WRONG_PASSWORD', 'Your current password is not right.');
    }
    const passwordHash = await hashSecret(newPassword);
    return this.db.transaction((tx) => {
      tx.update(users).set({ passwordHash }).where(eq(users.id, userId)).run();
      return tx
        .delete(sessions)
        .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)))
        .returning({ id: sessions.id })
        .all()
        .map((r) => r.id);
    });
  }

  /** Revokes every session of a user; returns their ids so live sockets can be dropped. */
  revokeAll(userId: number): string[] {
    return this.db
      .delete(sessions)
      .where(eq(sessions.userId, userId))
      .returning({ id: sessions.id })
      .all()
      .map((r) => r.id);
  }

  updateProfile(userId: number, patch: Partial<Pick<UserRow, 'displayName' | 'avatarColor' | 'timeZone' | 'statusLine'>>): UserRow {
    if (Object.keys(patch).length === 0) return this.db.select().from(users).where(eq(users.id, userId)).get()!;
    return this.db.update(users).set(patch).where(eq(users.id, userId)).returning().get()!;
  }

  purgeExpired(): number {
    return this.db.delete(sessions).where(lt(sessions.expiresAt, Date.now())).run().changes;
  }

  userCount(): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(users).get()!.n;
  }
}
