import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { bjBankrollSchemaOut, bjHistoryPageSchemaOut, bjHistoryQuerySchema, bjLeaderboardSchemaOut } from '../../../protocol/blackjack.js';
import { requireSession } from '../../plugins/auth.js';
import { authErrors, errorReply } from '../../plugins/http-schemas.js';
import { roomParams } from '../../rooms/rooms.schemas.js';

export async function blackjackRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['blackjack'];

  app.get('/api/blackjack/bankroll', { schema: { tags, summary: 'My chips (shared by every table) and whether a daily top-up is available', response: { 200: bjBankrollSchemaOut, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    return app.blackjack.bankroll(user.id, user.timeZone);
  });

  app.post('/api/blackjack/top-up', {
    schema: { tags, summary: `Daily top-up when broke: back to the starting chips, once per day in my time zone`, response: { 200: bjBankrollSchemaOut, ...authErrors, 409: errorReply } },
  }, async (req) => {
    const { user } = requireSession(req);
    return app.blackjack.topUp(user.id, user.timeZone);
  });

  app.get('/api/blackjack/leaderboard', { schema: { tags, summary: 'Richest players on this instance', response: { 200: bjLeaderboardSchemaOut, ...authErrors } } }, async (req) => {
    requireSession(req);
    return app.blackjack.leaderboard(null);
  });

  app.get('/api/rooms/:id/blackjack/leaderboard', { schema: { tags, summary: 'Richest players among a room’s members', params: roomParams, response: { 200: bjLeaderboardSchemaOut, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id);
    return app.blackjack.leaderboard(req.params.id);
  });

  app.get('/api/blackjack/history', { schema: { tags, summary: 'My hands, newest first; page back with `before=<nextCursor>`', querystring: bjHistoryQuerySchema, response: { 200: bjHistoryPageSchemaOut, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    return app.blackjack.history({ userId: user.id }, req.query.before, req.query.limit);
  });

  app.get('/api/rooms/:id/blackjack/history', {
    schema: { tags, summary: 'Hands played at a room’s table, newest first', params: roomParams, querystring: bjHistoryQuerySchema, response: { 200: bjHistoryPageSchemaOut, ...authErrors } },
  }, async (req) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id);
    return app.blackjack.history({ roomId: req.params.id }, req.query.before, req.query.limit);
  });
}
