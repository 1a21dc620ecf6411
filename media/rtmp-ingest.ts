/**
 * RTMP ingest: a careful wrapper around node-media-server 4.4.x (NMS), which was written to be the
 * whole process. What it does on its own, and what we do about it:
 * - It listens itself and calls process.exit(1) on EADDRINUSE: we never give it a port. We own the
 *   TCP listener (errors are ours to report; port 0 works) and hand it each connection.
 * - Module-level state (one instance per process): a second start() while one runs is refused,
 *   and our event listeners are removed on stop so a restarted server does not hear old ones.
 * - Its store installs SIGINT/SIGTERM handlers that flush and exit: removed after run(); our
 *   shutdown (Fastify preClose) stops it instead. Its store lives under DATA_DIR.
 * - It logs everything with console.log, stream paths (= stream keys) included: routed to our
 *   logger at debug level with keys redacted.
 * - postPublish also fires for publishes we refused in prePublish: refused ids are tracked.
 * - donePublish comes 30 s after the publisher left (a resume window): we watch the socket.
 * - Its RTMP parser runs in a socket 'data' listener: an exception there would be uncaught, so
 *   the listener is wrapped and a throwing connection is dropped.
 * - Anyone who knows a key could play it back over RTMP: plays are allowed only with the
 *   per-process reader token our FFmpeg uses.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { NmsSession } from 'node-media-server';

export const RTMP_APP = 'live';
/** NMS accepts only these stream names (and we only issue such keys). */
export const STREAM_NAME_RE = /^[A-Za-z0-9_-]{1,128}$/;

export interface IngestLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Publish {
  sessionId: string;
  key: string;
  ip: string;
  /** The NMS session: codec metadata fills in shortly after the publish starts. */
  session: NmsSession;
}

export interface IngestHooks {
  /** Synchronous: may this key publish? Refused publishes are closed at once. */
  authorize(key: string, sessionId: string, ip: string): boolean | Promise<boolean>;
  /** An authorized publish started. */
  published(p: Publish): void;
  /** The publisher's connection closed (prompt; not NMS's 30 s donePublish). */
  unpublished(sessionId: string): void;
}

type NmsModule = typeof import('node-media-server').default;
type ContextModule = typeof import('node-media-server/src/core/context.js');
type LoggerModule = typeof import('node-media-server/src/core/logger.js');

let active: RtmpIngest | null = null;

const redact = (s: string) => s.replace(/\/live\/[A-Za-z0-9_-]+/g, '/live/***').replace(/(name|streamName|key)=([A-Za-z0-9_-]+)/g, '$1=***');

/** Removes stream keys and the reader token from text bound for logs or clients (FFmpeg errors quote URLs). */
export function redactSecrets(text: string): string {
  return text.replace(/live_[A-Za-z0-9_-]{32}/g, 'live_***').replace(/reader=[A-Za-z0-9_-]+/g, 'reader=***').replace(/\/live\/[A-Za-z0-9_-]+/g, '/live/***');
}

export class RtmpIngest {
  /** The RTMP port actually listened on. */
  port = 0;
  private readonly readerToken = randomBytes(18).toString('base64url');
  private readonly refused = new Set<string>();
  /** Publishes whose key check is still running (prePublish → postPublish). */
  private readonly deciding = new Map<string, Promise<void>>();
  private readonly publishers = new Map<string, NmsSession>();
  /** Our transcoders' play sessions (reader token checked), by session id. */
  private readonly readers = new Map<string, NmsSession>();
  private server: Server | null = null;
  private nms: InstanceType<NmsModule> | null = null;
  private context: ContextModule | null = null;
  private readonly listeners: [string, (s: NmsSession) => void][] = [];
  private stopped = false;

  private constructor(
    private readonly hooks: IngestHooks,
    private readonly log: IngestLog,
  ) {}

  /**
   * Starts NMS and listens on host:port (0 = any free port). Rejects (never exits the process)
   * when the port is taken or another ingest runs in this process.
   */
  static async start(opts: { host: string; port: number; storeDir: string; hooks: IngestHooks; log: IngestLog }): Promise<RtmpIngest> {
    if (active) throw new Error('an RTMP ingest already runs in this process (node-media-server keeps module-level state)');
    const ingest = new RtmpIngest(opts.hooks, opts.log);
    active = ingest;
    try {
      await ingest.boot(opts);
      return ingest;
    } catch (err) {
      await ingest.stop().catch(() => {});
      throw err;
    }
  }

  private async boot(opts: { host: string; port: number; storeDir: string }): Promise<void> {
    const require = createRequire(import.meta.url);
    const logger = require('node-media-server/src/core/logger.js') as LoggerModule;
    // Route NMS's console logging to ours, keys redacted. Set before construction: it logs then.
    logger.log = (message: string, level = 'info') => {
      // Its errors are mostly about one connection (bad handshakes): debug level, like the rest.
      if (level !== 'trace') this.log.debug({ nms: level }, redact(String(message)));
    };
    this.context = require('node-media-server/src/core/context.js') as ContextModule;
    const NodeMediaServer = require('node-media-server') as NmsModule;

    // Listen first: if the port is taken we fail before NMS exists at all.
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.log.error({ err }, 'RTMP listener error'));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;

