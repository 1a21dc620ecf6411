/**
 * Message search (issue 13): builds `messages` rows in `rooms` rooms (default 1,000,000 in 1,000)
 * with the FTS5 index on, then times SearchService.search for members of `userRooms` rooms each
 * over a mix of queries (common and rare words, 3-letter prefixes, two words, phrases, from:, in:,
 * has:link, a word absent from the user's rooms). Also: the index's size on disk, and insert
 * throughput with the index on vs off (the same rows into a copy of the schema without the triggers).
 * In-process (no HTTP): the figure is the query plus building the DTOs.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, type Db } from '../db/client.js';
import { applyMigrations } from '../db/migrate.js';
import { SearchService } from '../server/search/search.service.js';
import { mulberry32 } from '../server/test/random.js';
import type { BenchReport } from './lib/report.js';
import { distribution, mb, type Table } from './lib/stats.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';

export interface SearchOptions {
  messages: number;
  rooms: number;
  /** Rooms each searching user belongs to. */
  userRooms: number;
  /** Queries per query kind. */
  queries: number;
}

const log = (msg: string) => process.stderr.write(`[search] ${msg}\n`);

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'vo', 'zi', 'ber', 'con', 'dis', 'fen', 'gra', 'hol', 'ix', 'jun', 'pra', 'quo', 'ster', 'tion', 'ul', 'wex', 'yor', 'zeb'];

