/**
 * Starts the scale-out topology on one machine, for the cluster tests, the bench and trying it
 * out: one redis-server and one nginx (both on free 127.0.0.1 ports, in a temporary directory)
 * in front of N Commonroom nodes sharing one DATA_DIR (SQLite in WAL mode, uploads, HLS).
 * With `postgres` (or CLUSTER_DB=postgres in the environment) a throwaway PostgreSQL
 * (db/pg-server.ts) holds the data instead of the shared SQLite file, and the nodes start
 * together (their migrations serialise on PostgreSQL's advisory lock).
 * With `janus`, one Janus is started here (a child of this process, config generated like a node's
 * own, in the temporary directory) and every node is pointed at it with JANUS_URL and
 * JANUS_API_SECRET (docs/decisions/0038-sfu-on-several-nodes.md): a node killed with -9 takes no
 * Janus with it and leaves none behind.
 * `npm run cluster` runs it by hand (deploy/start-cluster.ts).
 */
import { randomBytes } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startPgServer, type PgServer } from '../db/pg-server.js';

const ROOT = resolve(import.meta.dirname, '..');

export interface NodeProc {
  id: string;
  port: number;
  url: string;
  proc: ChildProcess | null;
  /** Last lines of the node's output, for failures. */
  log: string[];
}

