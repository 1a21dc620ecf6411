import type { FastifyInstance } from 'fastify';
import type { RoleName } from './room-channels.js';
import { membersChannel, roomChannel } from './room-channels.js';
import type { RoomAccessHooks, MemberRow } from './rooms.service.js';
import { AppError } from '../plugins/errors.js';
import { userChannel, type AppServer, type Authorizer } from '../plugins/socket-io.js';
import type { CommandName } from '../../protocol/events.js';

/**
 * Authorizer for room commands: the caller must be a member with at least `minRole`. `speaks`
 * marks commands that put text or media in front of others (always, or for some payloads): a muted
 * member is refused with MUTED. This flag is the only place mute is enforced for commands.
 */
export function memberOf<P extends { roomId?: number } = { roomId?: number }>(
  app: FastifyInstance,
  minRole: RoleName = 'member',
  opts: { speaks?: boolean | ((payload: P) => boolean) } = {},
): Authorizer<{ membership: MemberRow }> {
  const { speaks = false } = opts;
  return async (ctx, payload) => {
    if (payload.roomId === undefined) throw new AppError('VALIDATION', 'roomId is required.');
    const speaking = typeof speaks === 'function' ? speaks(payload as P) : speaks;
    return { membership: await app.rooms.requireMember(payload.roomId, ctx.userId, minRole, { speaks: speaking }) };
  };
}

/** Keeps live sockets in step with membership changes. */
export function socketAccessHooks(io: () => AppServer): RoomAccessHooks {
  return {
    granted(roomId, userId) {
      io().in(userChannel(userId)).socketsJoin(membersChannel(roomId));
    },
    revoked(roomId, userId, reason, until) {
      io().in(userChannel(userId)).socketsLeave([roomChannel(roomId), membersChannel(roomId)]);
      if (reason !== 'left') io().to(userChannel(userId)).emit('room:removed', { roomId, reason, until: until ?? null });
    },
  };
}

/** The room id of a `room:<id>` or `members:<id>` channel. */
const roomIdOfChannel = (ch: string): number | null => {
  const m = /^(?:room|members):(\d+)$/.exec(ch);
  return m ? Number(m[1]) : null;
};

/**
 * Room commands that only read (or leave): allowed in a closed (archived) room. Every other
 * command whose authorizer returns a room membership is refused there with ROOM_CLOSED, so a new
 * feature's writes are covered without opting in.
 */
export const ROOM_READ_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>([
  'room:enter',
  'chat:history',
  'chat:read',
  'call:state',
  'call:leave',
  'music:state',
  'stream:status',
  'study:enter',
  'bj:watch',
  'bj:leave',
  'chess:list',
  'chess:watch',
  'chess:unwatch',
  'doc:list',
  'doc:open',
  'doc:close',
  'doc:awareness',
]);

export function registerRoomSockets(app: FastifyInstance): void {
  const { sockets, rooms, presence } = app;

  sockets.guardCommands((name, _ctx, _payload, authorized) => {
    const membership = (authorized as { membership?: MemberRow }).membership;
    if (membership && !ROOM_READ_COMMANDS.has(name)) rooms.assertOpen(membership.roomId);
  });

  // Recovery restores the channels a socket had before the disconnect and replays what they
  // missed; the user may have been kicked or banned meanwhile, so drop those rooms and their packets.
  sockets.guardRecovery(async (session) => {
    const revoked = new Set<number>();
    const kept: typeof session.rooms = [];
    for (const ch of session.rooms) {
      const roomId = roomIdOfChannel(ch);
      if (roomId === null || (await rooms.membership(roomId, session.data.userId))) kept.push(ch);
      else revoked.add(roomId);
    }
    session.rooms = kept;
    if (revoked.size) {
      session.missedPackets = session.missedPackets.filter(([event, fact]) => {
        const roomId = (fact as { roomId?: number } | undefined)?.roomId;
        return event === 'room:removed' || roomId === undefined || !revoked.has(roomId);
      });
    }
    return true;
  });

  sockets.onConnect(async (socket) => {
    const { userId } = socket.data;
    if (socket.recovered) {
      for (const ch of socket.rooms) {
        if (ch.startsWith('room:')) presence.enter(Number(ch.slice(5)), userId, socket.id);
      }
    }
    const roomIds = await rooms.roomIdsOf(userId);
    if (socket.connected) await socket.join(roomIds.map(membersChannel));
  });

  sockets.onDisconnecting((socket) => {
    for (const ch of socket.rooms) {
      if (ch.startsWith('room:')) presence.leave(Number(ch.slice(5)), socket.data.userId, socket.id);
    }
  });

  sockets.command('room:enter', memberOf(app), async (ctx, { roomId }) => {
    await ctx.socket.join(roomChannel(roomId));
    presence.enter(roomId, ctx.userId, ctx.socket.id);
    const row = await rooms.getRow(roomId);
    return {
      room: await rooms.toDto(row),
      myRole: ctx.membership.role,
      members: await rooms.members(roomId),
      history: await app.chat.history(roomId, { limit: 50 }),
      seq: row.seq,
      lastReadMessageId: ctx.membership.lastReadMessageId,
    };
  });

  sockets.command('room:leave', null, async (ctx, { roomId }) => {
    await ctx.socket.leave(roomChannel(roomId));
    presence.leave(roomId, ctx.userId, ctx.socket.id);
    return null;
  });

  sockets.command('presence:set', null, (ctx, { status }) => {
    presence.setSocketStatus(ctx.userId, ctx.socket.id, status);
    return null;
  });
}