/** A vocabulary of pseudo-words; picked with a Zipf-like skew so some words are everywhere, most are rare. */
function vocabulary(size: number, rand: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const n = 2 + Math.floor(rand() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

function zipfPicker(n: number, rand: () => number): () => number {
  // Inverse-CDF of a continuous 1/x law over [1, n]: index ~ n^u.
  return () => Math.min(n - 1, Math.floor(Math.pow(n, rand())) - 1);
}

interface Corpus {
  vocab: string[];
  text(): string;
}

function corpus(seed: number): Corpus {
  const rand = mulberry32(seed);
  const vocab = vocabulary(30_000, rand);
  const pick = zipfPicker(vocab.length, rand);
  return {
    vocab,
    text() {
      const n = 4 + Math.floor(rand() * 14);
      const parts: string[] = [];
      for (let i = 0; i < n; i++) parts.push(vocab[pick()]!);
      if (rand() < 0.03) parts.push(`https://example.org/${vocab[pick()]}`);
      return parts.join(' ');
    },
  };
}

function seedUsersAndRooms(db: Db, rooms: number, users: number): void {
  const c = db.$client;
  const now = Date.now();
  c.transaction(() => {
    const u = c.prepare("INSERT INTO users (username, username_key, password_hash, display_name, avatar_color, created_at) VALUES (?, ?, 'x', ?, '#123456', ?)");
    for (let i = 1; i <= users; i++) u.run(`user${i}`, `user${i}`, `User ${i}`, now);
    const r = c.prepare("INSERT INTO rooms (name, description, code, passcode_hash, listed, capacity, owner_id, created_at, last_activity_at) VALUES (?, '', ?, NULL, 1, 50, 1, ?, ?)");
    for (let i = 1; i <= rooms; i++) r.run(`Room ${i}`, `R${String(i).padStart(5, '0')}`, now, now);
  })();
}

/** Inserts `count` messages in batches of 1000 rows per transaction; returns rows per second. */
function insertMessages(db: Db, count: number, rooms: number, users: number, text: () => string, seed: number): number {
  const c = db.$client;
  const rand = mulberry32(seed);
  const ins = c.prepare('INSERT INTO messages (room_id, user_id, text, created_at) VALUES (?, ?, ?, ?)');
  const start = performance.now();
  const t0 = Date.UTC(2026, 0, 1);
  const batch = c.transaction((n: number, offset: number) => {
    for (let i = 0; i < n; i++) ins.run(1 + Math.floor(rand() * rooms), 1 + Math.floor(rand() * users), text(), t0 + (offset + i) * 1000);
  });
  for (let done = 0; done < count; done += 1000) {
    batch(Math.min(1000, count - done), done);
    if (done % 100_000 === 0 && done) log(`  ${done} rows`);
  }
  return count / ((performance.now() - start) / 1000);
}

export async function searchBench(opts: SearchOptions): Promise<BenchReport> {
  const dir = makeDataDir('search');
  const notes: string[] = [];
  try {
    const usersCount = 500;
    const text = corpus(20261206);

    // Insert throughput, index off: the same schema without the triggers.
    const sample = Math.min(200_000, opts.messages);
    const offDb = openDb(join(dir, 'off.db'));
    applyMigrations(offDb);
    for (const t of ['message_search_ai', 'message_search_ad', 'message_search_au']) offDb.$client.exec(`DROP TRIGGER ${t}`);
    seedUsersAndRooms(offDb, opts.rooms, usersCount);
    log(`insert ${sample} rows, index off`);
    const offRate = insertMessages(offDb, sample, opts.rooms, usersCount, corpus(1).text, 1);
    offDb.$client.close();
    const onSampleDb = openDb(join(dir, 'on-sample.db'));
    applyMigrations(onSampleDb);
    seedUsersAndRooms(onSampleDb, opts.rooms, usersCount);
    log(`insert ${sample} rows, index on`);
    const onRate = insertMessages(onSampleDb, sample, opts.rooms, usersCount, corpus(1).text, 1);
    onSampleDb.$client.close();

    // The full corpus, index on.
    const file = join(dir, 'search.db');
    const db = openDb(file);
    applyMigrations(db);
    seedUsersAndRooms(db, opts.rooms, usersCount);
    log(`insert ${opts.messages} rows in ${opts.rooms} rooms, index on`);
    const fullRate = insertMessages(db, opts.messages, opts.rooms, usersCount, text.text, 2);
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    let indexBytes = NaN;
    let messagesBytes = NaN;
    try {
      const size = (like: string) => (db.$client.prepare('SELECT coalesce(sum(pgsize), 0) AS b FROM dbstat WHERE name LIKE ?').get(like) as { b: number }).b;
      indexBytes = size('message_search%');
      messagesBytes = size('messages') + size('messages_%');
    } catch {
      notes.push('dbstat is not compiled into this SQLite: index size not measured');
    }
    const fileBytes = statSync(file).size;

    // Searching users: user k belongs to `userRooms` rooms spread over the instance.
    const searchers = 50;
    const member = db.$client.prepare("INSERT OR IGNORE INTO room_members (room_id, user_id, role, joined_at) VALUES (?, ?, 'member', 0)");
    const rand = mulberry32(99);
    const memberships = new Map<number, number[]>();
    db.$client.transaction(() => {
      for (let u = 1; u <= searchers; u++) {
        const rooms = new Set<number>();
        while (rooms.size < opts.userRooms) rooms.add(1 + Math.floor(rand() * opts.rooms));
        memberships.set(u, [...rooms]);
        for (const r of rooms) member.run(r, u);
      }
    })();
    db.$client.pragma('optimize');

    const service = new SearchService(db, 1e9);
    const v = text.vocab;
    const pickUser = () => 1 + Math.floor(rand() * searchers);
    const word = (from: number, to: number) => v[from + Math.floor(rand() * (to - from))]!;
    const kinds: { name: string; q: (u: number) => string }[] = [
      { name: 'common word', q: () => word(0, 20) },
      { name: 'mid word', q: () => word(100, 1000) },
      { name: 'rare word', q: () => word(10_000, 30_000) },
      { name: '3-letter prefix', q: () => word(0, 2000).slice(0, 3) },
      { name: 'two words', q: () => `${word(0, 200)} ${word(0, 2000)}` },
      { name: 'phrase', q: () => `"${word(0, 50)} ${word(0, 50)}"` },
      { name: 'word from:user', q: () => `${word(0, 200)} from:user${1 + Math.floor(rand() * usersCount)}` },
      { name: 'word in:room', q: (u) => `${word(0, 500)} in:"Room ${memberships.get(u)![0]}"` },
      { name: 'word has:link', q: () => `${word(0, 200)} has:link` },
      { name: 'word + after:', q: () => `${word(0, 500)} after:2026-01-06` },
      { name: 'absent word', q: () => 'zzzqqq' },
    ];
    // Warm the page cache once.
    for (let i = 0; i < 20; i++) await service.search(pickUser(), 'UTC', { q: word(0, 100), limit: 20 });
    const rows: (string | number)[][] = [];
    const all: number[] = [];
    let hitsTotal = 0;
    for (const kind of kinds) {
      const samples: number[] = [];
      for (let i = 0; i < opts.queries; i++) {
        const u = pickUser();
        const q = kind.q(u);
        const t = performance.now();
        const page = await service.search(u, 'UTC', { q, limit: 20 });
        samples.push(performance.now() - t);
        hitsTotal += page.hits.length;
      }
      all.push(...samples);
      const d = distribution(samples);
      rows.push([kind.name, String(d.count), d.p50, d.p95, d.max]);
    }
    const d = distribution(all);
    rows.push(['all', String(d.count), d.p50, d.p95, d.max]);
    db.$client.close();

    const tables: Table[] = [
      {
        title: `Search latency (ms), ${opts.messages.toLocaleString('en')} messages in ${opts.rooms} rooms, user in ${opts.userRooms} rooms, page of 20`,
        columns: ['query', 'n', 'p50', 'p95', 'max'],
        rows,
      },
      {
        title: 'Index',
        columns: ['figure', 'value'],
        rows: [
          ['FTS5 index (MB)', mb(indexBytes)],
          ['messages table + its indexes (MB)', mb(messagesBytes)],
          ['database file (MB)', mb(fileBytes)],
          [`insert rows/s, index off (${sample.toLocaleString('en')} rows, 1000 per tx)`, String(Math.round(offRate))],
          ['insert rows/s, index on (same rows)', String(Math.round(onRate))],
          ['on/off ratio', (onRate / offRate).toFixed(2)],
          [`insert rows/s, index on, full ${opts.messages.toLocaleString('en')}`, String(Math.round(fullRate))],
        ],
      },
    ];
    notes.push(`${hitsTotal} hits returned over ${all.length} searches; target p95 under 50 ms`);
    return { name: 'search', tables, notes };
  } finally {
    removeDataDir(dir);
  }
}
