/**
 * Admin users list over a large instance: seeds `users` accounts (default 100,000) into a fresh
 * migrated SQLite file, then times the list query (search + filter + sort + page + exact total)
 * for a spread of realistic requests, in-process through AdminUsersService (the query alone) and
 * through the real route with app.inject (validation, auth, serialisation included).
 */
import { join } from 'node:path';
import { openDb } from '../db/client.js';
import { applyMigrations } from '../db/migrate.js';
import type { UserListQuery } from '../server/admin/users.service.js';
import { AdminUsersService } from '../server/admin/users.service.js';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import type { BenchReport } from './lib/report.js';
import { distribution, type Cell } from './lib/stats.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';

export interface AdminUsersOptions {
  users: number;
  /** Timed runs of each query shape. */
  runs: number;
}

const log = (msg: string) => process.stderr.write(`[admin-users] ${msg}\n`);
const WORDS = ['amber', 'birch', 'cedar', 'delta', 'ember', 'fjord', 'grove', 'haven', 'iris', 'juniper', 'koala', 'lumen', 'maple', 'nova', 'orbit', 'pine'];

/** Seeds users in one transaction with one prepared insert (about 1 s per 100k here). */
function seed(file: string, n: number): void {
  const db = openDb(file);
  applyMigrations(db);
  const now = Date.now();
  const insert = db.$client.prepare(
    'INSERT INTO users (username, username_key, password_hash, display_name, avatar_color, is_admin, disabled, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let x = 20261206;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  db.$client.transaction(() => {
    for (let i = 1; i <= n; i++) {
      const w = WORDS[i % WORDS.length]!;
      const username = `${w}_${i}`;
      const createdAt = now - Math.floor(rnd() * 400 * 86_400_000);
      const lastSeen = rnd() < 0.1 ? null : createdAt + Math.floor(rnd() * (now - createdAt));
      insert.run(username, username.toLowerCase(), '!bench', `${w[0]!.toUpperCase()}${w.slice(1)} ${WORDS[(i * 7) % WORDS.length]} ${i}`, '#2a9d8f', i === 1 || i % 5000 === 0 ? 1 : 0, i % 50 === 0 ? 1 : 0, createdAt, lastSeen);
    }
  })();
  db.$client.pragma('optimize');
  db.$client.close();
}

const SHAPES: { name: string; q: Partial<UserListQuery> }[] = [
  { name: 'newest first (default)', q: {} },
  { name: 'sort username asc', q: { sort: 'username', dir: 'asc' } },
  { name: 'sort display name desc, page 200', q: { sort: 'displayName', dir: 'desc', page: 200 } },
  { name: 'sort last seen desc', q: { sort: 'lastSeenAt', dir: 'desc' } },
  { name: 'filter active, sort last seen', q: { filter: 'active', sort: 'lastSeenAt' } },
  { name: 'filter disabled, sort username', q: { filter: 'disabled', sort: 'username', dir: 'asc' } },
  { name: 'filter admins', q: { filter: 'admins' } },
  { name: 'filter new this week', q: { filter: 'new', sort: 'createdAt' } },
  { name: 'search "cedar_1", sort username', q: { q: 'cedar_1', sort: 'username', dir: 'asc' } },
  { name: 'search "grove" + active + last seen', q: { q: 'grove', filter: 'active', sort: 'lastSeenAt' } },
];

const full = (q: Partial<UserListQuery>): UserListQuery => ({ filter: 'all', sort: 'createdAt', dir: 'desc', page: 1, pageSize: 25, ...q });
const qs = (q: UserListQuery) => new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();

export async function adminUsersBench(opts: AdminUsersOptions): Promise<BenchReport> {
  const dataDir = makeDataDir('admin-users');
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir, clientDist: undefined, streamingEnabled: false });
    log(`seeding ${opts.users} users`);
    const t0 = performance.now();
    seed(config.dbFile, opts.users);
    const seedMs = performance.now() - t0;

    // The query alone.
    const db = openDb(join(dataDir, 'commonroom.sqlite'));
    const svc = new AdminUsersService(db);
    const queryRows: Cell[][] = [];
    const all: number[] = [];
    for (const shape of SHAPES) {
      const q = full(shape.q);
      for (let i = 0; i < 3; i++) await svc.list(q); // warm the page cache
      const samples: number[] = [];
      let total = 0;
      for (let i = 0; i < opts.runs; i++) {
        const s = performance.now();
        total = (await svc.list(q)).total;
        samples.push(performance.now() - s);
      }
      all.push(...samples);
      const d = distribution(samples);
      queryRows.push([shape.name, total, d.p50, d.p95, d.p99]);
    }
    db.$client.close();
    const overall = distribution(all);
    queryRows.push(['all shapes', '', overall.p50, overall.p95, overall.p99]);

    // The route, end to end in-process (auth, zod, serialisation): as the seeded admin (user 1).
    log('timing GET /api/admin/users through the app');
    const app = await buildApp(config);
    await app.ready();
    const token = 'bench-admin-session-token';
    const now = Date.now();
    app.db.$client
      .prepare('INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?, 1, ?, ?, ?)')
      .run(app.auth.sessionIdFor(token), now, now, now + 3_600_000);
    const routeSamples: number[] = [];
    for (const shape of SHAPES) {
      const url = `/api/admin/users?${qs(full(shape.q))}`;
      for (let i = 0; i < Math.max(5, Math.floor(opts.runs / 2)); i++) {
        const s = performance.now();
        const res = await app.inject({ method: 'GET', url, cookies: { cr_session: token } });
        routeSamples.push(performance.now() - s);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      }
    }
    await app.close();
    const route = distribution(routeSamples);

    return {
      name: 'admin-users',
      tables: [
        { title: `Users list query over ${opts.users.toLocaleString('en')} users (page of 25 + exact total), ms`, columns: ['query', 'matches', 'p50', 'p95', 'p99'], rows: queryRows },
        { title: 'GET /api/admin/users through the app (app.inject), ms, all shapes', columns: ['requests', 'p50', 'p95', 'p99', 'max'], rows: [[route.count, route.p50, route.p95, route.p99, route.max]] },
      ],
      notes: [`seeded ${opts.users} users in ${(seedMs / 1000).toFixed(1)} s`, `${opts.runs} timed runs per query shape after 3 warm-up runs`],
    };
  } finally {
    removeDataDir(dataDir);
  }
}
