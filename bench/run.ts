/**
 * `npm run bench [-- --only chat,startup] [--clients 1000] [--room-size 10] [--rate 300]
 *  [--duration 20] [--warmup 5] [--startup-runs 3] [--profile DIR]
 *  [--hands 10000000] [--rng crypto|seeded] [--seed N] [--decks 6] [--h17]`  (blackjack simulation)
 *  [--games 100] [--think 500]  (chess; also uses --warmup/--duration)
 *  [--tables 100] [--players 3] [--think 500]  (blackjack-tables: rounds over sockets; also uses --warmup/--duration/--profile)
 *  [--ladders 'copy;720p;720p,480p,360p']  (stream; also uses --warmup/--duration)
 *  [--users 100000] [--runs 50]  (admin-users: users list query over a seeded instance)
 *  [--messages 10000000] [--requests 200]  (analytics)
 *  [--messages 1000000] [--rooms 1000] [--user-rooms 20] [--queries 100]  (search)
 *  [--clients 300] [--scale-rates 100,300] [--failover-runs 3]  (scale: 1 node SQLite, 1 node PostgreSQL, 3 nodes + Redis + PostgreSQL behind nginx, failover)
 *  [--file-mb 64] [--files 100000] [--queries 100]  (files)
 *  [--files 100000] [--queries 100]  (files-search: file name search on SQLite, then PostgreSQL without and with pg_trgm)
 *  [--messages 5000] [--runs 6]  (chat-statements: a chat message's three statements, query builder per call vs db/hot.ts)
 *  wire: the chat options; bare Socket.IO with the JSON parser vs socket.io-msgpack-parser, and frame sizes
 *
 * Runs each benchmark in turn (servers as child processes on 127.0.0.1), then prints a summary.
 * Figures are printed, never asserted. Progress goes to stderr, the summary to stdout.
 */
import { cpus as osCpus } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { auditBench, type AuditOptions } from './audit.js';
import { adminUsersBench, type AdminUsersOptions } from './admin-users.js';
import { analyticsBench, type AnalyticsOptions } from './analytics.js';
import { blackjackBench, type BlackjackOptions } from './blackjack.js';
import { blackjackTablesBench, type BlackjackTablesOptions } from './blackjack-tables.js';
import { chatBench, wireBench, type ChatOptions } from './chat.js';
import { chessBench, type ChessOptions } from './chess.js';
import { documentsBench, type DocumentsOptions } from './documents.js';
import type { BenchReport } from './lib/report.js';
import { renderTable } from './lib/stats.js';
import { scaleBench, type ScaleOptions } from './scale.js';
import { searchBench, type SearchOptions } from './search.js';
import { sfuBench, sfuParts, type SfuOptions } from './sfu.js';
import { filesBench, type FilesOptions } from './files.js';
import { filesSearchBench } from './files-search.js';
import { startupBench } from './startup.js';
import { streamBench, type StreamOptions } from './stream.js';
import { sweepBench, type SweepOptions } from './sweep.js';
import { chatStatementsBench, type ChatStatementsOptions } from './chat-statements.js';
import { studyBench, type StudyOptions } from './study.js';

const BENCHES = ['startup', 'chat', 'study', 'blackjack', 'blackjack-tables', 'chess', 'stream', 'audit', 'admin-users', 'analytics', 'search', 'scale', 'sfu', 'files', 'files-search', 'documents', 'sweep', 'chat-statements', 'wire'] as const;
type BenchName = (typeof BENCHES)[number];

interface Options {
  only: BenchName[];
  chat: ChatOptions;
  startupRuns: number;
  blackjack: BlackjackOptions;
  blackjackTables: BlackjackTablesOptions;
  chess: ChessOptions;
  study: StudyOptions;
  stream: StreamOptions;
  sfu: SfuOptions;
  audit: AuditOptions;
  adminUsers: AdminUsersOptions;
  analytics: AnalyticsOptions;
  search: SearchOptions;
  scale: ScaleOptions;
  files: FilesOptions;
  documents: DocumentsOptions;
  sweep: SweepOptions;
  chatStatements: ChatStatementsOptions;
}

