/**
 * File name search on both dialects (issue 11, ADRs 0033 and 0036): `files` file rows in one room
 * (the names, kinds, uploaders and folders of the `files` bench), then HTTP search latency over name
 * fragments, kinds and uploaders, measured
 *  - on SQLite (FTS5 trigram table),
 *  - on PostgreSQL without the pg_trgm index (dropped after the migrations: what a database user
 *    who may not create the extension gets), then with it (created as the migration does, server
 *    restarted so it sees it).
 * PostgreSQL is a throwaway server (db/pg-server.ts). db/schema binds its dialect when it loads, so
 * each database runs in a child process (this file with `--child`) started with its DATABASE_URL;
 * the child prints its tables as JSON. Figures are printed, never asserted.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BenchReport } from './lib/report.js';
import { distribution, type Table } from './lib/stats.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';
import { REPO_ROOT } from './lib/child.js';

export interface FilesSearchOptions {
  files: number;
  queries: number;
}

const log = (msg: string) => process.stderr.write(`[files-search] ${msg}\n`);

type Kind = 'pdf' | 'image' | 'video' | 'audio' | 'text' | 'archive' | 'other';

/** The i-th seeded file: realistic names ("organic chemistry past paper week 3 v1234.pdf"). */
export function pathKind(i: number): { name: string; kind: Kind; mime: string } {
  const subjects = ['linear algebra', 'organic chemistry', 'microeconomics', 'thermodynamics', 'medieval history', 'statistics', 'databases', 'compilers', 'anatomy', 'poetry'];
  const what = ['lecture', 'past paper', 'notes', 'slides', 'summary', 'recording', 'photo', 'worksheet', 'answers', 'reading'];
  const kinds = [
    { kind: 'pdf', mime: 'application/pdf', ext: 'pdf' },
    { kind: 'image', mime: 'image/jpeg', ext: 'jpg' },
    { kind: 'video', mime: 'video/mp4', ext: 'mp4' },
    { kind: 'audio', mime: 'audio/mpeg', ext: 'mp3' },
    { kind: 'text', mime: 'text/plain', ext: 'md' },
    { kind: 'archive', mime: 'application/zip', ext: 'zip' },
    { kind: 'other', mime: 'application/octet-stream', ext: 'bin' },
  ] as const;
  const k = kinds[i % kinds.length]!;
  return { name: `${subjects[(i * 7) % subjects.length]} ${what[(i * 13) % what.length]} week ${1 + (i % 14)} v${i}.${k.ext}`, kind: k.kind, mime: k.mime };
}

const KIND_NAMES: Kind[] = ['pdf', 'image', 'video', 'audio', 'text', 'archive', 'other'];

/** The query shapes, each `queries` times. */
export function queryKinds(files: number, uploaders: number[]): { name: string; q: (i: number) => string }[] {
  return [
    { name: 'one word', q: (i) => `q=${['algebra', 'chemistry', 'history', 'compilers', 'poetry'][i % 5]}` },
    { name: 'partial word', q: (i) => `q=${['alg', 'chem', 'thermo', 'stat', 'anat'][i % 5]}` },
    { name: 'two words', q: (i) => `q=${encodeURIComponent(['past paper', 'lecture week', 'notes algebra', 'slides data'][i % 4]!)}` },
    { name: 'rare (v12345)', q: (i) => `q=v${(i * 7919) % files}` },
    { name: 'kind only', q: (i) => `kind=${KIND_NAMES[i % 7]}` },
    { name: 'word + kind', q: (i) => `q=lecture&kind=${KIND_NAMES[i % 7]}` },
    { name: 'uploader', q: (i) => `uploaderId=${uploaders[i % uploaders.length]}` },
    { name: 'absent', q: () => 'q=zzzqqq' },
  ];
}

