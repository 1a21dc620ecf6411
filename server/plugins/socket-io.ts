/**
 * Socket.IO attached to Fastify's HTTP server. Authenticates every connection (and every recovery)
 * with the session cookie, checks Origin, caps message size and rate-limits events per user.
 * Features register commands through {@link SocketHub.command}; nobody calls bare `socket.on`.
 */
import fp from 'fastify-plugin';
import { Server, type Socket } from 'socket.io';
import { SessionAwareAdapter, type Session } from 'socket.io-adapter';
import type { z } from 'zod';
import type { Ack } from '../../protocol/ack.js';
import type { ErrorBody } from '../../protocol/errors.js';
import {
  commandSchemas,
  type ClientToServerEvents,
  type CommandName,
  type CommandResults,
  type ServerToClientEvents,
  type SocketData,
} from '../../protocol/events.js';
import { NodeGoneError, type Cluster } from '../cluster/cluster.js';
import { SESSION_COOKIE } from './auth.js';
import { IdempotencyCache, idempotencyKey } from './idempotency.js';
import { KeyedQueue } from './keyed-queue.js';
import { AppError } from './errors.js';
import { isRawRequestAllowed } from './origin.js';
import { RateLimiter, perWindow } from './rate-limit.js';

export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface CommandContext {
  socket: AppSocket;
  userId: number;
  sessionId: string;
}

type Payload<E extends CommandName> = z.output<(typeof commandSchemas)[E]>;
type Handler<E extends CommandName, X> = (
  ctx: CommandContext & X,
  payload: Payload<E>,
) => CommandResults[E] | LaterAck<CommandResults[E]> | Promise<CommandResults[E] | LaterAck<CommandResults[E]>>;

/**
 * A handler's answer whose ack waits for `result` while the socket's next command of the same
 * feature and room may already start: the handler did everything later commands depend on (checks,
 * in-memory state, relaying) and only the acknowledgement waits (a document update's row being
 * written, docs/decisions/0031-document-update-path.md). Not for commands with a `clientId`.
 */
export class LaterAck<T> {
  constructor(readonly result: Promise<T>) {}
}

/** An ack still to come (see LaterAck). */
interface PendingAck {
  pending: Promise<Ack<unknown>>;
}
const isPending = (a: Ack<unknown> | PendingAck): a is PendingAck => 'pending' in a;

/** Runs before a handler; returns extra context (for example the caller's room membership) or throws. */
export type Authorizer<X> = (ctx: CommandContext, payload: { roomId?: number }) => X | Promise<X>;

/** Runs after every authorizer, with the command's name and what the authorizer returned; throws to refuse. */

interface Registered {
  name: CommandName;
  run: (ctx: CommandContext, raw: unknown) => Promise<unknown>;
}

export const userChannel = (userId: number) => `user:${userId}`;
export const sessionChannel = (sessionId: string) => `session:${sessionId}`;

/**
 * Inspects a connection-state session before Socket.IO restores it. Return false to refuse
 * recovery; or mutate `session.rooms` / `session.missedPackets` to withhold what the user may no
 * longer see.
 */
export type RecoveryGuard = (session: Session & { data: SocketData }) => boolean | Promise<boolean>;

/** Sees every validated command before its authorizer; throws AppError to refuse it. */
/** A rule for every command, run after its authorizer: `authorized` is what the authorizer returned (e.g. `membership`). */
export type CommandGuard = (name: CommandName, ctx: CommandContext, payload: { roomId?: number }, authorized: object) => void | Promise<void>;

export class SocketHub {
  /** Results of commands sent with a `clientId`, so a retry after a lost ack gets the same ack. */
  readonly idempotency = new IdempotencyCache();
  /** Commands by event name, for the one listener every socket shares. */
  private readonly byName = new Map<string, Registered>();
  private readonly recoveryGuards: RecoveryGuard[] = [];
  private readonly commandGuards: CommandGuard[] = [];
  private readonly connectHooks: ((socket: AppSocket) => void | Promise<void>)[] = [];
  private readonly disconnectingHooks: ((socket: AppSocket) => void)[] = [];
  private readonly goneHooks: ((socketId: string) => void)[] = [];
  /** Commands acting on a room's live state, with how to find the room from the raw payload. */
  private readonly owned = new Map<string, RoomOf>();
  /** @internal set by the plugin */
  cluster: Cluster | null = null;
  /** @internal set by the plugin */
  io: AppServer | null = null;