/** Parses a positive number flag within bounds, so a typo cannot start an unbounded run. */
function num(value: string | undefined, fallback: number, name: string, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`--${name} must be a number in (0, ${max}], got ${value}`);
  return n;
}

function badRng(value: string): never {
  throw new Error(`--rng must be crypto or seeded, got ${value}`);
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      'sfu-call': { type: 'boolean' },
      'sfu-parts': { type: 'string' },
      'sfu-sizes': { type: 'string' },
      'sfu-window': { type: 'string' },
      clients: { type: 'string' },
      'room-size': { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      'startup-runs': { type: 'string' },
      profile: { type: 'string' },
      hands: { type: 'string' },
      rng: { type: 'string' },
      seed: { type: 'string' },
      decks: { type: 'string' },
      h17: { type: 'boolean' },
      games: { type: 'string' },
      tables: { type: 'string' },
      players: { type: 'string' },
      think: { type: 'string' },
      ladders: { type: 'string' },
      rows: { type: 'string' },
      inserts: { type: 'string' },
      typists: { type: 'string' },
      'keys-per-sec': { type: 'string' },
      edits: { type: 'string' },
      kicks: { type: 'string' },
      users: { type: 'string' },
      runs: { type: 'string' },
      messages: { type: 'string' },
      requests: { type: 'string' },
      rooms: { type: 'string' },
      'user-rooms': { type: 'string' },
      queries: { type: 'string' },
      'scale-rates': { type: 'string' },
      sizes: { type: 'string' },
      'sweep-rates': { type: 'string' },
      'load-workers': { type: 'string' },
      'failover-runs': { type: 'string' },
      'file-mb': { type: 'string' },
      files: { type: 'string' },
    },
    strict: true,
  });
  const only = (values.only?.split(',').map((s) => s.trim()) ?? [...BENCHES]) as BenchName[];
  for (const name of only) if (!BENCHES.includes(name)) throw new Error(`unknown benchmark "${name}"; known: ${BENCHES.join(', ')}`);
  return {
    only,
    chat: {
      clients: Math.round(num(values.clients, 1000, 'clients', 10_000)),
      roomSize: Math.round(num(values['room-size'], 10, 'room-size', 500)),
      rate: num(values.rate, 300, 'rate', 20_000),
      durationSec: num(values.duration, 20, 'duration', 600),
      warmupSec: num(values.warmup, 5, 'warmup', 120),
      ...(values.profile ? { profileDir: resolve(values.profile) } : {}),
    },
    startupRuns: Math.round(num(values['startup-runs'], 3, 'startup-runs', 20)),
    blackjack: {
      hands: Math.round(num(values.hands, 10_000_000, 'hands', 1_000_000_000)),
      rng: values.rng === undefined || values.rng === 'crypto' ? 'crypto' : values.rng === 'seeded' ? 'seeded' : badRng(values.rng),
      seed: Math.round(num(values.seed, 20261123, 'seed', 2 ** 31)),
      decks: Math.round(num(values.decks, 6, 'decks', 8)),
      hitSoft17: values.h17 ?? false,
    },
    study: {
      clients: Math.round(num(values.clients, 1000, 'clients', 10_000)),
      roomSize: Math.round(num(values['room-size'], 10, 'room-size', 500)),
      rate: num(values.rate, 200, 'rate', 20_000),
      durationSec: num(values.duration, 20, 'duration', 600),
      warmupSec: num(values.warmup, 5, 'warmup', 120),
      ...(values.profile ? { profileDir: resolve(values.profile) } : {}),
    },
    chess: {
      games: Math.round(num(values.games, 100, 'games', 2000)),
      thinkMs: num(values.think, 500, 'think', 60_000),
      durationSec: num(values.duration, 20, 'duration', 600),
      warmupSec: num(values.warmup, 5, 'warmup', 120),
      ...(values.profile ? { profileDir: resolve(values.profile) } : {}),
    },
    blackjackTables: {
      tables: Math.round(num(values.tables, 100, 'tables', 2000)),
      players: Math.round(num(values.players, 3, 'players', 7)),
      thinkMs: num(values.think, 500, 'think', 60_000),
      durationSec: num(values.duration, 20, 'duration', 600),
      warmupSec: num(values.warmup, 5, 'warmup', 120),
      ...(values.profile ? { profileDir: resolve(values.profile) } : {}),
    },
    sfu: {
      call: !!values['sfu-call'],
      port: 3299,
      parts: sfuParts(values['sfu-parts']),
      sizes: (values['sfu-sizes'] ?? '4').split(',').map((x) => Math.round(num(x.trim(), 4, 'sfu-sizes', 12))),
      windowS: num(values['sfu-window'], 15, 'sfu-window', 300),
    },
    stream: {
      // Semicolon-separated STREAM_LADDER values, one server run each.
      ladders: (values.ladders ?? 'copy;720p;720p,480p,360p').split(';').map((l) => l.trim()).filter(Boolean),
      durationSec: num(values.duration, 15, 'duration', 600),
      warmupSec: num(values.warmup, 2, 'warmup', 120),
    },
    audit: {
      rows: Math.round(num(values.rows, 500_000, 'rows', 50_000_000)),
      inserts: Math.round(num(values.inserts, 20_000, 'inserts', 10_000_000)),
      kicks: Math.round(num(values.kicks, 1000, 'kicks', 100_000)),
    },
    adminUsers: {
      users: Math.round(num(values.users, 100_000, 'users', 5_000_000)),
      runs: Math.round(num(values.runs, 50, 'runs', 10_000)),
    },
    analytics: {
      messages: Math.round(num(values.messages, 10_000_000, 'messages', 100_000_000)),
      requests: Math.round(num(values.requests, 200, 'requests', 100_000)),
    },
    search: {
      messages: Math.round(num(values.messages, 1_000_000, 'messages', 20_000_000)),
      rooms: Math.round(num(values.rooms, 1000, 'rooms', 100_000)),
      userRooms: Math.round(num(values['user-rooms'], 20, 'user-rooms', 1000)),
      queries: Math.round(num(values.queries, 100, 'queries', 100_000)),
    },
    sweep: {
      sizes: (values.sizes ?? '1000,5000,10000').split(',').map((n) => Math.round(num(n, 1000, 'sizes', 20_000))),
      rates: (values['sweep-rates'] ?? '300,600,1000').split(',').map((r) => num(r, 300, 'sweep-rates', 20_000)),
      roomSize: Math.round(num(values['room-size'], 10, 'room-size', 500)),
      warmupSec: num(values.warmup, 5, 'warmup', 120),
      durationSec: num(values.duration, 20, 'duration', 600),
      workers: Math.round(num(values['load-workers'], 2, 'load-workers', 16)),
    },
    scale: {
      clients: Math.round(num(values.clients, 300, 'clients', 100_000)),
      roomSize: Math.round(num(values['room-size'], 10, 'room-size', 1000)),
      rates: (values['scale-rates'] ?? '100,300').split(',').map((r) => num(r, 100, 'scale-rates', 100_000)),
      warmupSec: num(values.warmup, 3, 'warmup', 600),
      durationSec: num(values.duration, 10, 'duration', 3600),
      failoverRuns: Math.round(num(values['failover-runs'], 3, 'failover-runs', 50)),
    },
    chatStatements: {
      messages: Math.round(num(values.messages, 5000, 'messages', 1_000_000)),
      rounds: Math.round(num(values.runs, 6, 'runs', 100)),
    },
    files: {
      // BENCH_FILES_GB=1: the 1 GB upload; the default keeps the suite quick.
      fileMb: Math.round(num(values['file-mb'], process.env.BENCH_FILES_GB ? Number(process.env.BENCH_FILES_GB) * 1024 : 64, 'file-mb', 8192)),
      files: Math.round(num(values.files, 100_000, 'files', 5_000_000)),
      queries: Math.round(num(values.queries, 100, 'queries', 100_000)),
    },
    documents: {
      typists: Math.round(num(values.typists, 20, 'typists', 200)),
      keysPerSec: num(values['keys-per-sec'], 5, 'keys-per-sec', 50),
      warmupS: num(values.warmup, 3, 'warmup', 600),
      durationS: num(values.duration, 15, 'duration', 3600),
      edits: Math.round(num(values.edits, 100_000, 'edits', 2_000_000)),
      ...(values.profile ? { profileDir: resolve(values.profile) } : {}),
    },
  };
}

