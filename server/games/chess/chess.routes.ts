import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gameViewSchema, gamesPageSchema, gamesQuerySchema } from '../../../protocol/chess.js';
import { requireSession } from '../../plugins/auth.js';
import { authErrors } from '../../plugins/http-schemas.js';
import { roomParams } from '../../rooms/rooms.schemas.js';
import type { ChessService } from './chess.service.js';

const gameParams = z.object({ id: z.coerce.number().int().positive() });

export function chessRoutes(chess: ChessService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['chess'];

    app.get('/api/rooms/:id/games', {
      schema: {
        tags,
        summary: 'A room’s chess games, newest first (`status`: pending, active, finished, aborted, cancelled or live; default all but cancelled)',
        params: roomParams,
        querystring: gamesQuerySchema,
        response: { 200: gamesPageSchema, ...authErrors },
      },
    }, async (req) => {
      const { user } = requireSession(req);
      await app.rooms.requireMember(req.params.id, user.id);
      return chess.roomGames(req.params.id, req.query);
    });

    app.get('/api/users/me/games', {
      schema: { tags, summary: 'My chess games (played, or seats and challenges I made or received), newest first', querystring: gamesQuerySchema, response: { 200: gamesPageSchema, ...authErrors } },
    }, async (req) => {
      const { user } = requireSession(req);
      return chess.userGames(user.id, req.query);
    });

    app.get('/api/games/:id', {
      schema: { tags, summary: 'One game with its moves (players, or members of its room)', params: gameParams, response: { 200: z.object({ game: gameViewSchema }), ...authErrors } },
    }, async (req) => {
      const { user } = requireSession(req);
      await chess.requireAccess(req.params.id, user.id);
      return { game: await chess.view(req.params.id) };
    });

    app.get('/api/games/:id/pgn', {
      schema: {
        tags,
        summary: 'The game as PGN (download), with Event, Site, Date, White, Black, Result, TimeControl, Termination and [%clk] comments',
        params: gameParams,
        produces: ['application/x-chess-pgn'],
        response: { 200: z.string().describe('PGN text'), ...authErrors, 409: authErrors[400] },
      },
    }, async (req, reply) => {
      const { user } = requireSession(req);
      await chess.requireAccess(req.params.id, user.id);
      const { filename, text } = await chess.pgn(req.params.id);
      return reply.type('application/x-chess-pgn; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(text);
    });
  };
}
