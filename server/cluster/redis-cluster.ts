/**
 * Several nodes sharing one Redis: node heartbeats, a request/reply bus (Redis pub/sub, one
 * channel per node) and room leases.
 *
 * A room's live state (chess clocks, pomodoro, blackjack table, music playback) is owned by the
 * node holding `cr:lease:room:<id>` (value `<nodeId>|<fencing token>`, token from INCR, set with
 * a TTL and renewed every third of it). The holder considers itself owner only until
 * `renewal sent + TTL - margin`, so by the time the key can expire in Redis and another node can
 * take it, the old owner has already stopped applying (a stale owner cannot apply). A node killed
 * with -9 stops renewing: its leases expire after one TTL and the takeover scan of the surviving
 * nodes adopts its rooms from the shared database.
 */
import { Redis } from 'ioredis';
import { NodeGoneError, type BusHandler, type Cluster, type RoomOwnedFeature, type SharedValues } from './cluster.js';

const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if v then
  local owner = string.match(v, '^([^|]+)|')
  if owner == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return {1, v} end
  return {0, v}
end
local token = redis.call('INCR', KEYS[2])
v = ARGV[1] .. '|' .. token
redis.call('SET', KEYS[1], v, 'PX', ARGV[2])
return {1, v}`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/** KEYS: lease, value. ARGV: this node's lease value, '1' to set / '0' to delete, the value. */
const SET_OWNED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '1' then redis.call('SET', KEYS[2], ARGV[3]) else redis.call('DEL', KEYS[2]) end
return 1`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export const leaseKey = (roomId: number) => `cr:lease:room:${roomId}`;
const fenceKey = (roomId: number) => `cr:fence:room:${roomId}`;
const nodeKey = (nodeId: string) => `cr:node:${nodeId}`;
const nodeChannel = (nodeId: string) => `cr:bus:node:${nodeId}`;
const ALL = 'cr:bus:all';

interface Held {
  value: string;
  validUntil: number;
  expiry: NodeJS.Timeout;
}

type Message =
  | { t: 'req'; id: number; kind: string; from: string; payload: unknown }
  | { t: 'res'; id: number; from: string; ok: boolean; payload: unknown }
  | { t: 'cast'; kind: string; from: string; payload: unknown };

export { NodeGoneError };