function runOne(name: BenchName, opts: Options): Promise<BenchReport> {
  switch (name) {
    case 'startup':
      return startupBench({ runs: opts.startupRuns });
    case 'chat':
      return chatBench(opts.chat);
    case 'wire':
      return wireBench(opts.chat);
    case 'blackjack':
      return blackjackBench(opts.blackjack);
    case 'blackjack-tables':
      return blackjackTablesBench(opts.blackjackTables);
    case 'study':
      return studyBench(opts.study);
    case 'chess':
      return chessBench(opts.chess);
    case 'stream':
      return streamBench(opts.stream);
    case 'audit':
      return auditBench(opts.audit);
    case 'admin-users':
      return adminUsersBench(opts.adminUsers);
    case 'analytics':
      return analyticsBench(opts.analytics);
    case 'search':
      return searchBench(opts.search);
    case 'scale':
      return scaleBench(opts.scale);
    case 'sweep':
      return sweepBench(opts.sweep);
    case 'sfu':
      return sfuBench(opts.sfu);
    case 'files':
      return filesBench(opts.files);
    case 'files-search':
      return filesSearchBench({ files: opts.files.files, queries: opts.files.queries });
    case 'documents':
      return documentsBench(opts.documents);
    case 'chat-statements':
      return chatStatementsBench(opts.chatStatements);
  }
}

