import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { docListSchemaOut, docParams } from '../../protocol/docs.js';
import { requireSession } from '../plugins/auth.js';
import { authErrors } from '../plugins/http-schemas.js';
import { roomParams } from '../rooms/rooms.schemas.js';
import type { DocumentsService } from './documents.service.js';

/** A file name for a downloaded document: letters, digits, spaces, dashes; never a path. */
export function exportFileName(title: string, ext: string): string {
  const base = title.normalize('NFKD').replace(/[^\w\- ]+/g, '').trim().replace(/\s+/g, '-').slice(0, 80) || 'document';
  return `${base}.${ext}`;
}

const EXT: Record<string, string> = {
  markdown: 'md', javascript: 'js', typescript: 'ts', python: 'py', java: 'java', cpp: 'cpp', go: 'go', rust: 'rs', sql: 'sql', html: 'html', css: 'css',
};

export function documentsRoutes(docs: DocumentsService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['documents'];

    app.get('/api/rooms/:id/documents', {
      schema: { tags, summary: 'The room’s documents (notes and code pads), most recently edited first', params: roomParams, response: { 200: docListSchemaOut, ...authErrors } },
    }, async (req) => {
      const { user } = requireSession(req);
      await app.rooms.requireMember(req.params.id, user.id);
      return { documents: await docs.list(req.params.id) };
    });

    app.get('/api/rooms/:id/documents/:docId/export', {
      schema: {
        tags,
        summary: 'Download a document’s current text (.md for notes, the language’s extension for code pads)',
        params: docParams,
        response: { 200: z.string().describe('The text, as an attachment'), ...authErrors },
      },
    }, async (req, reply) => {
      const { user } = requireSession(req);
      await app.rooms.requireMember(req.params.id, user.id);
      const row = await docs.get(req.params.id, req.params.docId);
      const text = await docs.text(req.params.id, req.params.docId);
      const name = exportFileName(row.title, EXT[row.language] ?? 'txt');
      return reply
        .header('content-type', row.kind === 'note' ? 'text/markdown; charset=utf-8' : 'text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(text);
    });
  };
}
