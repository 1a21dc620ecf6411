import { createHmac, randomBytes } from 'node:crypto';
import { and, count, eq, gt, lt, ne } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first, one } from '../../db/query.js';
import { affectedRows, transaction } from '../../db/tx.js';
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
const PUBLIC_USER_TTL_MS = 60_000;
const PUBLIC_USER_CACHE_MAX = 100_000;

export class AuthService {
  private readonly publicUsers = new Map<number, { user: PublicUser; at: number }>();
  private userGen = 0;
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
    /** Runs inside the insert's transaction (`tx`): the instance's registration rules (may throw, may consume an invite). */
    admit: (isFirst: boolean, tx: Db) => void | Promise<void> = () => {},
  ) {
    const key = username.toLowerCase();
    if (await first(this.db.select({ id: users.id }).from(users).where(eq(users.usernameKey, key)).limit(1))) {
      throw new AppError('USERNAME_TAKEN', 'That username is taken.');
    }
    const passwordHash = await hashSecret(password);
    const now = Date.now();
    const user = await transaction(this.db, async (tx) => {
      if (await first(tx.select({ id: users.id }).from(users).where(eq(users.usernameKey, key)).limit(1))) {
        throw new AppError('USERNAME_TAKEN', 'That username is taken.');
      }
      const isFirst = !(await first(tx.select({ id: users.id }).from(users).limit(1)));
      if (isFirst && !meta.local) {
        throw new AppError('FORBIDDEN', 'The first account (the admin) can only be created on the server itself: open it at http://localhost:<port>.');
      }
      await admit(isFirst, tx);
      const [row] = await tx
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
        .returning();
      return row!;
    });
    return { user, token: await this.createSession(user.id, meta) };
  }

  async login(username: string, password: string, meta: { ip: string; userAgent: string }) {
    const user = await first(this.db.select().from(users).where(eq(users.usernameKey, username.toLowerCase())).limit(1));
    const ok = user ? await verifySecret(user.passwordHash, password) : await verifyAgainstDummy(password);
    if (!user || !ok || user.disabled) throw new AppError('INVALID_CREDENTIALS', 'Wrong username or password.');
    await this.db.update(users).set({ lastSeenAt: Date.now() }).where(eq(users.id, user.id));
    return { user, token: await this.createSession(user.id, meta) };
  }

  private async createSession(userId: number, meta: { ip: string; userAgent: string }): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.db
      .insert(sessions)
      .values({
        id: this.sessionIdFor(token),
        userId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + this.ttlMs,
        ip: meta.ip,
        userAgent: meta.userAgent.slice(0, 200),
      });
    return token;
  }

  /**
   * The live session for a cookie token. At most once a minute per session it slides the expiry
   * and records last-seen time and address (session and user), so reads stay write-free.
   */
  async resolve(token: string | undefined, ip?: string): Promise<SessionInfo | null> {
    if (!token || token.length > 100) return null;
    const id = this.sessionIdFor(token);
    const now = Date.now();
    const row = await first(
      this.db
        .select({ s: sessions, u: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now)))
        .limit(1),
    );
    if (!row || row.u.disabled) return null;
    if (now - row.s.lastSeenAt > 60_000) {
      await transaction(this.db, async (tx) => {
        await tx.update(sessions).set({ lastSeenAt: now, expiresAt: now + this.ttlMs, ...(ip ? { ip } : {}) }).where(eq(sessions.id, id));
        await tx.update(users).set({ lastSeenAt: now }).where(eq(users.id, row.u.id));
      });
    }
    return { sessionId: id, user: row.u };
  }

  /** Is this session still valid? Used to re-check sockets that recover after a disconnect. */
  async isSessionLive(sessionId: string): Promise<boolean> {
    return !!(await first(
      this.db
        .select({ id: sessions.id })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, Date.now()), eq(users.disabled, false)))
        .limit(1),
    ));
  }

  /** Does this address hold a live session of the account (one of the owner's usual devices)? */
  async hasLiveSessionFrom(usernameKey: string, ip: string): Promise<boolean> {
    return !!(await first(
      this.db
        .select({ id: sessions.id })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(users.usernameKey, usernameKey), eq(sessions.ip, ip), gt(sessions.expiresAt, Date.now())))
        .limit(1),
    ));
  }

  async revokeSession(sessionId: string): Promise<void> {
    await this.db.delete(sessions).where(eq(sessions.id, sessionId));
  }

  /**
   * Changes the password after checking the current one, and revokes every other session of the
   * user (returned so their live sockets can be dropped); `keepSessionId` stays signed in.
   */
  async changePassword(userId: number, currentPassword: string, newPassword: string, keepSessionId: string): Promise<string[]> {
    const user = await first(this.db.select().from(users).where(eq(users.id, userId)).limit(1));
    if (!user || !(await verifySecret(user.passwordHash, currentPassword))) {
      throw new AppError('WRONG_PASSWORD', 'Your current password is not right.');
    }
    const passwordHash = await hashSecret(newPassword);
    return transaction(this.db, async (tx) => {
      await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
      const gone = await tx
        .delete(sessions)
        .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)))
        .returning({ id: sessions.id });
      return gone.map((r) => r.id);
    });
  }

  /** Revokes every session of a user; returns their ids so live sockets can be dropped. */
  async revokeAll(userId: number): Promise<string[]> {
    const gone = await this.db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
    return gone.map((r) => r.id);
  }

  async updateProfile(userId: number, patch: Partial<Pick<UserRow, 'displayName' | 'avatarColor' | 'timeZone' | 'statusLine'>>): Promise<UserRow> {
    if (Object.keys(patch).length === 0) return (await one(this.db.select().from(users).where(eq(users.id, userId)).limit(1)));
    const row = await one(this.db.update(users).set(patch).where(eq(users.id, userId)).returning());
    this.userChanged(userId);
    return row;
  }

  /**
   * A user's public card (name, colour, status line), read for every chat message and typing
   * indicator: cached, forgotten when the profile changes here or (several nodes) on another node,
   * and at most PUBLIC_USER_TTL_MS old (the admin CLI writes from another process). ADR 0022.
   */
  async publicUser(userId: number): Promise<PublicUser> {
    const now = Date.now();
    const hit = this.publicUsers.get(userId);
    if (hit && now - hit.at < PUBLIC_USER_TTL_MS) return hit.user;
    const gen = this.userGen;
    const user = toPublicUser(await one(this.db.select().from(users).where(eq(users.id, userId)).limit(1)));
    if (gen === this.userGen) {
      if (this.publicUsers.size >= PUBLIC_USER_CACHE_MAX) this.publicUsers.delete(this.publicUsers.keys().next().value!);
      this.publicUsers.set(userId, { user, at: now });
    }
    return user;
  }

  /** Forgets a cached public card (its row changed). */
  forgetUser(userId: number): void {
    this.userGen++;
    this.publicUsers.delete(userId);
  }

  /** Told when a user's row changed here (set by the auth plugin: tells the other nodes). */
  onUserChanged: (userId: number) => void = () => {};

  /** Call after any write to a user's public fields (profile, anonymize). */
  userChanged(userId: number): void {
    this.forgetUser(userId);
    this.onUserChanged(userId);
  }

  async purgeExpired(): Promise<number> {
    return affectedRows(await this.db.delete(sessions).where(lt(sessions.expiresAt, Date.now())));
  }

  async userCount(): Promise<number> {
    return (await one(this.db.select({ n: count() }).from(users))).n;
  }
}
