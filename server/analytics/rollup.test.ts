/**
 * Rollups across midnight in several zones (with a DST change the day before in Los Angeles):
 * rows a second apart on either side of local midnight land on different days, a focus span
 * across midnight is split, and later runs add only new rows.
 */
import { sql } from 'drizzle-orm';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client.js';
import { ActivityRecorder } from './activity.js';
import { RollupJob } from './rollup.js';
import { daySql, offsetSegments } from './day-sql.js';
import { rawDb, newUsers, roomWith, startServer, type TestServer } from '../test/harness.js';

const zones = [
  // tz, local midnight starting 2026-03-09 as a UTC instant (written out, not computed)
  { tz: 'UTC', midnight: Date.UTC(2026, 2, 9, 0, 0) },
  // DST began in Los Angeles at 02:00 on 2026-03-08: this midnight is PDT (UTC-7), the previous PST.
  { tz: 'America/Los_Angeles', midnight: Date.UTC(2026, 2, 9, 7, 0) },
  { tz: 'Asia/Tokyo', midnight: Date.UTC(2026, 2, 8, 15, 0) },
];

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.dispose();
});

describe('local-day SQL', () => {
  it('finds the DST change and maps instants on both sides to their local day', () => {
    const segs = offsetSegments('America/Los_Angeles', Date.UTC(2026, 2, 7), Date.UTC(2026, 2, 10));
    expect(segs).toEqual([
      { until: Date.UTC(2026, 2, 8, 10, 0), offsetMs: -8 * 3_600_000 },
      { until: Infinity, offsetMs: -7 * 3_600_000 },
    ]);
    expect(new SQLiteSyncDialect().sqlToQuery(daySql(openDb(':memory:')).localDay(sql`at`, segs)).sql).toContain('CASE WHEN at < ');
    expect(offsetSegments('Asia/Tokyo', Date.UTC(2026, 0, 1), Date.UTC(2026, 11, 31))).toHaveLength(1);
  });
});

