/**
 * Live streaming (SPEC L1-L5): RTMP ingest (node-media-server, media/rtmp-ingest.ts), FFmpeg to
 * low-latency HLS (media/), served to room members only. Registered with one line in features.ts.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { StreamService } from './stream.service.js';
import { streamRoutes } from './stream.routes.js';
import { registerStreamSockets, socketStreamNotifier } from './stream.socket.js';

declare module 'fastify' {
  interface FastifyInstance {
    stream: StreamService;
  }
}

export const streamPlugin = fp(
  async (app: FastifyInstance) => {
    const stream = new StreamService(app.db, app.roomEvents, socketStreamNotifier(() => app.io), app.config, app.log.child({ feature: 'stream' }));
    app.decorate('stream', stream);
    app.rooms.liveProbe = (roomId) => stream.isLive(roomId);
    stream.mayPublish = async (roomId) => !app.rooms.isClosed(roomId);
    registerStreamSockets(app);
    await app.register(streamRoutes);
    // In the background: importing node-media-server and finding FFmpeg must not delay listening.
    app.addHook('onReady', async () => {
      void stream.start();
    });
    // Before the database closes: end streams, stop FFmpeg children and the RTMP ingest.
    app.addHook('preClose', async () => {
      await stream.stop();
    });
  },
  { name: 'stream', dependencies: ['db', 'auth', 'socket-io'] },
);