export interface RedisClusterOptions {
  /** Lease time to live; a dead owner's rooms are taken over after at most about this long. */
  leaseMs?: number;
  /** How often every node looks for rooms with live state and no owner. */
  scanMs?: number;
  /** This node's internal base URL, for nodes passing connections on to it (PeerJS signalling). */
  url?: string;
  log?: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

export class RedisCluster implements Cluster {
  readonly enabled = true;
  readonly redis: Redis;
  private readonly sub: Redis;
  readonly leaseMs: number;
  private readonly scanMs: number;
  private readonly margin: number;
  private readonly held = new Map<number, Held>();
  private readonly acquiring = new Map<number, Promise<string>>();
  private readonly features: RoomOwnedFeature[] = [];
  private readonly handlers = new Map<string, BusHandler>();
  private readonly listeners = new Map<string, ((payload: unknown, from: string) => void)[]>();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private nextId = 1;
  private loops: NodeJS.Timeout[] = [];
  private stopped = false;
  private readonly log: NonNullable<RedisClusterOptions['log']>;
  private readonly url: string;
  readonly values: SharedValues = {
    get: (key) => this.redis.get(key),
    set: async (key, value) => void (await this.redis.set(key, value)),
    del: async (key) => void (await this.redis.del(key)),
    keys: async (prefix) => {
      const out: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 500);
        cursor = next;
        out.push(...batch);
      } while (cursor !== '0');
      return out;
    },
    setOwned: async (roomId, key, value) => {
      const h = this.held.get(roomId);
      if (!h || Date.now() >= h.validUntil) return false;
      const done = await (this.redis as unknown as LeaseCommands).crSetOwned(leaseKey(roomId), key, h.value, value === null ? '0' : '1', value ?? '');
      return done === 1;
    },
  };

  constructor(
    url: string,
    readonly nodeId: string,
    opts: RedisClusterOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? 3000;
    this.scanMs = opts.scanMs ?? 1000;
    this.margin = Math.max(200, Math.round(this.leaseMs / 4));
    this.url = opts.url ?? '';
    const quiet = { info() {}, warn() {}, error() {} };
    this.log = opts.log ?? quiet;
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.sub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.redis.on('error', (err) => this.log.warn({ err }, 'redis error'));
    this.sub.on('error', (err) => this.log.warn({ err }, 'redis (subscriber) error'));
    this.redis.defineCommand('crAcquire', { numberOfKeys: 2, lua: ACQUIRE });
    this.redis.defineCommand('crRenew', { numberOfKeys: 1, lua: RENEW });
    this.redis.defineCommand('crRelease', { numberOfKeys: 1, lua: RELEASE });
    this.redis.defineCommand('crSetOwned', { numberOfKeys: 2, lua: SET_OWNED });
  }

  async start(): Promise<void> {
    await Promise.all([this.redis.connect(), this.sub.connect()]);
    this.sub.on('message', (_channel: string, raw: string) => this.onMessage(raw));
    await this.sub.subscribe(ALL, nodeChannel(this.nodeId));
    await this.beat();
    const every = (ms: number, fn: () => Promise<void>) => {
      let running = false;
      const t = setInterval(() => {
        if (running || this.stopped) return;
        running = true;
        fn()
          .catch((err) => this.log.warn({ err }, 'cluster loop failed'))
          .finally(() => (running = false));
      }, ms);
      t.unref();
      this.loops.push(t);
    };
    every(Math.round(this.leaseMs / 3), async () => {
      await this.beat();
      await this.renewAll();
    });
    every(this.scanMs, () => this.scan());
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.loops) clearInterval(t);
    // Graceful stop: hand the rooms back at once so another node adopts them on its next scan.
    const held = [...this.held.entries()];
    for (const [roomId] of held) this.evict(roomId);
    try {
      await Promise.all(held.map(([roomId, h]) => (this.redis as unknown as LeaseCommands).crRelease(leaseKey(roomId), h.value)));
      await this.redis.del(nodeKey(this.nodeId));
    } catch {
      /* Redis gone: the leases expire on their own */
    }
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('cluster stopped'));
    }
    this.pending.clear();
    this.redis.disconnect();
    this.sub.disconnect();
  }

  // ---- nodes ----

  private async beat(): Promise<void> {
    await this.redis.set(nodeKey(this.nodeId), this.url, 'PX', this.leaseMs);
  }

  async addressOf(nodeId: string): Promise<string | null> {
    return (await this.redis.get(nodeKey(nodeId))) || null;
  }

  async nodes(): Promise<string[]> {
    const keys = await this.redis.keys('cr:node:*');
    return keys.map((k) => k.slice('cr:node:'.length)).sort();
  }

  // ---- bus ----

  handle(kind: string, fn: BusHandler): void {
    this.handlers.set(kind, fn);
  }

  on(kind: string, fn: (payload: unknown, from: string) => void): void {
    const list = this.listeners.get(kind) ?? [];
    list.push(fn);
    this.listeners.set(kind, list);
  }

  broadcast(kind: string, payload: unknown): void {
    if (this.stopped) return;
    const msg: Message = { t: 'cast', kind, from: this.nodeId, payload };
    this.redis.publish(ALL, JSON.stringify(msg)).catch(() => {});
  }

  async request(nodeId: string, kind: string, payload: unknown, timeoutMs = 5000): Promise<unknown> {
    const id = this.nextId++;
    const msg: Message = { t: 'req', id, kind, from: this.nodeId, payload };
    let watch: NodeJS.Timeout | undefined;
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer from ${nodeId} for ${kind}`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      // The node may die after receiving the request (kill -9): once its channel has no subscriber
      // left, stop waiting and let the caller go to the room's next owner.
      watch = setInterval(() => {
        void this.redis
          .pubsub('NUMSUB', nodeChannel(nodeId))
          .then((r) => {
            const p = this.pending.get(id);
            if (!p || Number((r as [string, number])[1]) > 0) return;
            clearTimeout(p.timer);
            this.pending.delete(id);
            p.reject(new NodeGoneError(nodeId));
          })
          .catch(() => {});
      }, 250);
    }).finally(() => clearInterval(watch));
    const receivers = await this.redis.publish(nodeChannel(nodeId), JSON.stringify(msg));
    if (receivers === 0) {
      const p = this.pending.get(id);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(id);
      }
      throw new NodeGoneError(nodeId);
    }
    return answer;
  }

  private onMessage(raw: string): void {
    let msg: Message;
    try {
      msg = JSON.parse(raw) as Message;
    } catch {
      return;
    }
    if (msg.t === 'res') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      clearTimeout(p.timer);
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.payload);
      else p.reject(Object.assign(new Error('remote handler failed'), { remote: msg.payload }));
      return;
    }
    if (msg.from === this.nodeId) return;
    if (msg.t === 'cast') {
      for (const fn of this.listeners.get(msg.kind) ?? []) {
        try {
          fn(msg.payload, msg.from);
        } catch (err) {
          this.log.error({ err, kind: msg.kind }, 'cluster listener failed');
        }
      }
      return;
    }
    const reply = (ok: boolean, payload: unknown) => {
      const res: Message = { t: 'res', id: msg.id, from: this.nodeId, ok, payload };
      this.redis.publish(nodeChannel(msg.from), JSON.stringify(res)).catch(() => {});
    };
    const fn = this.handlers.get(msg.kind);
    if (!fn) return reply(false, { message: `no handler for ${msg.kind}` });
    Promise.resolve()
      .then(() => fn(msg.payload, msg.from))
      .then(
        (v) => reply(true, v ?? null),
        (err: unknown) => reply(false, { message: err instanceof Error ? err.message : String(err) }),
      );
  }

  // ---- leases ----

  register(feature: RoomOwnedFeature): void {
    this.features.push(feature);
  }

  owns(roomId: number): boolean {
    const h = this.held.get(roomId);
    return !!h && Date.now() < h.validUntil;
  }

  ownerOf(roomId: number): Promise<string> {
    if (this.owns(roomId)) return Promise.resolve(this.nodeId);
    const inflight = this.acquiring.get(roomId);
    if (inflight) return inflight;
    const p = this.acquire(roomId).finally(() => this.acquiring.delete(roomId));
    this.acquiring.set(roomId, p);
    return p;
  }

  private async acquire(roomId: number): Promise<string> {
    if (this.stopped) throw new Error('cluster stopped');
    const sentAt = Date.now();
    const [got, value] = await (this.redis as unknown as LeaseCommands).crAcquire(leaseKey(roomId), fenceKey(roomId), this.nodeId, this.leaseMs);
    const owner = value.split('|')[0]!;
    if (got !== 1) return owner;
    const fresh = !this.held.has(roomId);
    this.hold(roomId, value, sentAt);
    if (fresh) {
      this.log.info({ roomId, lease: value }, 'room adopted');
      for (const f of this.features) {
        try {
          await f.adopt(roomId);
        } catch (err) {
          this.log.error({ err, roomId, feature: f.name }, 'adopting a room failed');
        }
      }
    }
    return this.nodeId;
  }

  private hold(roomId: number, value: string, sentAt: number): void {
    const prev = this.held.get(roomId);
    if (prev) clearTimeout(prev.expiry);
    const validUntil = sentAt + this.leaseMs - this.margin;
    // Not renewed in time (Redis unreachable, event loop stalled): stop applying before anyone can take over.
    const expiry = setTimeout(() => this.evict(roomId), Math.max(0, validUntil - Date.now()));
    expiry.unref();
    this.held.set(roomId, { value, validUntil, expiry });
  }

  private evict(roomId: number): void {
    const h = this.held.get(roomId);
    if (!h) return;
    clearTimeout(h.expiry);
    this.held.delete(roomId);
    for (const f of this.features) {
      try {
        f.evict(roomId);
      } catch (err) {
        this.log.error({ err, roomId, feature: f.name }, 'evicting a room failed');
      }
    }
    if (!this.stopped) this.log.warn({ roomId }, 'room lease lost');
  }

  private async renewAll(): Promise<void> {
    const entries = [...this.held.entries()];
    await Promise.all(
      entries.map(async ([roomId, h]) => {
        const sentAt = Date.now();
        const ok = await (this.redis as unknown as LeaseCommands).crRenew(leaseKey(roomId), h.value, this.leaseMs);
        if (this.held.get(roomId) !== h) return;
        if (ok === 1) this.hold(roomId, h.value, sentAt);
        else this.evict(roomId);
      }),
    );
  }

  /** Takes over rooms with live state whose lease nobody holds (a node died or stopped). */
  private async scan(): Promise<void> {
    const rooms = new Set<number>();
    for (const f of this.features) for (const id of await f.liveRooms()) if (!this.held.has(id)) rooms.add(id);
    if (rooms.size === 0) return;
    const ids = [...rooms];
    const values = await this.redis.mget(ids.map(leaseKey));
    for (const [i, roomId] of ids.entries()) {
      if (values[i] === null) await this.ownerOf(roomId).catch(() => {});
    }
  }
}

interface LeaseCommands {
  crAcquire(key: string, fence: string, nodeId: string, ttl: number): Promise<[number, string]>;
  crRenew(key: string, value: string, ttl: number): Promise<number>;
  crRelease(key: string, value: string): Promise<number>;
  crSetOwned(lease: string, key: string, value: string, set: '0' | '1', data: string): Promise<number>;
}