describe.each(zones)('rollups in $tz', ({ tz, midnight: M }) => {
  let server: TestServer;
  let job: RollupJob;
  let roomId: number;
  const before = '2026-03-08';
  const after = '2026-03-09';
  const day = async (d: string) => (await rawDb(server.app.db).get('SELECT * FROM analytics_daily WHERE day = ?', d)) as Record<string, number>;
  const run = (now: number) => job.run(now);

  it('sets up a server in the zone with rows either side of local midnight', async () => {
    server = await startServer({ config: { timeZone: tz } });
    servers.push(server);
    const [ann, bob] = await newUsers(server, 'ann', 'bob');
    roomId = (await roomWith(ann, [bob])).id;
    const raw = rawDb(server.app.db);
    // Whatever the automatic first run did, start from a clean slate at a fixed clock.
    for (const t of ['analytics_daily', 'analytics_room_daily', 'analytics_state', 'user_activity_days', 'messages']) await raw.run(`DELETE FROM ${t}`);
    (await raw.run('UPDATE users SET created_at = ? WHERE id = ?', M - 1000, ann.userId));
    (await raw.run('UPDATE users SET created_at = ? WHERE id = ?', M, bob.userId));
    const msg = { run: (...args: unknown[]) => raw.run('INSERT INTO messages (room_id, user_id, text, created_at) VALUES (?, ?, ?, ?)', ...args) };
    await msg.run(roomId, ann.userId, 'last of the day', M - 1000);
    await msg.run(roomId, bob.userId, 'first of the next', M);
    await msg.run(roomId, bob.userId, 'second of the next', M + 1000);
    if (tz === 'America/Los_Angeles') {
      // On the DST day itself: 01:59 PST and 03:00 PDT are the same local day.
      await msg.run(roomId, ann.userId, 'before the jump', Date.UTC(2026, 2, 8, 9, 59));
      await msg.run(roomId, ann.userId, 'after the jump', Date.UTC(2026, 2, 8, 10, 0));
    }
    (await raw.run('INSERT INTO focus_spans (user_id, room_id, started_at, ended_at) VALUES (?, ?, ?, ?)', ann.userId, roomId, M - 30 * 60_000, M + 15 * 60_000));
    (await raw.run("INSERT INTO chess_games (room_id, status, created_by, color_choice, white_id, black_id, result, created_at, ended_at) VALUES (?, 'finished', ?, 'white', ?, ?, '1-0', ?, ?)", roomId, ann.userId, ann.userId, bob.userId, M - 3_600_000, M - 1));
    (await raw.run('INSERT INTO usage_samples (at, peak_sockets, stream_viewers) VALUES (?, 5, 2), (?, 3, 4)', M - 60_000, M));
    (await raw.run('INSERT INTO stream_sessions (room_id, stream_id, started_at, ended_at) VALUES (?, ?, ?, ?)', roomId, 'abc123', M + 60_000, M + 120_000));
    // Active days through the recorder with its clock either side of midnight.
    let clock = M - 1000;
    const rec = new ActivityRecorder(server.app.db, tz, () => clock);
    await rec.active(ann.userId);
    await rec.active(ann.userId);
    clock = M;
    await rec.active(ann.userId);
    await rec.active(bob.userId);
    const days = (await raw.all('SELECT day, user_id AS u FROM user_activity_days'));
    expect(days).toHaveLength(3);
    expect(days).toEqual(expect.arrayContaining([
      { day: before, u: ann.userId },
      { day: after, u: ann.userId },
      { day: after, u: bob.userId },
    ]));
    job = new RollupJob(server.app.db, tz, () => 12345);
  }, 30_000);

  it('puts each figure on its local day', async () => {
    const r = await run(M + 6 * 3_600_000);
    expect(r.to).toBe(after);
    const b = (await day(before));
    const a = (await day(after));
    expect([b.messages, a.messages]).toEqual([tz === 'America/Los_Angeles' ? 3 : 1, 2]);
    expect([b.signups, a.signups]).toEqual([1, 1]);
    expect([b.focus_seconds, a.focus_seconds]).toEqual([30 * 60, 15 * 60]);
    expect([b.chess_games, a.chess_games]).toEqual([1, 0]);
    expect([b.peak_sockets, a.peak_sockets]).toEqual([5, 3]);
    expect([b.watch_minutes, a.watch_minutes]).toEqual([2, 4]);
    expect([b.streams, a.streams]).toEqual([0, 1]);
    expect([b.dau, a.dau, a.wau, a.mau]).toEqual([1, 2, 2, 2]);
    expect(a.storage_bytes).toBe(12345);
    expect((await rawDb(server.app.db).all('SELECT day, messages FROM analytics_room_daily WHERE room_id = ? ORDER BY day', roomId))).toEqual([
      { day: before, messages: tz === 'America/Los_Angeles' ? 3 : 1 },
      { day: after, messages: 2 },
    ]);
  });

  it('a later run adds only new rows and recomputes only the days that can change', async () => {
    const raw = rawDb(server.app.db);
    const again = await run(M + 7 * 3_600_000);
    expect(again.newRows).toBe(0);
    expect((await day(after)).messages).toBe(2);
    (await raw.run('INSERT INTO messages (room_id, user_id, text, created_at) VALUES (?, (SELECT min(id) FROM users), ?, ?)', roomId, 'later', M + 7 * 3_600_000));
    const third = await run(M + 8 * 3_600_000);
    expect(third.newRows).toBe(1);
    expect(third.from).toBe(before);
    expect((await day(after)).messages).toBe(3);
    // Days later, the day before the previous run is the first one recomputed; older days are final.
    const later = await run(M + 3 * 86_400_000);
    expect(later.from).toBe(before);
    (await raw.run('UPDATE analytics_daily SET dau = 99 WHERE day = ?', after));
    const last = await run(M + 3 * 86_400_000 + 3_600_000);
    expect(last.from).toBe('2026-03-11');
    expect((await day(after)).dau).toBe(99);
    (await raw.run('UPDATE analytics_daily SET dau = 2 WHERE day = ?', after));
  });

  it('the API reads the rollups for the range, in the zone', async () => {
    const page = await server.app.analytics.range(7, M + 8 * 3_600_000);
    expect(page.timeZone).toBe(tz);
    expect(page.days).toHaveLength(7);
    expect(page.to).toBe(after);
    expect(page.days.at(-1)).toMatchObject({ day: after, messages: 3, focusMinutes: 15, signups: 1, dau: 2 });
    expect(page.busiestRooms[0]).toMatchObject({ roomId, name: 'Study hall' });
  });
});
