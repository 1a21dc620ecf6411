/**
 * Message search (SPEC C5, issue 13): an FTS5 index over `messages` kept in step by triggers
 * (db/migrations/*_message_search.sql), a pure query parser, and one HTTP route.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { searchRoutes } from './search.routes.js';
import { SearchService } from './search.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    messageSearch: SearchService;
  }
}

export const searchPlugin = fp(
  async (app: FastifyInstance) => {
    const search = new SearchService(app.db, app.config.searchRatePer10s);
    app.decorate('messageSearch', search);
    await app.register(searchRoutes(search));
  },
  { name: 'search' },
);
