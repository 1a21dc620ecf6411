import { and, desc, eq, gte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
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
  current(roomId: number, now = Date.now()): Goal[] {
    const latest = this.db
      .select({ at: goals.phaseStartedAt })
      .from(goals)
      .where(and(eq(goals.roomId, roomId), gte(goals.phaseStartedAt, now - GOAL_VISIBLE_MS)))
      .orderBy(desc(goals.phaseStartedAt))
      .limit(1)
      .get();
    if (!latest) return [];
    return this.db.select().from(goals).where(and(eq(goals.roomId, roomId), eq(goals.phaseStartedAt, latest.at))).all().map(toGoal);
  }

  /** States (or restates) the caller's goal for the focus phase under way. */
  set(roomId: number, userId: number, text: string, timer: TimerView): Goal {
    if (timer.phase !== 'focus' || timer.phaseStartedAt === null) throw new AppError('CONFLICT', 'Goals are set when a focus phase starts.');
    const existing = this.db
      .select()
      .from(goals)
      .where(and(eq(goals.roomId, roomId), eq(goals.userId, userId), eq(goals.phaseStartedAt, timer.phaseStartedAt)))
      .get();
    const row = existing
      ? this.db.update(goals).set({ text }).where(eq(goals.id, existing.id)).returning().get()!
      : this.db.insert(goals).values({ roomId, userId, phaseStartedAt: timer.phaseStartedAt, text, createdAt: Date.now() }).returning().get();
    const goal = toGoal(row);
    this.events.broadcast(roomId, 'goal:updated', { goal });
    return goal;
  }

  check(roomId: number, userId: number, goalId: number, done: boolean): Goal {
    const row = this.db.select().from(goals).where(and(eq(goals.id, goalId), eq(goals.roomId, roomId))).get();
    if (!row || row.userId !== userId) throw new AppError('NOT_FOUND', 'No such goal of yours.');
    const goal = toGoal(this.db.update(goals).set({ done }).where(eq(goals.id, goalId)).returning().get()!);
    this.events.broadcast(roomId, 'goal:updated', { goal });
    return goal;
  }
}