function printSummary(reports: BenchReport[]): void {
  const cpus = osCpus();
  const out: string[] = ['', `Commonroom bench, ${new Date().toISOString()}, node ${process.version}, ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}`];
  for (const report of reports) {
    out.push('', `== ${report.name} ==`);
    for (const table of report.tables) out.push('', renderTable(table));
    if (report.notes.length) out.push('', ...report.notes.map((n) => `- ${n}`));
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

const USAGE = 'usage: npm run bench -- [--only startup,chat] [--clients N] [--room-size N] [--rate MSGS_PER_S] [--duration S] [--warmup S] [--startup-runs N] [--profile DIR] [--hands N] [--rng crypto|seeded] [--seed N] [--decks N] [--h17] [--games N] [--think MS] [--tables N] [--players N] [--ladders L1;L2] [--rows N] [--inserts N] [--kicks N] [--users N] [--runs N] [--messages N] [--requests N] [--rooms N] [--user-rooms N] [--queries N] [--scale-rates R1,R2] [--sizes 1000,5000,10000] [--sweep-rates 300,600,1000] [--load-workers N] [--failover-runs N] [--sfu-call] [--sfu-parts cpu,g2g,nginx] [--sfu-sizes 4] [--sfu-window S] [--file-mb N] [--files N] [--typists N] [--keys-per-sec N] [--edits N]';

async function main(): Promise<void> {
  let opts: Options;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  const reports: BenchReport[] = [];
  for (const name of opts.only) reports.push(await runOne(name, opts));
  printSummary(reports);
}

main().then(
  // Exit explicitly: a stray handle (socket, timer) must not keep the bench alive.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
