/**
 * A throwaway PostgreSQL server for tests, the bench and the cluster topology (issue 15, ADR 0020):
 * `initdb` into a temporary directory, then `postgres` on a free 127.0.0.1 port with its Unix socket
 * in that directory too (`-k`), so nothing of the machine's own PostgreSQL is touched.
 *
 * PostgreSQL refuses to run as root (CI runs as root): then the directory is given to the
 * unprivileged `postgres` user (created by the Debian package) and both commands run as that user
 * through `runuser`. Binaries: `PG_BIN` or the newest /usr/lib/postgresql/<v>/bin, else PATH.
 *
 * By hand: `npx tsx db/pg-server.ts` prints a DATABASE_URL and runs until Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PgServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  dir: string;
  /** The same server, another database. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/** Directory of initdb/postgres, or '' to use PATH. */
export function pgBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return '';
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : '';
}

export function havePostgres(): boolean {
  const dir = pgBinDir();
  return dir ? true : spawnSync('sh', ['-c', 'command -v initdb']).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/** uid/gid of the `postgres` system user when we are root (else null: run as ourselves). */
function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = spawnSync('id', ['-u', 'postgres']);
  const gid = spawnSync('id', ['-g', 'postgres']);
  if (id.status !== 0) throw new Error('PostgreSQL refuses to run as root and there is no `postgres` user (install the postgresql package)');
  return { uid: Number(id.stdout.toString().trim()), gid: Number(gid.stdout.toString().trim()) };
}

export async function startPgServer(opts: { port?: number } = {}): Promise<PgServer> {
  const bin = pgBinDir();
  const exe = (name: string) => (bin ? join(bin, name) : name);
  const dir = mkdtempSync(join(tmpdir(), 'commonroom-pg-'));
  const data = join(dir, 'data');
  const user = runAs();
  if (user) {
    chmodSync(dir, 0o700);
    chownSync(dir, user.uid, user.gid);
  }
  const spawnOpts = user ? { uid: user.uid, gid: user.gid, cwd: dir } : { cwd: dir };
  const init = spawnSync(exe('initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], {
    ...spawnOpts,
    encoding: 'utf8',
  });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout || init.error}`);
  }
  const port = opts.port || (await freePort());
  const log: string[] = [];
  const proc: ChildProcess = spawn(
    exe('postgres'),
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300', '-c', 'shared_buffers=64MB'],
    { ...spawnOpts, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (b: Buffer) => {
    log.push(b.toString());
    if (log.length > 50) log.shift();
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const { default: pg } = await import('pg');
  const end = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`postgres exited with ${proc.exitCode}\n${log.join('')}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      break;
    } catch {
      await client.end().catch(() => {});
      if (Date.now() > end) throw new Error(`postgres not ready after 30 s\n${log.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let stopped = false;
  return {
    url,
    port,
    dir,
    urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGINT'); // fast shutdown
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await startPgServer({ port: Number(process.env.PG_PORT) || 0 });
  console.log(`DATABASE_URL=${server.url}`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
