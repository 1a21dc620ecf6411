import type { FastifyInstance } from 'fastify';
import { userChannel, type AppServer, type Authorizer } from '../../plugins/socket-io.js';
import { roomChannel } from '../../rooms/room-channels.js';
import type { MemberRow } from '../../rooms/rooms.service.js';
import { memberOf } from '../../rooms/rooms.socket.js';
import type { ChessOutlet, ChessService } from './chess.service.js';

/** Socket.IO channel of the sockets watching one game (players and spectators). */
export const gameChannel = (gameId: number) => `chess:${gameId}`;

interface Emitter {
  emit(event: string, payload: unknown): boolean;
}

/**
 * The service's outlet onto Socket.IO. Channel membership is read from the local adapter, which
 * is right for one process; a multi-node deployment would use `fetchSockets()` instead.
 */
export function socketChessOutlet(io: () => AppServer): ChessOutlet {
  const socketsIn = (channel: string) => [...(io().of('/').adapter.rooms.get(channel) ?? [])];
  return {
    toGame(gameId, roomId, event, fact, alsoRoom = false) {
      // One emit to the union of channels: a socket in both gets the fact once.
      const target = alsoRoom ? io().to([gameChannel(gameId), roomChannel(roomId)]) : io().to(gameChannel(gameId));
      (target as unknown as Emitter).emit(event, fact);
    },
    invite(userId, fact) {
      io().to(userChannel(userId)).emit('chess:invited', fact);
    },
    inviteClosed(userId, fact) {
      io().to(userChannel(userId)).emit('chess:inviteClosed', fact);
    },
    subscribeUser(gameId, userId) {
      const ids = socketsIn(userChannel(userId));
      // Through the adapter: with several nodes, the player's sockets on other nodes join too.
      io().in(userChannel(userId)).socketsJoin(gameChannel(gameId));
      return ids;
    },
    subscribeWatchers(fromGameId, toGameId) {
      const out: { socketId: string; userId: number }[] = [];
      for (const id of socketsIn(gameChannel(fromGameId))) {
        const socket = io().of('/').sockets.get(id);
        if (!socket) continue;
        void socket.join(gameChannel(toGameId));
        out.push({ socketId: id, userId: socket.data.userId });
      }
      return out;
    },
  };
}

/** Authorizer for game commands: the game's room membership of the caller (NOT_FOUND, NOT_MEMBER). */
export function gameMemberOf(app: FastifyInstance, chess: ChessService): Authorizer<{ membership: MemberRow; roomId: number }> {
  return async (ctx, payload) => {
    const { gameId } = payload as { gameId?: number };
    if (gameId === undefined) throw new Error('gameMemberOf used on a command without gameId');
    const roomId = await chess.roomOf(gameId);
    return { roomId, membership: await app.rooms.requireMember(roomId, ctx.userId) };
  };
}

