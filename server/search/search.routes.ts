import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { searchPageSchemaOut, searchQuerySchema } from '../../protocol/search.js';
import { requireSession } from '../plugins/auth.js';
import { authErrors } from '../plugins/http-schemas.js';
import type { SearchService } from './search.service.js';

export function searchRoutes(search: SearchService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    app.get('/api/search', {
      schema: {
        tags: ['search'],
        summary: 'Search messages in every room (and DM) you are a member of now, newest first',
        description:
          'Words match as prefixes ("eig" finds "eigenvector"); "quoted phrases" match exactly. Filters: ' +
          '`from:<username>`, `in:<room name or id>` (quote names with spaces), `has:link`, `has:file` ' +
          '(matches nothing until file attachments exist), `before:YYYY-MM-DD`, `after:YYYY-MM-DD` (days in your time zone, both excluded). ' +
          'A query that cannot be read answers 400 BAD_QUERY. Snippets are segments of plain text; `hl` marks the matched words.',
        querystring: searchQuerySchema,
        response: { 200: searchPageSchemaOut, ...authErrors },
      },
    }, async (req) => {
      const { user } = requireSession(req);
      return await search.search(user.id, user.timeZone, req.query);
    });
  };
}
