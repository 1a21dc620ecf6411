import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { auditFiltersSchema, auditPageSchemaOut, auditQuerySchema } from '../../protocol/audit-schemas.js';
import type { AuditFilters } from '../../protocol/audit.js';
import { requireAdmin } from '../plugins/auth.js';
import { authErrors } from '../plugins/http-schemas.js';
import { csvRow } from './csv.js';
import type { AuditService } from './audit.service.js';

export const CSV_HEADER = ['id', 'time_utc', 'action', 'actor_id', 'actor', 'target_id', 'target', 'room_id', 'ip', 'detail'] as const;

/** The CSV body, one batch of rows per chunk; nothing is built in memory beyond a batch. */
export async function* auditCsv(audit: AuditService, filters: AuditFilters): AsyncGenerator<string> {
  yield csvRow(CSV_HEADER);
  for await (const batch of audit.iterate(filters)) {
    let chunk = '';
    for (const e of batch) {
      chunk += csvRow([e.id, new Date(e.at).toISOString(), e.action, e.actorId, e.actorName, e.targetUserId, e.targetName, e.roomId, e.ip, e.detail]);
    }
    yield chunk;
  }
}

export async function auditRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];

  app.get('/api/admin/audit', {
    schema: { tags, summary: 'Audit log, newest first; filter by actor, action, room and time; page with `before=<nextCursor>` (admins)', querystring: auditQuerySchema, response: { 200: auditPageSchemaOut, ...authErrors } },
  }, async (req) => {
    requireAdmin(req);
    const { before, limit, ...filters } = req.query;
    return app.audit.list(filters, { before, limit });
  });

  app.get('/api/admin/audit/export.csv', {
    schema: { tags, summary: 'The matching audit entries as CSV, streamed; cells that a spreadsheet would run as formulas are escaped (admins)', querystring: auditFiltersSchema, response: { ...authErrors } },
  }, async (req, reply) => {
    requireAdmin(req);
    const day = new Date().toISOString().slice(0, 10);
    // A stream is sent as is (no serializer): the typed reply only knows the error bodies.
    return (reply as FastifyReply)
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="commonroom-audit-${day}.csv"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(auditCsv(app.audit, req.query)));
  });
}
