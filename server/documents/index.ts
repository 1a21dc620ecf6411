/**
 * Live documents (SPEC D1-D2) as one plugin: room notes and code pads shared through Yjs over our
 * Socket.IO connection, persisted as an append-only update log with background snapshots.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { documentsRoutes } from './documents.routes.js';
import { DocumentsService } from './documents.service.js';
import { registerDocumentSockets } from './documents.socket.js';

declare module 'fastify' {
  interface FastifyInstance {
    documents: DocumentsService;
  }
}

export const documentsPlugin = fp(
  async (app: FastifyInstance) => {
    const docs = new DocumentsService(app.db, app.roomEvents);
    app.decorate('documents', docs);
    registerDocumentSockets(app, docs);
    await app.register(documentsRoutes(docs));
    app.addHook('preClose', async () => docs.stop());
  },
  { name: 'documents' },
);
