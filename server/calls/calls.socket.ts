import type { FastifyInstance } from 'fastify';
import type { AppServer } from '../plugins/socket-io.js';
import { memberOf } from '../rooms/rooms.socket.js';
import type { CallsOutlet, CallsService } from './calls.service.js';

export function socketCallsOutlet(io: () => AppServer): CallsOutlet {
  return {
    ended(socketId, roomId, reason) {
      io().to(socketId).emit('call:ended', { roomId, reason });
    },
    muted(socketId, roomId, by) {
      io().to(socketId).emit('call:muted', { roomId, by });
    },
  };
}

/** Every command: schema-validated by the hub, member of the room (memberOf), then the service. */
export function registerCallSockets(app: FastifyInstance, calls: CallsService): void {
  const { sockets } = app;
  const member = memberOf(app);

  sockets.command('call:state', member, (_ctx, { roomId }) => calls.state(roomId));
  // A muted member may listen (join with microphone and camera off) but not switch either on.
  const joinSpeaks = memberOf<{ roomId?: number; muted?: boolean; cameraOff?: boolean }>(app, 'member', { speaks: (p) => !p.muted || !p.cameraOff });
  const updateSpeaks = memberOf<{ roomId?: number; muted?: boolean; cameraOff?: boolean; screen?: boolean }>(app, 'member', {
    speaks: (p) => p.muted === false || p.cameraOff === false || p.screen === true,
  });
  sockets.command('call:join', joinSpeaks, (ctx, p) => calls.join(p.roomId, ctx.userId, ctx.socket.id, { peerId: p.peerId, muted: p.muted, cameraOff: p.cameraOff }));
  sockets.command('call:leave', member, async (ctx, { roomId }) => {
    await calls.leave(roomId, ctx.userId);
    return null;
  });
  sockets.command('call:update', updateSpeaks, (ctx, { roomId, ...patch }) => calls.update(roomId, ctx.userId, patch));
  sockets.command('call:record', member, (ctx, { roomId, recording }) => calls.record(roomId, ctx.userId, recording));
  sockets.command('call:mode', memberOf(app, 'owner'), (_ctx, { roomId, preference }) => calls.setPreference(roomId, preference));
  sockets.command('call:moderate', memberOf(app, 'moderator'), async (ctx, { roomId, userId, action }) => {
    await calls.moderate(roomId, ctx.userId, userId, action);
    return null;
  });

  // Muted mid-call with a live microphone, camera or screen: out of the call (peers hang up); they
  // may rejoin to listen.
  app.roomEvents.on('member:updated', ({ roomId, member: m }) => {
    if (m.mutedUntil && m.mutedUntil > Date.now()) calls.silence(roomId, m.user.id);
  });

  // A dropped connection leaves the call at once (others see it); the client joins again when it
  // reconnects, resuming its peer id.
  // Any node's disconnects: with several nodes the call's roster lives on the room's owner.
  sockets.onSocketGone((socketId) => calls.dropSocket(socketId, 'disconnected'));

  // Kicks, bans and room deletion take the user's sockets out of `members:<roomId>`: that ends
  // their call too (the peer server closes their signalling connection).
  // The adapter reports it on the node holding the socket; the roster is on the room's owner, so
  // with several nodes the others are told too (ADR 0038).
  // A disconnecting socket leaves every channel too: that is told to the other nodes already (gone).
  const cluster = app.cluster;
  const closing = new Set<string>();
  if (cluster.enabled) {
    sockets.onDisconnecting((socket) => {
      closing.add(socket.id);
      setImmediate(() => closing.delete(socket.id));
    });
  }
  app.io.of('/').adapter.on('leave-room', (channel: string, socketId: string) => {
    const m = /^members:(\d+)$/.exec(channel);
    if (!m) return;
    calls.dropSocket(socketId, 'removed', Number(m[1]));
    if (cluster.enabled && !closing.has(socketId)) cluster.broadcast(REMOVED_KIND, { socketId, roomId: Number(m[1]) });
  });
  if (cluster.enabled) {
    cluster.on(REMOVED_KIND, (p) => {
      const { socketId, roomId } = p as { socketId: string; roomId: number };
      calls.dropSocket(socketId, 'removed', roomId);
    });
  }
}

const REMOVED_KIND = 'calls:socket-removed';