/** HTTP search latency per query shape (rows of query, n, p50, p95, max; the last one "all"). */
export async function measureSearch(base: string, cookie: string, roomId: number, files: number, uploaders: number[], queries: number, notes: string[]): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  const all: number[] = [];
  // Seeding may have held the event loop: kept-alive sockets may have been closed meanwhile (a failed warm-up is retried).
  for (let i = 0; i < 10; i++) await fetch(`${base}/api/rooms/${roomId}/files/search?q=warm`, { headers: { cookie } }).catch(() => undefined);
  for (const k of queryKinds(files, uploaders)) {
    const samples: number[] = [];
    for (let i = 0; i < queries; i++) {
      const t = performance.now();
      const r = await fetch(`${base}/api/rooms/${roomId}/files/search?${k.q(i)}&limit=50`, { headers: { cookie } });
      await r.arrayBuffer();
      samples.push(performance.now() - t);
      if (r.status !== 200) notes.push(`search ${k.name} answered ${r.status}`);
    }
    all.push(...samples);
    const d = distribution(samples);
    rows.push([k.name, String(d.count), d.p50, d.p95, d.max]);
  }
  const d = distribution(all);
  rows.push(['all', String(d.count), d.p50, d.p95, d.max]);
  return rows;
}

// ---- the child: one database ----

interface ChildResult {
  tables: Table[];
  notes: string[];
}

async function child(opts: FilesSearchOptions): Promise<ChildResult> {
  const { sql } = await import('drizzle-orm');
  const { fileFolders, roomFiles } = await import('../db/schema/index.js');
  const { isSqlite } = await import('../db/tx.js');
  const { buildApp } = await import('../server/app.js');
  const { loadConfig } = await import('../server/config.js');
  type App = Awaited<ReturnType<typeof buildApp>>;
  const dir = makeDataDir('files-search');
  const notes: string[] = [];
  const tables: Table[] = [];
  const pgUrl = process.env.DATABASE_URL || undefined;
  const boot = async (): Promise<{ app: App; base: string }> => {
    const config = loadConfig({ LOG_LEVEL: 'silent', JANUS_ENABLED: 'off' }, { dataDir: dir, clientDist: undefined, streamingEnabled: false, databaseUrl: pgUrl, databasePoolSize: 4 });
    const app = await buildApp(config);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
  };
  let { app, base } = await boot();
  const raw = (q: ReturnType<typeof sql>) => (app.db as unknown as { execute(q: unknown): Promise<{ rows: Record<string, unknown>[] }> }).execute(q);
  try {
    const dialect = isSqlite(app.db) ? 'SQLite' : 'PostgreSQL';
    const reg = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'benchuser', password: 'correct horse battery' }) });
    const cookie = reg.headers.get('set-cookie')!.split(';')[0]!;
    const userId = ((await reg.json()) as { user: { id: number } }).user.id;
    const roomRes = await fetch(`${base}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ name: 'Bench' }) });
    const roomId = ((await roomRes.json()) as { room: { id: number } }).room.id;
    const uploaders = [userId];
    for (let i = 1; i < 20; i++) {
      const r = await fetch(`${base}/api/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: `uploader${i}`, password: 'correct horse battery' }) });
      uploaders.push(((await r.json()) as { user: { id: number } }).user.id);
    }
    if (dialect === 'PostgreSQL') await raw(sql`DROP INDEX IF EXISTS room_files_name_trgm_idx`); // seeded without it, then built at once
    log(`${dialect}: seeding ${opts.files.toLocaleString('en')} file rows`);
    const folderIds: number[] = [];
    for (let i = 0; i < 200; i++) {
      const [f] = await app.db.insert(fileFolders).values({ roomId, parentId: null, name: `Folder ${i}`, createdBy: userId, createdAt: Date.now() }).returning();
      folderIds.push(f!.id);
    }
    const t0 = Date.now() - opts.files * 1000;
    for (let start = 0; start < opts.files; start += 1000) {
      const values = [];
      for (let i = start; i < Math.min(opts.files, start + 1000); i++) {
        const p = pathKind(i);
        values.push({ roomId, folderId: folderIds[i % folderIds.length]!, name: p.name, nameLower: p.name.toLowerCase(), size: 1000 + i, mime: p.mime, kind: p.kind, sha256: i.toString(16).padStart(64, '0'), uploaderId: uploaders[i % uploaders.length]!, createdAt: t0 + i * 1000, thumb: 'none' as const });
      }
      await app.db.insert(roomFiles).values(values);
    }
    const title = (what: string) => `File search latency over HTTP (ms), ${opts.files.toLocaleString('en')} files in one room, page of 50: ${what}`;
    if (dialect === 'SQLite') {
      (app.db as unknown as { run(q: unknown): void }).run(sql`PRAGMA optimize`);
      log('SQLite: measuring');
      tables.push({ title: title('SQLite, FTS5 trigram index'), columns: ['query', 'n', 'p50', 'p95', 'max'], rows: await measureSearch(base, cookie, roomId, opts.files, uploaders, opts.queries, notes) });
      return { tables, notes };
    }
    await raw(sql`VACUUM ANALYZE room_files`);
    log('PostgreSQL without the trigram index: measuring');
    tables.push({ title: title('PostgreSQL, no trigram index (LIKE over the newest files)'), columns: ['query', 'n', 'p50', 'p95', 'max'], rows: await measureSearch(base, cookie, roomId, opts.files, uploaders, opts.queries, notes) });
    // The index exactly as the migration makes it (its DO block, run again), then a restart.
    const migration = readdirSync(join(REPO_ROOT, 'db/migrations-pg')).find((f) => f.endsWith('_room_files_name_trgm.sql'));
    if (!migration) throw new Error('no *_room_files_name_trgm.sql migration in db/migrations-pg');
    const tBuild = performance.now();
    await raw(sql.raw(readFileSync(join(REPO_ROOT, 'db/migrations-pg', migration), 'utf8')));
    const buildMs = performance.now() - tBuild;
    await raw(sql`VACUUM ANALYZE room_files`);
    const [size] = (await raw(sql`SELECT pg_relation_size('room_files_name_trgm_idx') AS idx, pg_relation_size('room_files') AS tbl`)).rows as { idx: string; tbl: string }[];
    notes.push(`PostgreSQL: the GIN trigram index built in ${(buildMs / 1000).toFixed(1)} s over ${opts.files.toLocaleString('en')} names; ${(Number(size!.idx) / 2 ** 20).toFixed(1)} MB (table ${(Number(size!.tbl) / 2 ** 20).toFixed(1)} MB)`);
    await app.close();
    ({ app, base } = await boot());
    const explain = (await raw(sql`EXPLAIN SELECT id FROM room_files WHERE name_lower LIKE '%v12345%' ESCAPE '\\' LIMIT 2001`)).rows.map((r) => String(r['QUERY PLAN']));
    notes.push(`PostgreSQL plan for a rare fragment with the index: ${explain.map((l) => l.trim()).join(' / ')}`);
    log('PostgreSQL with the trigram index: measuring');
    tables.push({ title: title('PostgreSQL, pg_trgm GIN index'), columns: ['query', 'n', 'p50', 'p95', 'max'], rows: await measureSearch(base, cookie, roomId, opts.files, uploaders, opts.queries, notes) });
    return { tables, notes };
  } finally {
    await app.close();
    removeDataDir(dir);
  }
}

