import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  createReportSchema,
  reportActionSchema,
  reportDetailSchemaOut,
  reportListQuerySchema,
  reportListSchemaOut,
  reportParams,
  reportReceiptSchemaOut,
} from '../../protocol/reports.js';
import { requireAdmin, requireSession } from '../plugins/auth.js';
import { authErrors } from '../plugins/http-schemas.js';
import { roomParams } from '../rooms/rooms.schemas.js';
import type { ReportActor } from './reports.service.js';

const actorOf = (req: FastifyRequest): ReportActor => {
  const { user } = requireSession(req);
  return { id: user.id, username: user.username, isAdmin: user.isAdmin };
};

export async function reportsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['reports'];
  const conflict = { 409: authErrors[400] };

  app.post('/api/rooms/:id/reports', {
    schema: { tags, summary: 'Report a message or a member of the room to its moderators (members)', params: roomParams, body: createReportSchema, response: { 201: reportReceiptSchemaOut, ...authErrors, ...conflict } },
  }, async (req, reply) => {
    const report = await app.reports.create(req.params.id, actorOf(req), req.body);
    return reply.status(201).send({ report });
  });

  app.get('/api/rooms/:id/reports', {
    schema: { tags, summary: "The room's report queue (owner and moderators, by the visibility rules; admins)", params: roomParams, querystring: reportListQuerySchema.omit({ roomId: true }), response: { 200: reportListSchemaOut, ...authErrors } },
  }, async (req) => app.reports.listRoom(req.params.id, actorOf(req), req.query));

  app.get('/api/reports/:reportId', {
    schema: { tags, summary: 'A report with its message in context and the actions the caller may take', params: reportParams, response: { 200: reportDetailSchemaOut, ...authErrors } },
  }, async (req) => app.reports.detail(req.params.reportId, actorOf(req)));

  app.post('/api/reports/:reportId/actions', {
    schema: { tags, summary: 'Act on a report: dismiss, delete the message, mute, kick or ban (recorded on the report and in the audit log)', params: reportParams, body: reportActionSchema, response: { 200: reportDetailSchemaOut, ...authErrors, ...conflict } },
  }, async (req) => app.reports.act(req.params.reportId, actorOf(req), req.body, req.ip));

  app.get('/api/admin/reports', {
    schema: { tags: ['admin'], summary: "Every room's reports (instance admins)", querystring: reportListQuerySchema, response: { 200: reportListSchemaOut, ...authErrors } },
  }, async (req) => {
    const { user } = requireAdmin(req);
    return await app.reports.listAll({ id: user.id, username: user.username, isAdmin: true }, req.query);
  });
}
