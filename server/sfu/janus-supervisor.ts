/**
 * Runs Janus for us: either a child process (`janus` on PATH or JANUS_PATH) with configuration
 * generated into DATA_DIR/janus, or an external one at JANUS_URL. Connects with janode, watches the
 * process and the connection, restarts/reconnects with back-off, stops the child on shutdown.
 * Emits 'up' (with the connection) and 'down'. Never throws into the server: without Janus the
 * server simply runs with large calls unavailable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { accessSync, constants, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import type { JanodeConnection } from 'janode';
import type { AppConfig } from '../config.js';
import { janusFiles } from './janus-config.js';
import { loadJanode } from './janode-loader.js';

export type JanusState = 'off' | 'starting' | 'up' | 'down';

export interface SupervisorLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** Finds an executable on PATH (or checks an explicit path). */
export function findExecutable(name: string, pathEnv = process.env.PATH ?? ''): string | null {
  const candidates = name.includes('/') ? [name] : pathEnv.split(delimiter).filter(Boolean).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return null;
}

/** Where the Debian/Ubuntu package (or a source build) keeps the plugin folders. */
export function janusLibDir(): string {
  for (const d of ['/usr/lib/x86_64-linux-gnu/janus', '/usr/lib/aarch64-linux-gnu/janus', '/usr/lib/janus', '/usr/local/lib/janus', '/opt/janus/lib/janus']) {
    if (existsSync(join(d, 'plugins'))) return d;
  }
  return '/usr/lib/x86_64-linux-gnu/janus';
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000, 30000];

export class JanusSupervisor extends EventEmitter {
  state: JanusState = 'off';
  connection: JanodeConnection | null = null;
  /** The child's pid while one runs (tests kill it to check the restart). */
  pid: number | null = null;
  /** How many times Janus came up (1 on the first start). */
  generation = 0;
  readonly apiSecret: string;
  private child: ChildProcess | null = null;
  private stopping = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private upSince = 0;
  private wsPort = 0;

  constructor(
    private readonly opts: {
      mode: 'child' | 'external';
      binary?: string;
      url?: string;
      apiSecret?: string;
      wsPort: number;
      rtpPorts: [number, number];
      dataDir: string;
      ice: AppConfig['ice'];
      log: SupervisorLog;
    },
  ) {
    super();
    this.apiSecret = opts.apiSecret ?? randomBytes(24).toString('base64url');
  }

  /** The Janus WebSocket API address (loopback for a child). */
  get url(): string {
    return this.opts.url ?? `ws://127.0.0.1:${this.wsPort}`;
  }

  start(): void {
    this.stopping = false;
    void this.launch();
  }

  private async launch(): Promise<void> {
    if (this.stopping) return;
    this.setState('starting');
    try {
      if (this.opts.mode === 'child') await this.spawnChild();
      const conn = await this.connect();
      if (this.stopping) {
        await conn.close().catch(() => {});
        return;
      }
      this.connection = conn;
      this.upSince = Date.now();
      this.generation++;
      conn.once('connection_closed', () => this.lost('connection closed'));
      conn.once('connection_error', () => this.lost('connection error'));
      this.setState('up');
      this.opts.log.info({ url: this.url, pid: this.pid }, 'janus up');
      this.emit('up', conn);
    } catch (err) {
      this.opts.log.warn({ err: String(err) }, 'janus did not come up');
      this.lost(String(err));
    }
  }

  private async spawnChild(): Promise<void> {
    const dir = join(this.opts.dataDir, 'janus');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.wsPort = this.opts.wsPort || (await freePort());
    const files = janusFiles({ dir, apiSecret: this.apiSecret, wsPort: this.wsPort, rtpPorts: this.opts.rtpPorts, ice: this.opts.ice, now: Date.now(), libDir: janusLibDir() });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o600 });
    const child = spawn(this.opts.binary!, ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-o', '-p', join(dir, 'janus.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.pid = child.pid ?? null;
    let tail = '';
    const keep = (b: Buffer) => (tail = (tail + b.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      if (this.child === child) {
        this.child = null;
        this.pid = null;
      }
      if (!this.stopping) this.opts.log.warn({ code, signal, tail: tail.slice(-800) }, 'janus exited');
      this.lost(`exited (${signal ?? code})`);
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  }

  /** janode connects once; we retry until the child's WebSocket listens (or give up after ~10 s). */
  private async connect(): Promise<JanodeConnection> {
    const deadline = Date.now() + 10_000;
    const { Janode } = await loadJanode();
    for (;;) {
      try {
        return await Janode.connect({ address: { url: this.url, apisecret: this.apiSecret }, retry_time_secs: 1, max_retries: 0 });
      } catch (err) {
        if (this.stopping || Date.now() > deadline || (this.opts.mode === 'child' && !this.child)) throw err;
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  }

  private lost(reason: string): void {
    const wasUp = this.state === 'up';
    const conn = this.connection;
    this.connection = null;
    if (conn) conn.close().catch(() => {});
    if (this.child && !this.stopping) {
      // The connection went but the process lingers: restart it cleanly.
      this.child.kill('SIGKILL');
      return; // its exit calls lost() again
    }
    if (this.stopping) return this.setState('off');
    if (this.state === 'down' && this.retryTimer) return;
    if (wasUp && Date.now() - this.upSince > 60_000) this.attempt = 0;
    this.setState('down');
    if (wasUp) this.emit('down', reason);
    const wait = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)]!;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.launch();
    }, wait);
    this.retryTimer.unref();
  }

  private setState(s: JanusState): void {
    if (this.state === s) return;
    this.state = s;
    this.emit('state', s);
  }

  /** Waits until Janus is up (tests, start-up), or rejects after `ms`. */
  waitUp(ms = 15_000): Promise<JanodeConnection> {
    if (this.state === 'up' && this.connection) return Promise.resolve(this.connection);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.off('up', on);
        reject(new Error('janus did not come up'));
      }, ms);
      const on = (c: JanodeConnection) => {
        clearTimeout(t);
        resolve(c);
      };
      this.once('up', on);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    const conn = this.connection;
    this.connection = null;
    if (conn) await Promise.race([conn.close().catch(() => {}), new Promise((r) => setTimeout(r, 1000))]);
    const child = this.child;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    this.setState('off');
  }
}
