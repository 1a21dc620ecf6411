/**
 * Integration-test harness: boots the real app (buildApp) on 127.0.0.1 port 0 with a temporary
 * SQLite file, and talks to it with real HTTP (fetch) and real socket.io-client.
 *
 * On PostgreSQL (`npm run test:pg`, which sets DATABASE_URL to a throwaway server's maintenance
 * database): every server gets a database of its own, `CREATE DATABASE … TEMPLATE
 * commonroom_template` (the template the runner migrated once), dropped by `dispose`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { io as ioc, type Socket } from 'socket.io-client';
import type { Ack } from '../../protocol/ack.js';
import type { ClientToServerEvents, CommandName, CommandPayload, CommandResults, ServerToClientEvents } from '../../protocol/events.js';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { createTestDatabase, dropTestDatabase } from '../../db/pg-test-db.js';
import { isSqlite } from '../../db/tx.js';
import { buildApp } from '../app.js';
import { loadConfig, type AppConfig } from '../config.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestServer {
  app: FastifyInstance;
  url: string;
  dataDir: string;
  /** Closes the server; the data directory is kept until `dispose`. */
  close(): Promise<void>;
  /** Closes and boots a new server on the same data directory (a restart). */
  restart(): Promise<TestServer>;
  dispose(): Promise<void>;
}

/**
 * Live streaming (RTMP ingest) is off unless `rtmpPort` is given (0 = any free port on 127.0.0.1);
 * then startServer also waits for the ingest to listen (`app.stream.rtmpPort`).
 */
/** PostgreSQL runs: the database of each test data directory. */
const databaseOfDir = new Map<string, string>();

export async function startServer(opts: { dataDir?: string; config?: Partial<AppConfig>; rtmpPort?: number } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'commonroom-test-'));
  const streaming: Partial<AppConfig> =
    opts.rtmpPort !== undefined ? { streamingEnabled: true, rtmpPort: opts.rtmpPort, rtmpHost: '127.0.0.1' } : { streamingEnabled: false };
  const pgAdmin = process.env.DATABASE_URL;
  let database: Partial<AppConfig> = {};
  let ownDatabase: string | undefined;
  let reused = false;
  if (pgAdmin && opts.config?.databaseUrl === undefined) {
    // A server started on an existing data directory is that server again (its SQLite file lives
    // there): on PostgreSQL it gets that directory's database back, not an empty one.
    const known = opts.dataDir === undefined ? undefined : databaseOfDir.get(opts.dataDir);
    ownDatabase = known ?? (await createTestDatabase(pgAdmin));
    if (known === undefined) databaseOfDir.set(dataDir, ownDatabase);
    else reused = true;
    database = { databaseUrl: ownDatabase, databasePoolSize: 4 };
    opts = { ...opts, config: { ...opts.config, ...database } };
  }
  // The per-user socket flood limit (burst 60, 20/s) is generous for people but not for a test
  // whose one user sends a hundred commands in a second on a fast machine: test servers get a wide
  // one, and the tests of the limit itself ask for DEFAULT_SOCKET_RATE.
  const config = loadConfig({ LOG_LEVEL: 'silent', JANUS_ENABLED: 'off', SOCKET_RATE_PER_SEC: '1000', SOCKET_RATE_BURST: '1000' }, { dataDir, clientDist: undefined, ...streaming, ...opts.config });
  let app: FastifyInstance;
  try {
    app = await buildApp(config);
  } catch (err) {
    if (ownDatabase && !reused) await dropTestDatabase(pgAdmin!, ownDatabase).catch(() => {});
    throw err;
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  if (opts.rtmpPort !== undefined) await app.stream.ready();
  const { port } = app.server.address() as AddressInfo;
  let closed = false;
  const server: TestServer = {
    app,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
    async restart() {
      await server.close();
      return startServer({ ...opts, dataDir });
    },
    async dispose() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      databaseOfDir.delete(dataDir);
      const url = opts.config?.databaseUrl;
      if (pgAdmin && url) await dropTestDatabase(pgAdmin, url).catch(() => {});
    },
  };
  return server;
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A signed-in (or anonymous) HTTP client that keeps its session cookie. */
export class Client {
  cookie = '';
  userId = 0;
  constructor(
    public url: string,
    readonly headers: Record<string, string> = {},
  ) {}

  /** Points this client (same cookie and user) at a restarted server. */
  moveTo(server: { url: string }): this {
    this.url = server.url;
    return this;
  }

