/**
 * The SFU's socket commands: the only signalling path between browsers and Janus. Each command is
 * schema-checked by the hub, needs membership (memberOf), then a valid token for this user, room and
 * role, and for calls a place in the room's call while it runs in SFU mode.
 */
import type { FastifyInstance } from 'fastify';
import { iceServersFor } from '../calls/token.js';
import { AppError } from '../plugins/errors.js';
import { memberOf } from '../rooms/rooms.socket.js';
import type { CallsService } from '../calls/calls.service.js';
import type { LiveRelay } from './live-relay.js';
import type { SfuService } from './sfu.service.js';
import type { WhipIngest } from './whip-ingest.js';

/** Real-time playback is on: this node's relay pushes, or (ingest on another node) Janus has the room's mountpoint. */
export async function realtimeLive(sfu: SfuService, relay: LiveRelay | null, roomId: number, whip: WhipIngest | null = null): Promise<boolean> {
  if (relay?.available(roomId) || whip?.available(roomId)) return true;
  if (sfu.hasMount(roomId)) return false; // ours, but the push is not running
  return sfu.mountExists(roomId).catch(() => false);
}

export function registerSfuSockets(app: FastifyInstance, sfu: SfuService, calls: CallsService, relay: LiveRelay | null): void {
  const { sockets } = app;
  const member = memberOf(app);

  /** In the call, the call in SFU mode, and the token good for 'call'. */
  const inSfuCall = (userId: number, roomId: number, token: string) => {
    sfu.checkToken(token, userId, roomId, 'call');
    if (!calls.isParticipant(roomId, userId)) throw new AppError('CONFLICT', 'You are not in this call.');
    if (!calls.isSfu(roomId)) throw new AppError('CONFLICT', 'This call is not running through the media server.');
  };

  sockets.command('sfu:token', member, async (ctx, { roomId, role }) => {
    if (sfu.status() === 'unavailable') throw new AppError('CONFLICT', 'The media server is not configured.');
    if (role === 'call' && !calls.isParticipant(roomId, ctx.userId)) throw new AppError('CONFLICT', 'You are not in this call.');
    const t = sfu.issueToken(ctx.userId, roomId, role);
    if (role !== 'live') return t;
    // The ingest node knows its relay; any other node asks the shared Janus for the room's mountpoint.
    const realtime = await realtimeLive(sfu, relay, roomId, app.whip);
    return { ...t, realtime, iceServers: iceServersFor(app.config.ice, ctx.userId, Date.now()) };
  });

  sockets.command('sfu:publish', member, async (ctx, { roomId, token, jsep }) => {
    inSfuCall(ctx.userId, roomId, token);
    const res = await sfu.publish(roomId, ctx.userId, jsep);
    // They may have left while Janus answered: then the feed goes at once.
    if (!calls.isParticipant(roomId, ctx.userId)) {
      await sfu.leave(roomId, ctx.userId);
      throw new AppError('CONFLICT', 'You are not in this call.');
    }
    calls.setFeed(roomId, ctx.userId, res.feedId);
    return res;
  });

  sockets.command('sfu:subscribe', member, async (ctx, { roomId, token, feedId, substream }) => {
    inSfuCall(ctx.userId, roomId, token);
    return sfu.subscribe(roomId, ctx.userId, feedId, substream);
  });

  sockets.command('sfu:start', member, async (ctx, { roomId, token, subId, jsep }) => {
    inSfuCall(ctx.userId, roomId, token);
    await sfu.start(roomId, ctx.userId, subId, jsep);
    return null;
  });

  sockets.command('sfu:layer', member, async (ctx, { roomId, token, subId, substream }) => {
    inSfuCall(ctx.userId, roomId, token);
    await sfu.setLayer(roomId, ctx.userId, subId, substream);
    return null;
  });

  sockets.command('sfu:pause', member, async (ctx, { roomId, token, subId, paused }) => {
    inSfuCall(ctx.userId, roomId, token);
    await sfu.setPaused(roomId, ctx.userId, subId, paused);
    return null;
  });

  sockets.command('sfu:unsubscribe', member, async (ctx, { roomId, token, subId }) => {
    inSfuCall(ctx.userId, roomId, token);
    await sfu.unsubscribe(roomId, ctx.userId, subId);
    return null;
  });

  sockets.command('sfu:live-watch', member, async (ctx, { roomId, token }) => {
    sfu.checkToken(token, ctx.userId, roomId, 'live');
    return sfu.liveWatch(roomId, ctx.userId, ctx.socket.id);
  });

  sockets.command('sfu:live-start', member, async (ctx, { roomId, token, subId, jsep }) => {
    sfu.checkToken(token, ctx.userId, roomId, 'live');
    await sfu.liveStart(roomId, ctx.userId, subId, jsep);
    return null;
  });

  sockets.command('sfu:live-stop', member, async (ctx, { roomId, token, subId }) => {
    sfu.checkToken(token, ctx.userId, roomId, 'live');
    await sfu.liveStop(roomId, ctx.userId, subId);
    return null;
  });

  sockets.onDisconnecting((socket) => void sfu.dropViewerSocket(socket.id));
  app.io.of('/').adapter.on('leave-room', (channel: string, socketId: string) => {
    const m = /^members:(\d+)$/.exec(channel);
    if (m) void sfu.dropViewerSocket(socketId, Number(m[1]));
  });
}