export interface Topology {
  dir: string;
  dataDir: string;
  redisUrl: string;
  /** The PostgreSQL database of the nodes ('' on SQLite). */
  databaseUrl: string;
  /** Every node's SESSION_SECRET. */
  sessionSecret: string;
  /** The shared Janus (with `janus`): its WebSocket API, API secret, and the supervisor holding a connection to it. */
  janus: { url: string; apiSecret: string; supervisor: import('../server/sfu/janus-supervisor.js').JanusSupervisor } | null;
  /** nginx, the address users use. */
  url: string;
  nodes: NodeProc[];
  /** kill -9 of one node (no goodbye: leases run out on their own). */
  kill(id: string): void;
  /** Starts a stopped or killed node again. */
  restart(id: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TopologyOptions {
  nodes?: number;
  /** Ports of the nodes: basePort, basePort+1, ... (0: free ports). */
  basePort?: number;
  leaseMs?: number;
  /** Run the built server (dist/server/main.js) instead of tsx on the sources. */
  built?: boolean;
  env?: Record<string, string>;
  /** More environment for single nodes, by id (`{ n1: { STREAMING_ENABLED: 'true' } }`: n1 runs RTMP ingest). */
  nodeEnv?: Record<string, Record<string, string>>;
  logLevel?: string;
  /** false: no Redis and no REDIS_URL (one node behind nginx, the single-process baseline). */
  redis?: boolean;
  /** PostgreSQL instead of the shared SQLite file (default: CLUSTER_DB=postgres in the environment). */
  postgres?: boolean;
  /** Start one Janus for all nodes (large calls, real-time live); without it the nodes run with JANUS_ENABLED=off. */
  janus?: boolean;
}

export function freePort(): Promise<number> {
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

/** Whether the system tools are installed (the cluster tests skip with a message when not). */
export function haveTools(): { ok: boolean; missing: string[] } {
  const missing = ['redis-server', 'nginx'].filter((bin) => spawnSync('sh', ['-c', `command -v ${bin} || test -x /usr/sbin/${bin}`]).status !== 0);
  return { ok: missing.length === 0, missing };
}

/** Whether `janus` is installed (the SFU cluster tests skip with a message when not). */
export function haveJanus(): boolean {
  return spawnSync('sh', ['-c', 'command -v janus']).status === 0;
}

/** One Janus for the whole topology, supervised from this process (config in `dir/janus`). */
async function startJanus(dir: string) {
  const { JanusSupervisor, findExecutable } = await import('../server/sfu/janus-supervisor.js');
  const binary = findExecutable('janus');
  if (!binary) throw new Error('janus is not installed');
  const quiet = { info() {}, warn() {} };
  const supervisor = new JanusSupervisor({
    mode: 'child',
    binary,
    wsPort: 0,
    rtpPorts: [33000, 33999],
    dataDir: dir,
    ice: { stunUrls: [], turnUrls: [], turnSecret: undefined, turnTtlSeconds: 3600 },
    log: quiet,
  });
  supervisor.start();
  await supervisor.waitUp(30_000);
  return { url: supervisor.url, apiSecret: supervisor.apiSecret, supervisor };
}

const nginxBin = () => (spawnSync('sh', ['-c', 'command -v nginx']).stdout.toString().trim() || '/usr/sbin/nginx');

async function waitFor(what: string, fn: () => Promise<boolean>, timeoutMs: number, proc?: ChildProcess | null, log?: string[]): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (proc && proc.exitCode !== null) throw new Error(`${what}: exited with ${proc.exitCode}\n${(log ?? []).join('')}`);
    if (await fn().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`${what}: not ready after ${timeoutMs} ms\n${(log ?? []).join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The nginx config of the topology: deploy/nginx.conf with this run's ports and paths. */
export function nginxConfig(opts: { listen: number; nodes: { port: number }[]; dir: string; asRoot: boolean }): string {
  const sample = readFileSync(join(ROOT, 'deploy/nginx.conf'), 'utf8');
  const upstream = opts.nodes.map((n) => `    server 127.0.0.1:${n.port} max_fails=1 fail_timeout=2s;`).join('\n');
  return (
    `${opts.asRoot ? 'user root;\n' : ''}worker_processes 1;\npid ${opts.dir}/nginx.pid;\nerror_log ${opts.dir}/nginx-error.log warn;\nevents { worker_connections 4096; }\n` +
    `http {\n  access_log off;\n  client_body_temp_path ${opts.dir}/nginx-body;\n  proxy_temp_path ${opts.dir}/nginx-proxy;\n  fastcgi_temp_path ${opts.dir}/nginx-fcgi;\n  uwsgi_temp_path ${opts.dir}/nginx-uwsgi;\n  scgi_temp_path ${opts.dir}/nginx-scgi;\n` +
    sample
      .split('# --- begin http block ---')[1]!
      .split('# --- end http block ---')[0]!
      .replace(/ {4}server 127\.0\.0\.1:30\d\d[^\n]*\n/g, '')
      .replaceAll('# nodes', `# nodes\n${upstream}`)
      .replace('listen 80;', `listen 127.0.0.1:${opts.listen};`) +
    '}\n'
  );
}

/** A throwaway redis-server on a free 127.0.0.1 port (no persistence) in `dir`. */
export async function startRedis(dir: string): Promise<{ url: string; port: number; proc: ChildProcess; stop(): void }> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await waitFor('redis', async () => spawnSync('redis-cli', ['-p', String(port), 'ping']).stdout?.toString().trim() === 'PONG', 10_000, proc);
  return { url: `redis://127.0.0.1:${port}`, port, proc, stop: () => proc.kill('SIGKILL') };
}

export async function startTopology(opts: TopologyOptions = {}): Promise<Topology> {
  const n = opts.nodes ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'commonroom-cluster-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const children: ChildProcess[] = [];

  // Redis: no persistence, only this run's data.
  const redis = opts.redis === false ? null : await startRedis(dir);
  if (redis) children.push(redis.proc);
  const redisUrl = redis?.url ?? '';

  const sessionSecret = randomBytes(32).toString('hex');
  let janus: Topology['janus'] = null;
  try {
    if (opts.janus) janus = await startJanus(dir);
  } catch (err) {
    for (const c of children) c.kill('SIGKILL');
    throw err;
  }
  let pgServer: PgServer | null = null;
  let databaseUrl = '';
  if (opts.postgres ?? process.env.CLUSTER_DB === 'postgres') {
    pgServer = await startPgServer();
    const { default: pg } = await import('pg');
    const admin = new pg.Client({ connectionString: pgServer.url });
    await admin.connect();
    await admin.query('CREATE DATABASE commonroom');
    await admin.end();
    databaseUrl = pgServer.urlFor('commonroom');
  }

  const nginxPort = await freePort();
  const url = `http://127.0.0.1:${nginxPort}`;
  const nodes: NodeProc[] = [];
  for (let i = 0; i < n; i++) {
    const port = opts.basePort ? opts.basePort + i : await freePort();
    nodes.push({ id: `n${i + 1}`, port, url: `http://127.0.0.1:${port}`, proc: null, log: [] });
  }

  const entry = opts.built && existsSync(join(ROOT, 'dist/server/main.js')) ? ['dist/server/main.js'] : ['--import', 'tsx', 'server/main.ts'];
  const launch = async (node: NodeProc) => {
    node.log = [];
    const proc = spawn(process.execPath, entry, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(node.port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
        // Nodes starting together must not each create a session secret of their own.
        ...(databaseUrl ? { DATABASE_URL: databaseUrl, SESSION_SECRET: sessionSecret } : {}),
        ...(janus ? { SESSION_SECRET: sessionSecret } : {}),
        NODE_ID: node.id,
        CLUSTER_LEASE_MS: String(opts.leaseMs ?? 3000),
        PUBLIC_URL: url,
        ALLOWED_ORIGINS: nodes.map((x) => x.url).join(','),
        TRUST_PROXY: 'true',
        STREAMING_ENABLED: 'false',
        // One Janus for every node (`janus`), started above, so no node owns (or orphans) it; else none.
        ...(janus ? { JANUS_ENABLED: 'auto', JANUS_URL: janus.url, JANUS_API_SECRET: janus.apiSecret } : { JANUS_ENABLED: 'off' }),
        PUSH_ENABLED: 'false',
        LOG_LEVEL: opts.logLevel ?? 'warn',
        ...opts.env,
        ...opts.nodeEnv?.[node.id],
      },
    });
    const keep = (chunk: Buffer) => {
      node.log.push(chunk.toString());
      if (node.log.length > 60) node.log.shift();
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    node.proc = proc;
    children.push(proc);
    await waitFor(`node ${node.id}`, async () => (await fetch(`${node.url}/api/health`)).ok, 180_000, proc, node.log);
  };
  try {
    // The first node creates the session secret and the VAPID keys (and the SQLite file); then the
    // others. On PostgreSQL they start together: the advisory lock makes one of them migrate.
    if (databaseUrl) await Promise.all(nodes.map(launch));
    else {
      await launch(nodes[0]!);
      await Promise.all(nodes.slice(1).map(launch));
    }

    const asRoot = process.getuid?.() === 0;
    writeFileSync(join(dir, 'nginx.conf'), nginxConfig({ listen: nginxPort, nodes, dir, asRoot }));
    const nginx = spawn(nginxBin(), ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const nginxLog: string[] = [];
    nginx.stderr!.on('data', (c: Buffer) => nginxLog.push(c.toString()));
    children.push(nginx);
    await waitFor('nginx', async () => (await fetch(`${url}/api/health`)).ok, 10_000, nginx, nginxLog);
  } catch (err) {
    for (const c of children) c.kill('SIGKILL');
    await janus?.supervisor.stop();
    await pgServer?.stop();
    setTimeout(() => rmSync(dir, { recursive: true, force: true }), 500).unref();
    throw err;
  }

  const byId = (id: string) => {
    const node = nodes.find((x) => x.id === id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  };
  return {
    dir,
    dataDir,
    redisUrl,
    databaseUrl,
    sessionSecret,
    janus,
    url,
    nodes,
    kill(id) {
      byId(id).proc?.kill('SIGKILL');
    },
    async restart(id) {
      const node = byId(id);
      if (node.proc && node.proc.exitCode === null && node.proc.signalCode === null) return;
      await launch(node);
    },
    async stop() {
      const exits = children
        .filter((c) => c.exitCode === null && c.signalCode === null)
        .map((c) => new Promise<void>((r) => {
          c.once('exit', () => r());
          c.kill('SIGTERM');
          setTimeout(() => {
            c.kill('SIGKILL');
            r();
          }, 5000).unref();
        }));
      await Promise.all(exits);
      await janus?.supervisor.stop();
      await pgServer?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