function runChild(opts: FilesSearchOptions, env: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'bench/files-search.ts', '--child', JSON.stringify(opts)], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`files-search child (${env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'}) exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  });
}

export async function filesSearchBench(opts: FilesSearchOptions): Promise<BenchReport> {
  const { havePostgres, startPgServer } = await import('../db/pg-server.js');
  const tables: Table[] = [];
  const notes: string[] = [];
  log('SQLite');
  const lite = await runChild(opts, { DATABASE_URL: '' });
  tables.push(...lite.tables);
  notes.push(...lite.notes);
  if (!havePostgres()) {
    notes.push('PostgreSQL is not installed: PostgreSQL figures skipped');
  } else {
    const server = await startPgServer();
    try {
      log(`PostgreSQL on ${server.url}`);
      const pgRes = await runChild(opts, { DATABASE_URL: server.url });
      tables.push(...pgRes.tables);
      notes.push(...pgRes.notes);
    } finally {
      await server.stop();
    }
  }
  notes.push('file search: fragments of 3+ characters matching at most 2,000 files are looked up through the trigram index (FTS5 / pg_trgm), others walk the newest files with LIKE; target p95 under 50 ms');
  return { name: 'files-search', tables, notes };
}

if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === '--child') {
  const result = await child(JSON.parse(process.argv[3]!) as FilesSearchOptions);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
