/**
 * Blackjack (SPEC GB) as one plugin: the service (`app.blackjack`), socket commands and HTTP
 * routes. At boot, rounds left in flight by a stop are voided and refunded; on close, timers stop
 * (state is saved on every change, so there is nothing else to flush).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { userChannel } from '../../plugins/socket-io.js';
import { BlackjackService } from './blackjack.service.js';
import { blackjackRoutes } from './blackjack.routes.js';
import { registerBlackjackSockets } from './blackjack.socket.js';

declare module 'fastify' {
  interface FastifyInstance {
    blackjack: BlackjackService;
  }
}

export const blackjackPlugin = fp(
  async (app: FastifyInstance) => {
    const service = new BlackjackService({
      db: app.db,
      events: app.roomEvents,
      isMember: async (roomId, userId) => !!(await app.rooms.membership(roomId, userId)),
      bankrollChanged: (userId, bankroll) => app.io.to(userChannel(userId)).emit('bj:bankroll', { bankroll }),
      log: (err, roomId) => app.log.error({ err, roomId }, 'blackjack timer failed'),
    });
    app.decorate('blackjack', service);
    registerBlackjackSockets(app);
    await app.register(blackjackRoutes);
    app.addHook('onReady', async () => {
      // Several nodes: another node may be running these rounds; a dead owner's are resumed by the next one (server/cluster).
      if (app.cluster.enabled) return;
      const voided = await service.voidInFlight();
      if (voided.length) app.log.info({ rooms: voided }, 'blackjack: voided and refunded rounds left in flight by the last stop');
    });
    app.addHook('preClose', async () => service.stop());
  },
  { name: 'blackjack' },
);