    mkdirSync(opts.storeDir, { recursive: true });
    const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    // No rtmp/http ports: NMS listens on nothing; we feed it connections.
    this.nms = new NodeMediaServer({ bind: opts.host, store: { path: opts.storeDir }, webadmin: { enable: false } });
    this.on('prePublish', (s) => this.prePublish(s));
    this.on('postPublish', (s) => this.postPublish(s));
    this.on('prePlay', (s) => {
      if (s.streamQuery?.reader !== this.readerToken) {
        this.log.warn({ sessionId: s.id, ip: s.ip }, 'RTMP play refused (only the transcoder may read streams)');
        s.close();
        return;
      }
      this.readers.set(s.id, s);
      s.socket?.once('close', () => this.readers.delete(s.id));
    });
    await this.nms.run();
    // Its store installed SIGINT/SIGTERM handlers that flush and exit: our shutdown stops it instead.
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      for (const l of process.listeners(sig)) if (!before[sig].includes(l)) process.removeListener(sig, l as () => void);
    }
  }

  private on(event: string, fn: (s: NmsSession) => void): void {
    this.context!.eventEmitter.on(event, fn);
    this.listeners.push([event, fn]);
  }

  private accept(socket: Socket): void {
    if (this.stopped || !this.nms) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.nms.rtmpServer.handleRequest(socket);
    // Guard the parser: NMS handles 'data' in its own listener; an exception there would be uncaught.
    for (const fn of socket.listeners('data') as ((d: Buffer) => void)[]) {
      socket.removeListener('data', fn);
      socket.on('data', (d: Buffer) => {
        try {
          fn(d);
        } catch (err) {
          this.log.warn({ err: (err as Error).message }, 'RTMP connection sent data the parser could not handle; dropped');
          socket.destroy();
        }
      });
    }
    // A connection that never finishes a handshake or goes silent is dropped.
    socket.setTimeout(30_000, () => socket.destroy());
  }

  private prePublish(s: NmsSession): void {
    if (!(s.streamApp === RTMP_APP && STREAM_NAME_RE.test(s.streamName) && !this.stopped)) return this.refuse(s);
    // The key check reads the database (async): postPublish waits for the verdict, and a refused
    // publish is closed as soon as it is known.
    const verdict = this.safeAuthorize(s).then((ok) => {
      this.deciding.delete(s.id);
      if (!ok || this.stopped) this.refuse(s);
    });
    this.deciding.set(s.id, verdict);
  }

  private refuse(s: NmsSession): void {
    this.refused.add(s.id);
    this.log.info({ sessionId: s.id, ip: s.ip }, 'RTMP publish refused (unknown or rotated stream key)');
    s.close(); // NMS ignores return values
    const socket = s.socket;
    if (socket) setTimeout(() => socket.destroy(), 1000).unref();
  }

  private async safeAuthorize(s: NmsSession): Promise<boolean> {
    try {
      return await this.hooks.authorize(s.streamName, s.id, s.ip);
    } catch (err) {
      this.log.error({ err }, 'stream key check failed');
      return false;
    }
  }

  private postPublish(s: NmsSession): void {
    const pending = this.deciding.get(s.id);
    if (pending) return void pending.then(() => this.postPublish(s));
    if (this.refused.delete(s.id)) return; // NMS fires postPublish for refused publishes too
    if (this.publishers.has(s.id)) return;
    this.publishers.set(s.id, s);
    const onClose = () => {
      if (!this.publishers.delete(s.id)) return;
      this.safe(() => this.hooks.unpublished(s.id));
    };
    if (s.socket) {
      if (s.socket.destroyed) return void setImmediate(onClose);
      s.socket.once('close', onClose);
    }
    this.safe(() => this.hooks.published({ sessionId: s.id, key: s.streamName, ip: s.ip, session: s }));
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, 'stream hook failed');
    }
  }

  /** The URL our transcoder reads a live key from (loopback, with the reader token). */
  readerUrl(key: string): string {
    return `rtmp://127.0.0.1:${this.port}/${RTMP_APP}/${key}?reader=${this.readerToken}`;
  }

  /** Disconnects a publisher (kick, key rotation). */
  kick(sessionId: string): void {
    const s = this.publishers.get(sessionId);
    if (!s) return;
    if (s.socket) s.socket.destroy();
    else s.close();
  }

  /**
   * Ends our transcoders' reads of `key` (FIN on their RTMP connections): FFmpeg sees the end of
   * its input, finishes its outputs (HLS: last segment listed, ENDLIST) and exits by itself. NMS
   * would otherwise keep those connections open and silent for its 30 s resume window after the
   * publisher left. Sockets still open a few seconds later are destroyed. Returns how many closed.
   */
  closeReaders(key: string): number {
    let n = 0;
    for (const [id, s] of this.readers) {
      if (s.streamName !== key) continue;
      this.readers.delete(id);
      n++;
      const socket = s.socket;
      if (!socket) {
        s.close();
        continue;
      }
      socket.end();
      setTimeout(() => socket.destroy(), 5000).unref();
    }
    return n;
  }

  /** Bytes received from a publisher so far (for the input bitrate). */
  inBytes(sessionId: string): number {
    return this.publishers.get(sessionId)?.inBytes ?? 0;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    try {
      // Destroys every RTMP connection it was handed, closes its store.
      await this.nms?.stop();
    } catch (err) {
      this.log.warn({ err }, 'node-media-server stop failed');
    }
    await closed;
    for (const [event, fn] of this.listeners) this.context?.eventEmitter.off(event, fn);
    this.listeners.length = 0;
    this.publishers.clear();
    this.readers.clear();
    if (active === this) active = null;
  }
}
