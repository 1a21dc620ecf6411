import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { affectedRows, transaction } from '../../db/tx.js';
import { passwordResets, sessions, users } from '../../db/schema/index.js';
import { RESET_LINK_TTL_MS } from '../../protocol/admin-constants.js';
import { hashSecret } from '../auth/password.js';
import { AppError } from '../plugins/errors.js';

const sha256 = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The page a reset link opens; the token rides in the fragment so it never reaches logs or Referer. */
export const resetLinkUrl = (baseUrl: string, token: string) => `${baseUrl.replace(/\/$/, '')}/reset-password#${token}`;

/**
 * One-time password-reset links: an admin (or the CLI) makes one for a user; whoever opens it sets
 * a new password once before it expires. Only the token's SHA-256 is stored (32 random bytes need
 * no slow hash). Making a new link voids the user's earlier unused ones.
 */
export class PasswordResets {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async create(userId: number, createdBy: number | null, ttlMs = RESET_LINK_TTL_MS): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = now + ttlMs;
    await transaction(this.db, async (tx) => {
      await tx.update(passwordResets).set({ usedAt: now }).where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
      await tx.insert(passwordResets).values({ tokenHash: sha256(token), userId, createdBy, createdAt: now, expiresAt });
    });
    return { token, expiresAt };
  }

  /** The account a live link resets, or RESET_LINK_INVALID (unknown, used, expired, account gone). */
  async inspect(token: string): Promise<{ id: number; userId: number; username: string; expiresAt: number }> {
    const [row] = await this.db
      .select({ id: passwordResets.id, userId: users.id, username: users.username, expiresAt: passwordResets.expiresAt })
      .from(passwordResets)
      .innerJoin(users, eq(users.id, passwordResets.userId))
      .where(and(eq(passwordResets.tokenHash, sha256(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, this.now()), isNull(users.deletedAt)))
      .limit(1);
    if (!row) throw new AppError('RESET_LINK_INVALID', 'This password-reset link is invalid, used or expired.');
    return row;
  }

  /**
   * Sets the new password and spends the link (single use, also under concurrent submits: the
   * `used_at IS NULL` update decides), ending every session of the account. Returns the user id
   * and the ended session ids so live sockets can be dropped.
   */
  async consume(token: string, newPassword: string): Promise<{ userId: number; username: string; endedSessions: string[] }> {
    const link = await this.inspect(token);
    const passwordHash = await hashSecret(newPassword);
    return transaction(this.db, async (tx) => {
      const spent = affectedRows(
        await tx
          .update(passwordResets)
          .set({ usedAt: this.now() })
          .where(and(eq(passwordResets.id, link.id), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, this.now()))),
      );
      if (!spent) throw new AppError('RESET_LINK_INVALID', 'This password-reset link is invalid, used or expired.');
      await tx.update(users).set({ passwordHash }).where(eq(users.id, link.userId));
      const endedSessions = (await tx.delete(sessions).where(eq(sessions.userId, link.userId)).returning({ id: sessions.id })).map((r) => r.id);
      return { userId: link.userId, username: link.username, endedSessions };
    });
  }
}
