import { and, desc, eq, gte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first, one } from '../../db/query.js';
import { goals } from '../../db/schema/index.js';
import type { Goal, TimerView } from '../../protocol/study.js';
import { AppError } from '../plugins/errors.js';
import type { RoomEvents } from '../rooms/room-events.js';

type GoalRow = typeof goals.$inferSelect;
const toGoal = ({ createdAt: _c, ...g }: GoalRow): Goal => g;
/** Goals of a focus phase stay visible through the following break. */
const GOAL_VISIBLE_MS = 3 * 3_600_000;

/** Session goals: one per member per focus phase, stated when it starts, checked at its end. */
export class GoalsService {
  constructor(
    private readonly db: Db,
    private readonly events: RoomEvents,
  ) {}

  /** Goals of the room's latest focus phase (if recent). */
  async current(roomId: number, now = Date.now()): Promise<Goal[]> {
    const latest = (await first(this.db
      .select({ at: goals.phaseStartedAt })
      .from(goals)
      .where(and(eq(goals.roomId, roomId), gte(goals.phaseStartedAt, now - GOAL_VISIBLE_MS)))
      .orderBy(desc(goals.phaseStartedAt))
      .limit(1)));
    if (!latest) return [];
    return (await this.db.select().from(goals).where(and(eq(goals.roomId, roomId), eq(goals.phaseStartedAt, latest.at)))).map(toGoal);
  }

  /** States (or restates) the caller's goal for the focus phase under way. */
  async set(roomId: number, userId: number, text: string, timer: TimerView): Promise<Goal> {
    if (timer.phase !== 'focus' || timer.phaseStartedAt === null) throw new AppError('CONFLICT', 'Goals are set when a focus phase starts.');
    const existing = (await first(this.db
      .select()
      .from(goals)
      .where(and(eq(goals.roomId, roomId), eq(goals.userId, userId), eq(goals.phaseStartedAt, timer.phaseStartedAt)))));
    const row = existing
      ? (await one(this.db.update(goals).set({ text }).where(eq(goals.id, existing.id)).returning()))
      : (await one(this.db.insert(goals).values({ roomId, userId, phaseStartedAt: timer.phaseStartedAt, text, createdAt: Date.now() }).returning()));
    const goal = toGoal(row);
    await this.events.broadcast(roomId, 'goal:updated', { goal });
    return goal;
  }

  async check(roomId: number, userId: number, goalId: number, done: boolean): Promise<Goal> {
    const row = (await first(this.db.select().from(goals).where(and(eq(goals.id, goalId), eq(goals.roomId, roomId)))));
    if (!row || row.userId !== userId) throw new AppError('NOT_FOUND', 'No such goal of yours.');
    const goal = toGoal((await one(this.db.update(goals).set({ done }).where(eq(goals.id, goalId)).returning())));
    await this.events.broadcast(roomId, 'goal:updated', { goal });
    return goal;
  }
}
