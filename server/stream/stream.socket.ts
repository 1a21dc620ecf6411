import type { FastifyInstance } from 'fastify';
import { userChannel, type AppServer } from '../plugins/socket-io.js';
import { membersChannel, roomChannel } from '../rooms/room-channels.js';
import { memberOf } from '../rooms/rooms.socket.js';
import type { StreamNotifier } from './stream.service.js';

/** Volatile pushes: health to moderators, viewer counts to the room, live flags to lobbies. */
export function socketStreamNotifier(io: () => AppServer): StreamNotifier {
  return {
    health(moderatorIds, health) {
      if (moderatorIds.length > 0) io().to(moderatorIds.map(userChannel)).volatile.emit('stream:health', health);
    },
    viewers(roomId, streamId, viewers) {
      io().to(roomChannel(roomId)).volatile.emit('stream:viewers', { roomId, streamId, viewers });
    },
    lag(roomId, streamId, ingestLagMs) {
      io().to(roomChannel(roomId)).emit('stream:lag', { roomId, streamId, ingestLagMs });
    },
    lobby(roomId, live) {
      io().to(membersChannel(roomId)).emit('lobby:stream', { roomId, live });
    },
  };
}

export function registerStreamSockets(app: FastifyInstance): void {
  app.sockets.command('stream:status', memberOf(app), (_ctx, { roomId }) => app.stream.state(roomId));
}
