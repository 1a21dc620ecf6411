/**
 * Chess (SPEC GC) as one plugin: the service (decorated as `app.chess`), socket commands and HTTP
 * routes; active games resume at boot and write a last heartbeat before the database closes.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { chessRoutes } from './chess.routes.js';
import { ChessService } from './chess.service.js';
import { registerChessSockets, socketChessOutlet } from './chess.socket.js';

declare module 'fastify' {
  interface FastifyInstance {
    chess: ChessService;
  }
}

export const chessPlugin = fp(
  async (app: FastifyInstance) => {
    const chess = new ChessService(app.db, app.roomEvents, app.rooms, socketChessOutlet(() => app.io), app.config.publicUrl ?? 'Commonroom');
    chess.onError = (err, what) => app.log.error({ err }, `chess: ${what} failed`);
    app.decorate('chess', chess);
    registerChessSockets(app, chess);
    await app.register(chessRoutes(chess));
    app.addHook('onReady', async () => {
      // Several nodes: games resume on whichever node takes their room's lease (server/cluster).
      if (app.cluster.enabled) return;
      const { games, flagged } = await chess.resumeAll();
      if (games) app.log.info({ games, flagged }, 'chess games resumed');
    });
    app.addHook('preClose', async () => chess.stop());
  },
  { name: 'chess' },
);
