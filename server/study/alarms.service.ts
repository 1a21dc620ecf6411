import { and, asc, eq, isNotNull, lte } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
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

  constructor(
    private readonly db: Db,
    private readonly fired: (userId: number, alarm: Alarm, firedAt: number) => void,
    private readonly now: () => number = Date.now,
  ) {}

  list(userId: number): Alarm[] {
    return this.db.select().from(alarms).where(eq(alarms.userId, userId)).orderBy(asc(alarms.nextFireAt), asc(alarms.id)).all().map(toAlarm);
  }

  create(userId: number, input: z.output<typeof alarmCreateSchema>): Alarm {
    const count = this.db.select({ id: alarms.id }).from(alarms).where(eq(alarms.userId, userId)).all().length;
    if (count >= MAX_ALARMS_PER_USER) throw new AppError('CONFLICT', 'You have too many alarms.');
    const tz = this.db.select({ tz: users.timeZone }).from(users).where(eq(users.id, userId)).get()!.tz;
    const now = this.now();
    const base = { userId, label: input.label, timeZone: tz, createdAt: now };
    const values =
      input.kind === 'countdown'
        ? { ...base, kind: 'countdown' as const, repeat: 'none' as const, nextFireAt: now + Math.round(input.minutes * 60_000) }
        : { ...base, kind: 'clock' as const, hour: input.hour, minute: input.minute, repeat: input.repeat, nextFireAt: nextClockFire(input.hour, input.minute, input.repeat, tz, now) };
    const row = this.db.insert(alarms).values(values).returning().get();
    this.arm();
    return toAlarm(row);
  }

  remove(userId: number, alarmId: number): void {
    const gone = this.db.delete(alarms).where(and(eq(alarms.id, alarmId), eq(alarms.userId, userId))).run().changes;
    if (!gone) throw new AppError('NOT_FOUND', 'No such alarm.');
    this.arm();
  }

  /**
   * A device of the owner rang the fire at `firedAt` or showed it as missed: the others need not
   * announce it. Moves forward only, and never past the present.
   */
  seen(userId: number, alarmId: number, firedAt: number): Alarm {
    const row = this.db.select().from(alarms).where(and(eq(alarms.id, alarmId), eq(alarms.userId, userId))).get();
    if (!row) throw new AppError('NOT_FOUND', 'No such alarm.');
    const at = Math.min(firedAt, this.now());
    if (row.seenAt !== null && row.seenAt >= at) return toAlarm(row);
    return toAlarm(this.db.update(alarms).set({ seenAt: at }).where(eq(alarms.id, alarmId)).returning().get()!);
  }

  /** Fires every due alarm, moves repeating ones to their next time, and re-arms. */
  fireDue(): number {
    const now = this.now();
    const due = this.db.select().from(alarms).where(and(isNotNull(alarms.nextFireAt), lte(alarms.nextFireAt, now))).all();
    for (const a of due) {
      const next = a.kind === 'clock' && a.repeat !== 'none' ? nextClockFire(a.hour!, a.minute!, a.repeat, a.timeZone, now) : null;
      // Claimed on the instant it was due: with several nodes sharing the database only one fires it.
      const row = this.db.update(alarms).set({ nextFireAt: next, lastFiredAt: now }).where(and(eq(alarms.id, a.id), eq(alarms.nextFireAt, a.nextFireAt!))).returning().get();
      if (!row) continue;
      if (now - a.nextFireAt! <= LATE_FIRE_GRACE_MS) this.fired(a.userId, toAlarm(row), now);
    }
    this.arm();
    return due.length;
  }

  /** Arms one timeout for the earliest pending alarm. */
  arm(): void {
    clearTimeout(this.timer);
    const next = this.db.select({ at: alarms.nextFireAt }).from(alarms).where(isNotNull(alarms.nextFireAt)).orderBy(asc(alarms.nextFireAt)).limit(1).get();
    if (!next?.at) return;
    // Re-check at least hourly: long timeouts drift and setTimeout caps near 24.8 days.
    const delay = Math.min(Math.max(0, next.at - this.now()), 3_600_000);
    this.timer = setTimeout(() => this.fireDue(), delay);
    this.timer.unref();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