  /**
   * Defines a command: the payload is validated against `commandSchemas[name]`, `authorize` runs
   * next, then the handler; the result or error is acknowledged. Throw AppError for refusals.
   * A payload with a `clientId` (create commands) runs once per user and key: a retry gets the
   * first success again without running the handler.
   */
  command<E extends CommandName, X = object>(name: E, authorize: Authorizer<X> | null, handler: Handler<E, X>): void {
    const schema = commandSchemas[name];
    this.add({
      name,
      run: async (ctx, raw) => {
        const parsed = schema.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new AppError('VALIDATION', `Invalid ${name} payload: ${issue ? `${issue.path.join('.') || 'input'}: ${issue.message}` : 'bad input'}`);
        }
        const exec = async () => {
          const extra = authorize ? await authorize(ctx, parsed.data as { roomId?: number }) : ({} as X);
          for (const guard of this.commandGuards) await guard(name, ctx, parsed.data as { roomId?: number }, extra as object);
          return handler({ ...ctx, ...extra }, parsed.data as Payload<E>);
        };
        const clientId = (parsed.data as { clientId?: unknown }).clientId;
        return typeof clientId === 'string' ? this.idempotency.run(idempotencyKey(ctx.userId, name, clientId), exec) : exec();
      },
    });
  }

  private add(cmd: Registered): void {
    if (this.byName.has(cmd.name)) throw new Error(`socket command ${cmd.name} registered twice`);
    this.byName.set(cmd.name, cmd);
  }

  /** A rule for every command, e.g. direct conversations refusing room activities (server/dms), writes to a closed room refused (server/rooms). */
  guardCommands(fn: CommandGuard): void {
    this.commandGuards.push(fn);
  }

  /** Runs for every new socket; an async hook's failure is logged (it cannot refuse the socket). */
  onConnect(fn: (socket: AppSocket) => void | Promise<void>): void {
    this.connectHooks.push(fn);
  }

  /** Socket.IO replays missed packets before middlewares run, so recovery is vetted here. */
  guardRecovery(fn: RecoveryGuard): void {
    this.recoveryGuards.push(fn);
  }

  /** @internal */
  async vetRecovery(session: Session & { data: SocketData }): Promise<boolean> {
    for (const guard of this.recoveryGuards) if (!(await guard(session))) return false;
    return true;
  }

  /**
   * Commands that change a room's live state (clocks, timers, tables): with several nodes they run
   * on the room's owner (server/cluster), wherever the socket is connected. `roomOf` finds the
   * room from the raw payload (null: run here, e.g. the payload is invalid and will be refused).
   */
  ownedByRoom(names: CommandName[], roomOf: RoomOf): void {
    for (const name of names) this.owned.set(name, roomOf);
  }

  /** A socket disconnected, on this node or (several nodes) on another one: per-socket state keyed by id goes. */
  onSocketGone(fn: (socketId: string) => void): void {
    this.goneHooks.push(fn);
  }

  /** @internal runs the gone hooks (also for sockets of other nodes). */
  socketGone(socketId: string): void {
    for (const hook of this.goneHooks) hook(socketId);
  }

  /** @internal the owner node runs a command forwarded by the node holding the socket. */
  async runForwarded(msg: ForwardedCommand): Promise<Ack<unknown> | { notOwner: true }> {
    const cmd = this.byName.get(msg.name);
    const roomOf = this.owned.get(msg.name);
    if (!cmd || !roomOf || !this.io) return { ok: false, error: { code: 'VALIDATION', message: 'Unknown command.' } };
    const roomId = await safeRoomOf(roomOf, msg.raw);
    if (roomId !== null && this.cluster && !this.cluster.owns(roomId)) return { notOwner: true };
    const answer = await this.execute(cmd, { socket: remoteSocket(this.io, msg.socketId, msg.userId, msg.sessionId), userId: msg.userId, sessionId: msg.sessionId }, msg.raw);
    return isPending(answer) ? answer.pending : answer;
  }

  private async execute(cmd: Registered, ctx: CommandContext, raw: unknown): Promise<Ack<unknown> | PendingAck> {
    const fail = (err: unknown): Ack<unknown> => {
      if (err instanceof AppError) return { ok: false, error: err.toBody() };
      this.log?.error({ err, event: cmd.name }, 'socket handler failed');
      return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong on our side.' } };
    };
    try {
      const data = await cmd.run(ctx, raw);
      if (data instanceof LaterAck) return { pending: (data.result as Promise<unknown>).then((d) => ({ ok: true, data: d ?? null }), fail) };
      return { ok: true, data: data ?? null };
    } catch (err) {
      return fail(err);
    }
  }

  /** Runs a command here, or on the owner of its room when another node owns it. */
  private async dispatch(cmd: Registered, ctx: CommandContext, raw: unknown): Promise<Ack<unknown> | PendingAck> {
    const roomOf = this.owned.get(cmd.name);
    const cluster = this.cluster;
    if (!cluster?.enabled || !roomOf) return this.execute(cmd, ctx, raw);
    const roomId = await safeRoomOf(roomOf, raw);
    if (roomId === null) return this.execute(cmd, ctx, raw);
    // While a dead owner's lease runs out (at most one lease TTL), wait, then take the room over.
    const giveUpAt = Date.now() + FORWARD_PATIENCE_MS;
    for (;;) {
      const owner = await cluster.ownerOf(roomId);
      if (owner === cluster.nodeId) {
        if (cluster.owns(roomId)) return this.execute(cmd, ctx, raw);
      } else {
        try {
          const msg: ForwardedCommand = { name: cmd.name, raw, userId: ctx.userId, sessionId: ctx.sessionId, socketId: ctx.socket.id };
          const answer = (await cluster.request(owner, FORWARD_KIND, msg, FORWARD_TIMEOUT_MS)) as Ack<unknown> | { notOwner: true };
          if (!('notOwner' in answer)) return answer;
        } catch (err) {
          // No answer from a node still subscribed: it may be stalled or paused (its lease then runs
          // out and another node takes the room over; what it does late is refused by the write
          // fences, ADR 0032). Retry on the room's owner when that changed; else give up.
          const movedOn = !(err instanceof NodeGoneError) && (await cluster.ownerOf(roomId).catch(() => owner)) !== owner;
          if (!(err instanceof NodeGoneError) && !movedOn) {
            this.log?.error({ err, event: cmd.name, owner }, 'forwarding a command failed');
            return { ok: false, error: { code: 'INTERNAL', message: 'The server handling this room did not answer. Try again.' } };
          }
        }
      }
      if (Date.now() > giveUpAt) return { ok: false, error: { code: 'INTERNAL', message: 'The server handling this room did not answer. Try again.' } };
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  private log: { error: (o: object, m: string) => void } | null = null;

  /** Runs while the socket still knows its rooms. */
  onDisconnecting(fn: (socket: AppSocket) => void): void {
    this.disconnectingHooks.push(fn);
  }

  private limiter: RateLimiter | null = null;

  /**
   * The one `onAny` listener of every socket (`this` is the socket): looks the command up by name.
   * One shared function instead of a closure per command per socket keeps a socket's own heap
   * small (82 listeners per socket before; docs/decisions/0022-realtime-core-profile.md).
   */
  private readonly onEvent = (hub: SocketHub) =>
    function (this: AppSocket, event: string, raw: unknown, ack: unknown): void {
      const cmd = hub.byName.get(event);
      if (cmd) void hub.receive(this, cmd, raw, ack);
    };
  private shared: ((this: AppSocket, event: string, raw: unknown, ack: unknown) => void) | null = null;
  private readonly sharedDisconnecting = (hub: SocketHub) =>
    function (this: AppSocket): void {
      for (const hook of hub.disconnectingHooks) hook(this);
      // Still in its rooms here, like the disconnecting hooks (a call must end as "disconnected",
      // not as "removed" by the members-channel leave that follows).
      hub.socketGone(this.id);
      if (hub.cluster?.enabled) hub.cluster.broadcast(GONE_KIND, this.id);
    };
  private disconnecting: ((this: AppSocket) => void) | null = null;

  private async receive(socket: AppSocket, cmd: Registered, raw: unknown, ack: unknown): Promise<void> {
    // `socket.emit(name, cb)` without a payload delivers the ack as the first argument: answer
    // it (with a refusal) rather than leave the client waiting forever.
    const missingPayload = typeof raw === 'function' && ack === undefined;
    const callback = missingPayload ? raw : ack;
    const reply = typeof callback === 'function' ? (callback as (a: Ack<unknown>) => void) : noReply;
    const { userId, sessionId } = socket.data;
    const retryAfter = this.limiter!.hit(`u${userId}`);
    if (retryAfter > 0) return reply({ ok: false, error: { code: 'RATE_LIMITED', message: 'Slow down.', retryAfter } });
    if (missingPayload) return reply({ ok: false, error: { code: 'VALIDATION', message: `Invalid ${cmd.name} payload: send an object before the callback.` } });
    // One socket's commands of one feature in one room apply in the order they were sent (two chat
    // messages, a move then a resign), as they did when handlers were synchronous. Other rooms and
    // other features do not wait (a slow call join does not hold back chat). The queue is made on
    // a socket's first command, so idle sockets carry none.
    let inOrder = this.inOrder.get(socket);
    if (!inOrder) this.inOrder.set(socket, (inOrder = new KeyedQueue<string>()));
    const answer = await inOrder.run(orderKey(cmd.name, raw), () => this.dispatch(cmd, { socket, userId, sessionId }, raw));
    reply(isPending(answer) ? await answer.pending : answer);
  }

  private readonly inOrder = new WeakMap<AppSocket, KeyedQueue<string>>();

  /** @internal wires the registered commands onto a new socket. */
  attach(socket: AppSocket, limiter: RateLimiter, log: { error: (o: object, m: string) => void }): void {
    this.log = log;
    this.limiter = limiter;
    if (!this.shared) {
      this.shared = this.onEvent(this);
      this.disconnecting = this.sharedDisconnecting(this);
    }
    socket.onAny(this.shared as (...args: unknown[]) => void);
    for (const hook of this.connectHooks) {
      try {
        const done = hook(socket);
        if (done) done.catch((err: unknown) => log.error({ err }, 'socket connect hook failed'));
      } catch (err) {
        log.error({ err }, 'socket connect hook failed');
      }
    }
    socket.on('disconnecting', this.disconnecting!);
  }
}

const noReply = (): void => {};

const FORWARD_KIND = 'socket:command';
const GONE_KIND = 'socket:gone';
/** How long a command waits for a room's owner (a dead one's lease must run out first). */
const FORWARD_PATIENCE_MS = 15_000;
const FORWARD_TIMEOUT_MS = 8_000;

interface ForwardedCommand {
  name: CommandName;
  raw: unknown;
  userId: number;
  sessionId: string;
  socketId: string;
}

/** A socket's commands are ordered per feature (the name's prefix, `chat` of `chat:send`) and room. */
function orderKey(name: string, raw: unknown): string {
  const roomId = typeof raw === 'object' && raw !== null ? (raw as { roomId?: unknown }).roomId : undefined;
  const colon = name.indexOf(':');
  const feature = colon < 0 ? name : name.slice(0, colon);
  return typeof roomId === 'number' ? `${feature}:${roomId}` : feature;
}

/** Finds the room of a command's raw payload (a read when it names a game, say); null: none. */
export type RoomOf = (payload: Record<string, unknown>) => number | null | Promise<number | null>;

async function safeRoomOf(roomOf: RoomOf, raw: unknown): Promise<number | null> {
  if (typeof raw !== 'object' || raw === null) return null;
  try {
    const id = await roomOf(raw as Record<string, unknown>);
    return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : null;
  } catch {
    return null;
  }
}

/** The socket of a forwarded command, as the owner node sees it: joins, leaves and emits go through the adapter. */
function remoteSocket(io: AppServer, socketId: string, userId: number, sessionId: string): AppSocket {
  const local = io.of('/').sockets.get(socketId);
  if (local) return local;
  const facade = {
    id: socketId,
    data: { userId, sessionId },
    recovered: false,
    rooms: new Set<string>([socketId]),
    join: (ch: string | string[]) => io.in(socketId).socketsJoin(ch),
    leave: (ch: string) => io.in(socketId).socketsLeave(ch),
    emit: (event: string, ...args: unknown[]) => (io.to(socketId) as unknown as { emit: (e: string, ...a: unknown[]) => boolean }).emit(event, ...args),
  };
  return facade as unknown as AppSocket;
}

declare module 'fastify' {
  interface FastifyInstance {
    io: AppServer;
    sockets: SocketHub;
    /** Shared with the socket commands: HTTP create routes that take a `clientId` use it too. */
    idempotency: IdempotencyCache;
  }
}

/**
 * The Redis streams adapter of a {@link RedisCluster}, wrapped so a recovered session is vetted like
 * in one process; null for a single node. Loaded only then (REDIS_URL): ioredis and the adapter are
 * not part of a single node's start-up (ADR 0034).
 */
async function guardedRedisAdapter(cluster: Cluster, hub: SocketHub) {
  if (!cluster.enabled) return null;
  const [{ createAdapter }, { RedisCluster }] = await Promise.all([import('@socket.io/redis-streams-adapter'), import('../cluster/redis-cluster.js')]);
  if (!(cluster instanceof RedisCluster)) return null;
  const factory = createAdapter(cluster.redis, { streamName: 'cr:socket.io', sessionKeyPrefix: 'cr:sio:session:', channelPrefix: 'cr:socket.io' });
  return function (nsp: unknown) {
    const adapter = (factory as unknown as (n: unknown) => { restoreSession(pid: string, offset: string): Promise<Session | null> })(nsp);
    const restore = adapter.restoreSession.bind(adapter);
    adapter.restoreSession = (pid, offset) =>
      restore(pid, offset).then(async (session) => (session && (await hub.vetRecovery(session as Session & { data: SocketData })) ? session : null));
    return adapter;
  };
}

export const socketIoPlugin = fp(
  async (app) => {
    const { config } = app;
    const hub = new SocketHub();
    // Socket.IO writes a recovered session's missed packets before our middleware runs: vet the
    // session first so a logged-out, kicked or banned user gets nothing they may no longer see.
    class GuardedAdapter extends SessionAwareAdapter {
      override restoreSession(pid: string, offset: string): Promise<Session> {
        const restored = super.restoreSession(pid, offset) as Promise<Session> | null;
        if (!restored) return null as unknown as Promise<Session>;
        return restored.then(async (session) => (session && (await hub.vetRecovery(session as Session & { data: SocketData })) ? session : (null as unknown as Session)));
      }
    }
    const cluster = app.cluster;
    hub.cluster = cluster;
    // Several nodes: packets, rooms and recovery sessions go through Redis streams; the same vetting applies.
    const adapter = (await guardedRedisAdapter(cluster, hub)) ?? (GuardedAdapter as unknown as typeof SessionAwareAdapter);
    const io: AppServer = new Server(app.server, {
      adapter: adapter as unknown as typeof SessionAwareAdapter,
      serveClient: false,
      maxHttpBufferSize: config.socketMaxBuffer,
      connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
      allowRequest: (req, cb) => {
        const ok = isRawRequestAllowed(req, config);
        cb(ok ? null : 'ORIGIN_NOT_ALLOWED', ok);
      },
    });
    hub.guardRecovery((session) => app.auth.isSessionLive(session.data.sessionId));
    const limiter = new RateLimiter({ capacity: config.socketRateBurst, refillPerMs: config.socketRatePerSec / 1000 });

    // Runs on every connection, including recoveries: a logged-out or disabled user is refused.
    io.use((socket, next) => {
      const cookies = app.parseCookie(socket.request.headers.cookie ?? '');
      app.auth.resolve(cookies[SESSION_COOKIE]).then(
        (session) => admit(socket, session, next),
        (err: unknown) => {
          app.log.error({ err }, 'resolving a socket session failed');
          next(err instanceof Error ? err : new Error('INTERNAL'));
        },
      );
    });

    function admit(socket: AppSocket, session: Awaited<ReturnType<typeof app.auth.resolve>>, next: (err?: Error) => void): void {
      if (!session) {
        const err = new Error('UNAUTHENTICATED') as Error & { data?: ErrorBody };
        err.data = { code: 'UNAUTHENTICATED', message: 'Please log in.' };
        return next(err);
      }
      socket.data.userId = session.user.id;
      socket.data.sessionId = session.sessionId;
      next();
    }

    io.on('connection', (socket) => {
      void socket.join([userChannel(socket.data.userId), sessionChannel(socket.data.sessionId)]);
      hub.attach(socket, limiter, app.log);
    });

    hub.io = io;
    if (cluster.enabled) {
      cluster.handle(FORWARD_KIND, (payload) => hub.runForwarded(payload as ForwardedCommand));
      cluster.on(GONE_KIND, (socketId) => {
        if (typeof socketId === 'string') hub.socketGone(socketId);
      });
    }
    app.decorate('io', io);
    app.decorate('sockets', hub);
    app.decorate('idempotency', hub.idempotency);
    app.addHook('preClose', async () => {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    });
  },
  { name: 'socket-io', dependencies: ['auth', 'cluster'] },
);