  async req<T = any>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<HttpResult<T>> {
    const res = await fetch(this.url + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...this.headers,
        ...extraHeaders,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie?.startsWith('cr_session=')) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get = <T = any>(path: string) => this.req<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.req<T>('POST', path, body ?? {});
  patch = <T = any>(path: string, body: unknown) => this.req<T>('PATCH', path, body);
  put = <T = any>(path: string, body: unknown) => this.req<T>('PUT', path, body);
  del = <T = any>(path: string) => this.req<T>('DELETE', path);

  async register(username: string, password = 'correct horse battery'): Promise<this> {
    const r = await this.post('/api/auth/register', { username, password });
    if (r.status !== 201) throw new Error(`register ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.userId = r.body.user.id;
    return this;
  }

  /** Opens a real Socket.IO connection with this client's cookie and waits for it to connect. */
  async socket(opts: { origin?: string } = {}): Promise<ClientSocket> {
    const s = this.rawSocket(opts);
    await new Promise<void>((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', (e) => reject(e));
    });
    return s;
  }

  rawSocket(opts: { origin?: string } = {}): ClientSocket {
    return ioc(this.url, {
      transports: ['websocket'],
      extraHeaders: { cookie: this.cookie, ...(opts.origin ? { origin: opts.origin } : {}) },
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
    });
  }
}

export async function newUser(server: TestServer, name: string): Promise<Client> {
  return new Client(server.url).register(name);
}

/** Emits a command and resolves its ack. */
export function command<E extends CommandName>(socket: ClientSocket, event: E, payload: CommandPayload<E> | unknown): Promise<Ack<CommandResults[E]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack for ${event}`)), 5000);
    (socket.emit as (ev: string, p: unknown, cb: (a: Ack<CommandResults[E]>) => void) => void)(event, payload, (ack) => {
      clearTimeout(timer);
      resolve(ack);
    });
  });
}

/** The data of a successful ack; a refusal throws `CODE: message` (for steps that must succeed). */
export async function ok<T = any>(p: Promise<{ ok: true; data: unknown } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const ack = await p;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data as T;
}

/** Polls `cond` (sync or async) every 10 ms until it holds; throws `timed out: what` after `timeoutMs`. */
export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves with the next `event` payload on `socket` (optionally the first matching `filter`). */
export function nextEvent<T = any>(socket: ClientSocket, event: string, filter: (p: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const s = socket as unknown as { on(e: string, f: (p: T) => void): void; off(e: string, f: (p: T) => void): void };
    const handler = (p: T) => {
      if (!filter(p)) return;
      clearTimeout(timer);
      s.off(event, handler);
      resolve(p);
    };
    const timer = setTimeout(() => {
      s.off(event, handler);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    s.on(event, handler);
  });
}

/** Collects every `event` payload on `socket` until `stop()` is called. */
export function collect<T = any>(socket: ClientSocket, event: string): T[] & { stop(): void } {
  const out = [] as unknown as T[] & { stop(): void };
  const s = socket as unknown as { on(e: string, f: (p: T) => void): void; off(e: string, f: (p: T) => void): void };
  const handler = (p: T) => out.push(p);
  s.on(event, handler);
  out.stop = () => s.off(event, handler);
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Creates a room owned by `owner` and lets `members` join it. */
export async function roomWith(owner: Client, members: Client[], opts: { passcode?: string; name?: string; listed?: boolean } = {}) {
  const r = await owner.post('/api/rooms', { name: opts.name ?? 'Study hall', ...(opts.passcode ? { passcode: opts.passcode } : {}), ...(opts.listed === false ? { listed: false } : {}) });
  if (r.status !== 201) throw new Error(`create room failed: ${JSON.stringify(r.body)}`);
  for (const m of members) {
    const j = await m.post(`/api/rooms/${r.body.room.id}/join`, { code: r.body.room.code, ...(opts.passcode ? { passcode: opts.passcode } : {}) });
    if (j.status !== 200) throw new Error(`join failed: ${JSON.stringify(j.body)}`);
  }
  return r.body.room as { id: number; code: string };
}

/** Registers several users at once, in order. */
export async function newUsers<N extends string[]>(server: TestServer, ...names: N): Promise<{ [K in keyof N]: Client }> {
  return (await Promise.all(names.map((n) => newUser(server, n)))) as { [K in keyof N]: Client };
}

/**
 * Rows of a raw `sql` query on the server's database, whichever the dialect (tests that look at
 * stored state; `db.$client.prepare` exists on SQLite only). Prefer the query builder
 * (`await server.app.db.select()…`); alias columns in camelCase with double quotes, which both
 * dialects read: sql`SELECT count(*) AS "n" FROM messages`.
 */
export async function dbRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  if (isSqlite(db)) return db.all(query) as T[];
  const result = await (db as unknown as { execute(q: SQL): Promise<{ rows: T[] }> }).execute(query);
  return result.rows;
}

/**
 * A prepared-statement-like view of the server's database for tests that read or poke stored
 * state with raw SQL, on both dialects: `?` placeholders, snake_case column names, every call
 * awaited. Write dialect-neutral SQL (booleans with `true`/`false`, which SQLite reads as 1/0).
 */
export function rawDb(db: Db) {
  const build = (text: string, args: unknown[]): SQL => {
    const parts = text.split('?');
    if (parts.length - 1 !== args.length) throw new Error(`rawDb: ${parts.length - 1} placeholders, ${args.length} arguments: ${text}`);
    return sql.join(parts.flatMap((p, i) => (i < args.length ? [sql.raw(p), sql`${args[i]}`] : [sql.raw(p)])));
  };
  return {
    all: <T = any>(text: string, ...args: unknown[]): Promise<T[]> => dbRows<T>(db, build(text, args)),
    get: async <T = any>(text: string, ...args: unknown[]): Promise<T | undefined> => (await dbRows<T>(db, build(text, args)))[0],
    run: async (text: string, ...args: unknown[]): Promise<void> => {
      const q = build(text, args);
      if (isSqlite(db)) db.run(q);
      else await (db as unknown as { execute(q: SQL): Promise<unknown> }).execute(q);
    },
  };
}
