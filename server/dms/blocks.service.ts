import { and, desc, eq, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first, one } from '../../db/query.js';
import { affectedRows } from '../../db/tx.js';
import { userBlocks, users } from '../../db/schema/index.js';
import type { BlockedUser } from '../../protocol/dms.js';
import { toPublicUser } from '../auth/auth.service.js';
import { AppError } from '../plugins/errors.js';

/**
 * Blocks between users. A block in either direction stops a 1:1 conversation and keeps either
 * from adding the other to a group DM; the blocker no longer sees the 1:1 in their list (ADR 0011).
 */
export class BlocksService {
  constructor(private readonly db: Db) {}

  /** Who blocked whom between `a` and `b`: the ids of the blockers (empty: no block). */
  async blockersBetween(a: number, b: number): Promise<number[]> {
    const rows = await this.db
      .select({ blockerId: userBlocks.blockerId })
      .from(userBlocks)
      .where(or(and(eq(userBlocks.blockerId, a), eq(userBlocks.blockedId, b)), and(eq(userBlocks.blockerId, b), eq(userBlocks.blockedId, a))));
    return rows.map((r) => r.blockerId);
  }

  /** BLOCKED when either of the two blocked the other, worded for `actorId`. */
  async assertNotBlocked(actorId: number, otherId: number): Promise<void> {
    const blockers = await this.blockersBetween(actorId, otherId);
    if (blockers.includes(actorId)) throw new AppError('BLOCKED', 'You blocked this person: unblock them to message them.');
    if (blockers.length) throw new AppError('BLOCKED', 'This person does not accept messages from you.');
  }

  async block(blockerId: number, targetId: number): Promise<BlockedUser> {
    if (blockerId === targetId) throw new AppError('CONFLICT', 'You cannot block yourself.');
    const target = await first(this.db.select().from(users).where(eq(users.id, targetId)).limit(1));
    if (!target) throw new AppError('NOT_FOUND', 'No such user.');
    const now = Date.now();
    await this.db.insert(userBlocks).values({ blockerId, blockedId: targetId, createdAt: now }).onConflictDoNothing();
    const row = await one(
      this.db
        .select({ createdAt: userBlocks.createdAt })
        .from(userBlocks)
        .where(and(eq(userBlocks.blockerId, blockerId), eq(userBlocks.blockedId, targetId)))
        .limit(1),
    );
    return { ...toPublicUser(target), blockedAt: row.createdAt };
  }

  /** Returns whether a block was lifted. */
  async unblock(blockerId: number, targetId: number): Promise<boolean> {
    return affectedRows(await this.db.delete(userBlocks).where(and(eq(userBlocks.blockerId, blockerId), eq(userBlocks.blockedId, targetId)))) > 0;
  }

  /** The people `blockerId` blocked, latest first. */
  async list(blockerId: number): Promise<BlockedUser[]> {
    const rows = await this.db
      .select({ u: users, at: userBlocks.createdAt })
      .from(userBlocks)
      .innerJoin(users, eq(users.id, userBlocks.blockedId))
      .where(eq(userBlocks.blockerId, blockerId))
      .orderBy(desc(userBlocks.createdAt));
    return rows.map(({ u, at }) => ({ ...toPublicUser(u), blockedAt: at }));
  }

  /** Ids of everyone `blockerId` blocked. */
  async blockedBy(blockerId: number): Promise<Set<number>> {
    const rows = await this.db.select({ id: userBlocks.blockedId }).from(userBlocks).where(eq(userBlocks.blockerId, blockerId));
    return new Set(rows.map((r) => r.id));
  }
}
