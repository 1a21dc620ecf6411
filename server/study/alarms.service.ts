import { and, asc, eq, isNotNull, lte } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { first, one } from '../../db/query.js';
import { affectedRows } from '../../db/tx.js';
import { alarms, users } from '../../db/schema/index.js';
import type { Alarm, alarmCreateSchema } from '../../protocol/study.js';
import { AppError } from '../plugins/errors.js';
import { nextClockFire } from './alarms.js';

type AlarmRow = typeof alarms.$inferSelect;
const MAX_ALARMS_PER_USER = 50;
/** Alarms that came due while the server was down still fire if they are at most this late. */
const LATE_FIRE_GRACE_MS = 6 * 3_600_000;

const toAlarm = ({ userId: _u, ...a }: AlarmRow): Alarm => a;

/**
 * Personal timers and alarms. The next fire instant is stored, so they survive reloads and
 * restarts; one timeout is armed for the earliest one and re-armed after each change.
 */
export class AlarmsService {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Where a failed timeout-driven check is reported (nobody awaits it). */
  onError: (err: unknown) => void = (err) => process.emitWarning(`alarm check failed: ${(err as Error).message}`);

  constructor(
    private readonly db: Db,
    private readonly fired: (userId: number, alarm: Alarm, firedAt: number) => void | Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  async list(userId: number): Promise<Alarm[]> {
    return (await this.db.select().from(alarms).where(eq(alarms.userId, userId)).orderBy(asc(alarms.nextFireAt), asc(alarms.id))).map(toAlarm);
  }

  async create(userId: number, input: z.output<typeof alarmCreateSchema>): Promise<Alarm> {
    const count = (await this.db.select({ id: alarms.id }).from(alarms).where(eq(alarms.userId, userId))).length;
    if (count >= MAX_ALARMS_PER_USER) throw new AppError('CONFLICT', 'You have too many alarms.');
    const tz = (await one(this.db.select({ tz: users.timeZone }).from(users).where(eq(users.id, userId)))).tz;
    const now = this.now();
    const base = { userId, label: input.label, timeZone: tz, createdAt: now };
    const values =
      input.kind === 'countdown'
        ? { ...base, kind: 'countdown' as const, repeat: 'none' as const, nextFireAt: now + Math.round(input.minutes * 60_000) }
        : { ...base, kind: 'clock' as const, hour: input.hour, minute: input.minute, repeat: input.repeat, nextFireAt: nextClockFire(input.hour, input.minute, input.repeat, tz, now) };
    const row = (await one(this.db.insert(alarms).values(values).returning()));
    await this.arm();
    return toAlarm(row);
  }

  async remove(userId: number, alarmId: number): Promise<void> {
    const gone = affectedRows(await this.db.delete(alarms).where(and(eq(alarms.id, alarmId), eq(alarms.userId, userId))));
    if (!gone) throw new AppError('NOT_FOUND', 'No such alarm.');
    await this.arm();
  }

  /**
   * A device of the owner rang the fire at `firedAt` or showed it as missed: the others need not
   * announce it. Moves forward only, and never past the present.
   */
  async seen(userId: number, alarmId: number, firedAt: number): Promise<Alarm> {
    const row = (await first(this.db.select().from(alarms).where(and(eq(alarms.id, alarmId), eq(alarms.userId, userId)))));
    if (!row) throw new AppError('NOT_FOUND', 'No such alarm.');
    const at = Math.min(firedAt, this.now());
    if (row.seenAt !== null && row.seenAt >= at) return toAlarm(row);
    return toAlarm((await one(this.db.update(alarms).set({ seenAt: at }).where(eq(alarms.id, alarmId)).returning())));
  }

  /** Fires every due alarm, moves repeating ones to their next time, and re-arms. */
  async fireDue(): Promise<number> {
    const now = this.now();
    const due = (await this.db.select().from(alarms).where(and(isNotNull(alarms.nextFireAt), lte(alarms.nextFireAt, now))));
    for (const a of due) {
      const next = a.kind === 'clock' && a.repeat !== 'none' ? nextClockFire(a.hour!, a.minute!, a.repeat, a.timeZone, now) : null;
      // Claimed on the instant it was due: with several nodes sharing the database only one fires it.
      const row = (await first(this.db.update(alarms).set({ nextFireAt: next, lastFiredAt: now }).where(and(eq(alarms.id, a.id), eq(alarms.nextFireAt, a.nextFireAt!))).returning()));
      if (!row) continue;
      if (now - a.nextFireAt! <= LATE_FIRE_GRACE_MS) await this.fired(a.userId, toAlarm(row), now);
    }
    await this.arm();
    return due.length;
  }

  /** Arms one timeout for the earliest pending alarm. */
  async arm(): Promise<void> {
    const next = await first(this.db.select({ at: alarms.nextFireAt }).from(alarms).where(isNotNull(alarms.nextFireAt)).orderBy(asc(alarms.nextFireAt)).limit(1));
    // Cleared after the query: of two overlapping arms, the last one's timeout is the only one.
    clearTimeout(this.timer);
    if (!next?.at || this.stopped) return;
    // Re-check at least hourly: long timeouts drift and setTimeout caps near 24.8 days.
    const delay = Math.min(Math.max(0, next.at - this.now()), 3_600_000);
    this.timer = setTimeout(() => void this.fireDue().catch((err: unknown) => this.onError(err)), delay);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
