import type { FastifyInstance } from 'fastify';
import { memberOf } from '../rooms/rooms.socket.js';
import type { MusicService } from './music.service.js';

/** The room queue's commands; who may do what is documented in protocol/music-events.ts. */
export function registerMusicSockets(app: FastifyInstance, music: MusicService): void {
  const { sockets } = app;
  const member = memberOf(app);
  const moderator = memberOf(app, 'moderator');

  sockets.command('music:state', member, (_ctx, { roomId }) => music.snapshot(roomId));
  // Queueing a track puts it in front of everyone: refused while muted.
  sockets.command('music:add', memberOf(app, 'member', { speaks: true }), async (ctx, p) => ({
    added: await music.add(p.roomId, ctx.userId, 'trackId' in p ? { trackId: p.trackId } : { playlist: p.playlist }),
  }));
  sockets.command('music:remove', member, async (ctx, { roomId, itemId }) => {
    await music.remove(roomId, ctx.userId, ctx.membership.role, itemId);
    return null;
  });
  sockets.command('music:vote-skip', member, (ctx, { roomId, itemId }) => music.voteSkip(roomId, ctx.userId, ctx.membership.role, itemId));
  sockets.command('music:move', moderator, async (ctx, { roomId, itemId, toIndex }) => {
    await music.move(roomId, ctx.userId, itemId, toIndex);
    return null;
  });
  sockets.command('music:play', member, (ctx, { roomId }) => music.play(roomId, ctx.userId, ctx.membership.role));
  sockets.command('music:pause', member, (ctx, { roomId }) => music.pause(roomId, ctx.userId, ctx.membership.role));
}
