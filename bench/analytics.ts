/**
 * Admin analytics over a big instance: `messages` rows (default 10,000,000) spread over a year,
 * plus users, active days, focus spans, blackjack hands, chess games and a year of minute samples,
 * generated with recursive CTEs straight into the server's database. Then the real rollup job
 * backfills (timed), an incremental run after 10,000 new messages (timed), and our server answers
 * `GET /api/admin/analytics` for 7, 30 and 90 days: p50/p95/p99 of sequential requests.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { Db } from '../db/client.js';
import { join } from 'node:path';
import { RollupJob } from '../server/analytics/rollup.js';
import { spawnServer, type ServerChild } from './lib/child.js';
import { expectStatus, postJson } from './lib/http.js';
import { oursEnv } from './lib/ours-setup.js';
import type { BenchReport } from './lib/report.js';
import { distribution, type Table } from './lib/stats.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';

export interface AnalyticsOptions {
  messages: number;
  requests: number;
}

const log = (msg: string) => process.stderr.write(`[analytics] ${msg}\n`);
const DAY = 86_400_000;
const USERS = 5_000;
const ROOMS = 1_000;

function seed(file: string, opts: AnalyticsOptions, now: number): { messages: number; activityDays: number; seedMs: number } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const start = now - 365 * DAY;
  const t0 = performance.now();
  const run = (sql: string, ...args: unknown[]) => db.prepare(sql).run(...args);
  db.transaction(() => {
    run(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO users (username, username_key, password_hash, display_name, avatar_color, created_at)
       SELECT 'gen_' || i, 'gen_' || i, 'x', 'Gen ' || i, '#457b9d', ? + (i * ?) FROM n`,
      USERS, start, Math.floor((365 * DAY) / USERS),
    );
    const firstUser = (db.prepare("SELECT min(id) AS id FROM users WHERE username LIKE 'gen\\_%' ESCAPE '\\'").get() as { id: number }).id;
    run(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
       INSERT INTO rooms (code, name, description, listed, capacity, owner_id, last_activity_at, created_at)
       SELECT printf('G%05d', i), 'Generated room ' || i, '', 1, 50, ? + (i % ?), ?, ? FROM n`,
      ROOMS, firstUser, USERS, now, start,
    );
    const firstRoom = (db.prepare("SELECT min(id) AS id FROM rooms WHERE code LIKE 'G%'").get() as { id: number }).id;
    // Indexes are built once after the bulk insert (much faster than 10M random index inserts).
    const indexes = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages' AND sql IS NOT NULL").all() as { sql: string }[];
    for (const ix of indexes) db.exec(`DROP INDEX ${/INDEX\s+[`"]?([\w]+)/.exec(ix.sql)![1]}`);
    // Messages in time order (ids rise with created_at, as in real use); busier rooms get more.
    const step = (365 * DAY) / opts.messages;
    run(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
       INSERT INTO messages (room_id, user_id, text, created_at)
       SELECT ? + ((i * 7919) % ((i % 10) * 100 + 10)), ? + ((i * 104729) % ?), 'generated message', CAST(? + i * ? AS INTEGER) FROM n`,
      opts.messages, firstRoom, firstUser, USERS, start, step,
    );
    for (const ix of indexes) db.exec(ix.sql);
    log(`  messages inserted and indexed (${Math.round(performance.now() - t0)} ms so far)`);
    // About a third of the users are active on a given day.
    run(
      `WITH RECURSIVE d(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM d WHERE k < 364),
                     u(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM u WHERE j < ? - 1)
       INSERT INTO user_activity_days (day, user_id)
       SELECT date((? + k * ${DAY}) / 1000, 'unixepoch'), ? + j FROM d, u WHERE (j * 31 + k * 17) % 3 = 0`,
      USERS, start, firstUser,
    );
    run(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 199999)
       INSERT INTO focus_spans (user_id, room_id, started_at, ended_at)
       SELECT ? + (i % ?), ? + (i % ?), ? + i * 157000, ? + i * 157000 + 1500000 FROM n`,
      firstUser, USERS, firstRoom, ROOMS, start, start,
    );
    run(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 499999)
       INSERT INTO blackjack_hands (room_id, round_id, user_id, seat, hand, cards, total, dealer_cards, dealer_total, bet, doubled, outcome, payout, created_at)
       SELECT ? + (i / 3) % ?, i / 3, ? + (i % ?), i % 3, 0, '[]', 20, '[]', 19, 10, 0, 'win', 20, ? + (i / 3) * 189000 FROM n`,
      firstRoom, ROOMS, firstUser, USERS, start,
    );
    run(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 49999)
       INSERT INTO chess_games (room_id, status, created_by, color_choice, white_id, black_id, result, created_at, started_at, ended_at)
       SELECT ? + (i % ?), 'finished', ? + (i % ?), 'white', ? + (i % ?), ? + ((i + 1) % ?), '1-0', ? + i * 630000, ? + i * 630000, ? + i * 630000 + 600000 FROM n`,
      firstRoom, ROOMS, firstUser, USERS, firstUser, USERS, firstUser, USERS, start, start, start,
    );
    run(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 365 * 1440 - 1)
       INSERT INTO usage_samples (at, peak_sockets, stream_viewers) SELECT ? + i * 60000, 50 + (i % 200), (i % 30) FROM n`,
      Math.floor(start / 60000) * 60000,
    );
  })();
  const counts = {
    messages: (db.prepare('SELECT max(id) AS n FROM messages').get() as { n: number }).n,
    activityDays: (db.prepare('SELECT count(*) AS n FROM user_activity_days').get() as { n: number }).n,
    seedMs: performance.now() - t0,
  };
  db.close();
  return counts;
}

async function timeApi(server: ServerChild, cookie: string, days: number, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(`${server.url}/api/admin/analytics?days=${days}`, { headers: { cookie } });
    const body = (await res.json()) as { days?: unknown[] };
    if (res.status !== 200 || body.days?.length !== days) throw new Error(`analytics ${days}: ${res.status}`);
    out.push(performance.now() - t);
  }
  return out;
}

export async function analyticsBench(opts: AnalyticsOptions): Promise<BenchReport> {
  const dataDir = makeDataDir('analytics');
  let server: ServerChild | undefined;
  const notes: string[] = [];
  try {
    // 1. A fresh instance with its admin (the first account, registered from localhost).
    server = await spawnServer('ours', 'bench/server-entry.ts', oursEnv(dataDir));
    const reply = await postJson(server.url, '/api/auth/register', { username: 'bench_admin', password: 'bench-password-1234' });
    expectStatus(reply, 201, 'register admin');
    const cookie = reply.setCookie.map((c) => c.split(';')[0]!).find((c) => c.startsWith('cr_session='))!;
    await server.stop();
    server = undefined;

    // 2. A year of generated history.
    const now = Date.now();
    const file = join(dataDir, 'commonroom.sqlite');
    log(`generating ${opts.messages.toLocaleString()} messages and the rest ...`);
    const counts = seed(file, opts, now);
    log(`seeded in ${(counts.seedMs / 1000).toFixed(1)} s`);

    // 3. The real rollup job: first run (backfill of the whole year), then an incremental run.
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    const job = new RollupJob(drizzle(db) as unknown as Db, 'America/Los_Angeles', () => null);
    const first = await job.run(now);
    log(`first rollup: ${first.newRows.toLocaleString()} rows, ${(first.ms / 1000).toFixed(2)} s (${first.from} .. ${first.to})`);
    const ins = db.prepare("INSERT INTO messages (room_id, user_id, text, created_at) VALUES ((SELECT min(id) FROM rooms), (SELECT min(id) FROM users), 'new', ?)");
    db.transaction(() => {
      for (let i = 0; i < 10_000; i++) ins.run(now + i);
    })();
    const incremental = await job.run(now + 60_000);
    const idle = await job.run(now + 120_000);
    db.close();

    // 4. The API on our server (TIME_ZONE as the rollups were made).
    server = await spawnServer('ours', 'bench/server-entry.ts', { ...oursEnv(dataDir), TIME_ZONE: 'America/Los_Angeles' });
    const rows: (string | number)[][] = [];
    for (const days of [7, 30, 90]) {
      await timeApi(server, cookie, days, 20); // warm-up
      const d = distribution(await timeApi(server, cookie, days, opts.requests));
      rows.push([`${days} days`, d.count, d.p50, d.p95, d.p99, d.max]);
    }
    const tables: Table[] = [
      { title: `GET /api/admin/analytics over ${counts.messages.toLocaleString()} messages (ms, sequential requests)`, columns: ['range', 'requests', 'p50', 'p95', 'p99', 'max'], rows },
      {
        title: 'Rollup job (real RollupJob on the generated database)',
        columns: ['run', 'rows read', 'seconds'],
        rows: [
          ['first run: backfill of a year', first.newRows, first.ms / 1000],
          ['incremental, 10,000 new messages', incremental.newRows, incremental.ms / 1000],
          ['incremental, nothing new', idle.newRows, idle.ms / 1000],
        ],
      },
    ];
    notes.push(`generated: ${counts.messages.toLocaleString()} messages in ${ROOMS} rooms by ${USERS} users over 365 days, ${counts.activityDays.toLocaleString()} active user-days, 200,000 focus spans, 500,000 blackjack hands, 50,000 chess games, 525,600 minute samples (seeded in ${(counts.seedMs / 1000).toFixed(1)} s)`);
    return { name: 'analytics', tables, notes };
  } finally {
    await server?.stop();
    removeDataDir(dataDir);
  }
}
