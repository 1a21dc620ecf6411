import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { userBlocks, users } from '../../db/schema/index.js';
import type { BlockedUser } from '../../protocol/dms.js';
import { toPublicUser } from '../auth/auth.service.js';
import { AppError } from '../plugins/errors.js';

/**
 * Blocks between users. A block in either direction stops a 1:1 conversation and keeps either
 * from adding the other to a group DM; the blocker no longer sees the 1:1 in their list (ADR 0011).
 */
export class BlocksService {
  private readonly eitherQuery;

  constructor(private readonly db: Db) {
    this.eitherQuery = db.$client.prepare<[number, number, number, number], { blockerId: number }>(
      'SELECT blocker_id AS blockerId FROM user_blocks WHERE (blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?)',
    );
  }

  /** Who blocked whom between `a` and `b`: the ids of the blockers (empty: no block). */
  blockersBetween(a: number, b: number): number[] {
    return this.eitherQuery.all(a, b, b, a).map((r) => r.blockerId);
  }

  /** BLOCKED when either of the two blocked the other, worded for `actorId`. */
  assertNotBlocked(actorId: number, otherId: number): void {
    const blockers = this.blockersBetween(actorId, otherId);
    if (blockers.includes(actorId)) throw new AppError('BLOCKED', 'You blocked this person: unblock them to message them.');
    if (blockers.length) throw new AppError('BLOCKED', 'This person does not accept messages from you.');
  }

  block(blockerId: number, targetId: number): BlockedUser {
    if (blockerId === targetId) throw new AppError('CONFLICT', 'You cannot block yourself.');
    const target = this.db.select().from(users).where(eq(users.id, targetId)).get();
    if (!target) throw new AppError('NOT_FOUND', 'No such user.');
    const now = Date.now();
    this.db.insert(userBlocks).values({ blockerId, blockedId: targetId, createdAt: now }).onConflictDoNothing().run();
    const row = this.db
      .select({ createdAt: userBlocks.createdAt })
      .from(userBlocks)
      .where(and(eq(userBlocks.blockerId, blockerId), eq(userBlocks.blockedId, targetId)))
      .get()!;
    return { ...toPublicUser(target), blockedAt: row.createdAt };
  }

  /** Returns whether a block was lifted. */
  unblock(blockerId: number, targetId: number): boolean {
    return this.db.delete(userBlocks).where(and(eq(userBlocks.blockerId, blockerId), eq(userBlocks.blockedId, targetId))).run().changes > 0;
  }

  /** The people `blockerId` blocked, latest first. */
  list(blockerId: number): BlockedUser[] {
    return this.db
      .select({ u: users, at: userBlocks.createdAt })
      .from(userBlocks)
      .innerJoin(users, eq(users.id, userBlocks.blockedId))
      .where(eq(userBlocks.blockerId, blockerId))
      .orderBy(desc(userBlocks.createdAt))
      .all()
      .map(({ u, at }) => ({ ...toPublicUser(u), blockedAt: at }));
  }

  /** Ids of everyone `blockerId` blocked. */
  blockedBy(blockerId: number): Set<number> {
    return new Set(
      this.db
        .select({ id: userBlocks.blockedId })
        .from(userBlocks)
        .where(eq(userBlocks.blockerId, blockerId))
        .all()
        .map((r) => r.id),
    );
  }
}