export function registerChessSockets(app: FastifyInstance, chess: ChessService): void {
  const { sockets, rooms } = app;
  const inGame = gameMemberOf(app, chess);
  const inRoom = memberOf(app);

  // A reconnect restores channels from before the disconnect; drop games of rooms the user lost.
  sockets.guardRecovery(async (session) => {
    const kept: typeof session.rooms = [];
    for (const ch of session.rooms) {
      const m = /^chess:(\d+)$/.exec(ch);
      if (!m) {
        kept.push(ch);
        continue;
      }
      try {
        if (await rooms.membership(await chess.roomOf(Number(m[1])), session.data.userId)) kept.push(ch);
      } catch {
        // an unknown game: dropped
      }
    }
    session.rooms = kept;
    return true;
  });
  sockets.onConnect((socket) => {
    // A recovered socket is back in its game channels: it watches them again (presence returns).
    if (!socket.recovered) return;
    for (const ch of socket.rooms) {
      const m = /^chess:(\d+)$/.exec(ch);
      if (m) chess.watch(Number(m[1]), socket.data.userId, socket.id).catch(() => void socket.leave(ch));
    }
  });
  // Any node's disconnects: with several nodes, the game's owner tracks sockets connected elsewhere.
  sockets.onSocketGone((socketId) => chess.socketGone(socketId));

  // Kicks, bans and room deletion take the user's sockets out of `members:<roomId>` at once: take
  // them out of that room's game channels too, so a removed user stops receiving its games.
  app.io.of('/').adapter.on('leave-room', (channel: string, socketId: string) => {
    const m = /^members:(\d+)$/.exec(channel);
    const socket = m && app.io.of('/').sockets.get(socketId);
    if (!socket) return;
    for (const ch of [...socket.rooms]) {
      const g = /^chess:(\d+)$/.exec(ch);
      if (!g) continue;
      const roomId = Number(m[1]);
      // Known games (every game this node has served) leave at once; others after one read.
      const known = chess.knownRoomOf(Number(g[1]));
      if (known === roomId) void socket.leave(ch);
      else if (known === null) {
        void chess.roomOf(Number(g[1])).then(
          (roomOfGame) => roomOfGame === roomId && void socket.leave(ch),
          // The game went with its room: leave its channel too.
          () => void socket.leave(ch),
        );
      }
    }
  });

  sockets.command('chess:list', inRoom, async (_ctx, { roomId }) => ({ games: await chess.listLive(roomId), serverNow: Date.now() }));
  sockets.command('chess:challenge', inRoom, (ctx, p) => chess.challenge(p.roomId, ctx.userId, p));
  sockets.command('chess:accept', inGame, async (ctx, { gameId }) => {
    await chess.accept(gameId, ctx.userId);
    // Every connected socket of both players was subscribed; make sure of this one.
    await ctx.socket.join(gameChannel(gameId));
    return chess.watch(gameId, ctx.userId, ctx.socket.id);
  });
  sockets.command('chess:decline', inGame, async (ctx, { gameId }) => {
    await chess.decline(gameId, ctx.userId);
    return null;
  });
  sockets.command('chess:cancel', inGame, async (ctx, { gameId }) => {
    await chess.cancel(gameId, ctx.userId);
    return null;
  });
  sockets.command('chess:watch', inGame, async (ctx, { gameId }) => {
    await ctx.socket.join(gameChannel(gameId));
    return chess.watch(gameId, ctx.userId, ctx.socket.id);
  });
  sockets.command('chess:unwatch', inGame, async (ctx, { gameId }) => {
    await ctx.socket.leave(gameChannel(gameId));
    chess.unwatch(gameId, ctx.socket.id);
    return null;
  });
  sockets.command('chess:move', inGame, (ctx, p) => chess.move(p.gameId, ctx.userId, p.uci, { ply: p.ply, lag: p.lag }));
  sockets.command('chess:resign', inGame, (ctx, { gameId }) => chess.act(gameId, ctx.userId, { type: 'resign' }));
  sockets.command('chess:abort', inGame, (ctx, { gameId }) => chess.act(gameId, ctx.userId, { type: 'abort' }));
  sockets.command('chess:draw', inGame, (ctx, { gameId, action }) => chess.act(gameId, ctx.userId, { type: 'draw', action }));
  sockets.command('chess:takeback', inGame, (ctx, { gameId, action }) => chess.act(gameId, ctx.userId, { type: 'takeback', action }));
  // A kicked or banned player cannot come back: their games end now (see ChessService.memberRemoved).
  app.roomEvents.on('member:left', ({ roomId, userId, reason }) => {
    if (reason !== 'left') chess.memberRemoved(roomId, userId).catch((err: unknown) => app.log.error({ err, roomId, userId }, 'chess: ending the games of a removed member failed'));
  });

  sockets.command('chess:claim', inGame, (ctx, { gameId, outcome }) => chess.act(gameId, ctx.userId, { type: 'claim', outcome }));
  sockets.command('chess:rematch', inGame, async (ctx, { gameId, action }) => {
    const result = await chess.rematch(gameId, ctx.userId, action);
    if (result.next) await ctx.socket.join(gameChannel(result.next.id));
    return result;
  });
}
