import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { focusSpans, roomMembers, users } from '../../db/schema/index.js';
import type { FocusSummaryView, Leaderboard } from '../../protocol/study.js';
import { toPublicUser } from '../auth/auth.service.js';
import type { SpanSink } from './focus-tracker.js';
import { summarize } from './focus-stats.js';
import { localDay, weekStart, zonedInstant } from './local-time.js';

/** Stores focus spans and answers statistics questions about them. */
export class StatsService implements SpanSink {
  constructor(
    private readonly db: Db,
    // Read at call time (not a reference to Date.now taken at start): a test that fakes Date sees its clock here too.
    private readonly now: () => number = () => Date.now(),
  ) {}

  async write(userId: number, roomId: number, startedAt: number, endedAt: number): Promise<void> {
    await this.db.insert(focusSpans).values({ userId, roomId, startedAt, endedAt });
  }

  async summary(userId: number, timeZone: string): Promise<FocusSummaryView> {
    const spans = (await this.db.select({ startedAt: focusSpans.startedAt, endedAt: focusSpans.endedAt }).from(focusSpans).where(eq(focusSpans.userId, userId)));
    return { ...summarize(spans, timeZone, this.now()), timeZone };
  }

  /** Room leaderboard; "today" and "week" start at the viewer's local midnight / Monday. */
  async leaderboard(roomId: number, range: Leaderboard['range'], viewerTz: string): Promise<Leaderboard> {
    const now = this.now();
    let from = 0;
    if (range !== 'all') {
      const today = localDay(now, viewerTz);
      const day = range === 'today' ? today : weekStart(today);
      const [y, m, d] = day.split('-').map(Number) as [number, number, number];
      from = zonedInstant(y, m, d, 0, 0, viewerTz);
    }
    // Each span counts from `from` on. Dialect-neutral: scalar max(a, b) is SQLite-only (greatest()
    // on PostgreSQL), so CASE; the WHERE keeps only spans ending at or after `from`.
    const start = sql`CASE WHEN ${focusSpans.startedAt} > ${from} THEN ${focusSpans.startedAt} ELSE ${from} END`;
    const clipped = sql<number>`coalesce(sum(CASE WHEN ${focusSpans.endedAt} > ${start} THEN ${focusSpans.endedAt} - ${start} ELSE 0 END), 0)`.mapWith(Number);
    const rows = (await this.db
      .select({ user: users, ms: clipped })
      .from(focusSpans)
      .innerJoin(users, eq(users.id, focusSpans.userId))
      .innerJoin(roomMembers, and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, focusSpans.userId)))
      .where(and(eq(focusSpans.roomId, roomId), gte(focusSpans.endedAt, from)))
      // users.id, not focus_spans.user_id: PostgreSQL accepts users.* in the select only when grouped by its key.
      .groupBy(users.id));
    const entries = rows
      .map((r) => ({ user: toPublicUser(r.user), minutes: Math.floor(r.ms / 60_000) }))
      .filter((e) => e.minutes > 0)
      .sort((a, b) => b.minutes - a.minutes || a.user.displayName.localeCompare(b.user.displayName))
      .slice(0, 50);
    return { range, entries };
  }
}
