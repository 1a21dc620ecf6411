/**
 * Live documents (SPEC D1-D2) as one plugin: room notes and code pads shared through Yjs over our
 * Socket.IO connection, persisted as an append-only update log with background snapshots.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { documentsRoutes } from './documents.routes.js';
import { DocumentsService } from './documents.service.js';
import { registerDocumentSockets } from './documents.socket.js';
import { pyodideRoutes } from './pyodide.js';

/** Vite's file name for client/src/features/documents/runner.worker.ts and its lazily loaded parts. */
export const RUNNER_ASSET = /^\/assets\/(?:[\w-]+-)?runner\.worker-[\w-]+\.js(?:\?.*)?$/;
/**
 * The runner Worker's policy: `default-src 'none'` already forbids every fetch; `connect-src`
 * (fetch, XHR, WebSocket, EventSource) is spelled out too so nobody widening `default-src` later
 * opens it by accident. (With `worker-src 'none'`, `img-src 'none'` … added, the e2e TypeScript run
 * timed out where this policy passed — one run each on a loaded machine, not investigated
 * further: keep it minimal and re-run e2e/documents/code-pad.spec.ts when changing it.)
 */
/** Several nodes: how often a node's open documents read the updates other nodes stored. */
export const SHARED_CATCH_UP_MS = 2_000;

export const RUNNER_CSP = "default-src 'none'; script-src 'self' 'unsafe-eval'; connect-src 'none'";

declare module 'fastify' {
  interface FastifyInstance {
    documents: DocumentsService;
  }
}

export const documentsPlugin = fp(
  async (app: FastifyInstance) => {
    const docs = new DocumentsService(app.db, app.roomEvents, {
      compactEvery: 500,
      evictAfterMs: 30_000,
      historyWindowMs: app.config.docHistoryDays * 86_400_000,
      // Several nodes write the same documents: copies catch up from the log (ADR 0037).
      ...(app.cluster.enabled ? { shared: { catchUpEveryMs: SHARED_CATCH_UP_MS } } : {}),
    });
    app.decorate('documents', docs);
    registerDocumentSockets(app, docs);
    await app.register(documentsRoutes(docs));
    await app.register(pyodideRoutes);
    // Updates applied but not yet written are written before the database closes.
    app.addHook('preClose', async () => {
      await docs.flush();
      docs.stop();
    });
    // The code pad's runner Worker gets its own CSP (a dedicated Worker obeys the policy of its
    // script's response): eval for the user's code, and no network at all (default-src 'none'
    // covers fetch, XHR, WebSocket and importScripts from elsewhere).
    app.addHook('onSend', async (request, reply, payload) => {
      if (RUNNER_ASSET.test(request.url)) void reply.header('content-security-policy', RUNNER_CSP);
      return payload;
    });
  },
  { name: 'documents' },
);
