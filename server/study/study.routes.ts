import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { alarmCreateSchema, alarmSchemaOut, alarmSeenSchema, focusSummarySchemaOut, leaderboardQuerySchema, leaderboardSchemaOut, todoSchemaOut } from '../../protocol/study.js';
import { requireSession } from '../plugins/auth.js';
import { idempotencyKey } from '../plugins/idempotency.js';
import { authErrors, noContent } from '../plugins/http-schemas.js';
import { roomParams } from '../rooms/rooms.schemas.js';

const alarmParams = z.object({ id: z.coerce.number().int().positive() });

export async function studyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['study'];

  app.get('/api/alarms', { schema: { tags, summary: 'My timers and alarms', response: { 200: z.object({ alarms: z.array(alarmSchemaOut) }), ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    return { alarms: await app.alarms.list(user.id) };
  });

  app.post('/api/alarms', {
    schema: { tags, summary: 'Set a countdown timer or a wall-clock alarm (in my time zone, optionally repeating)', body: alarmCreateSchema, response: { 201: z.object({ alarm: alarmSchemaOut }), ...authErrors, 409: authErrors[400] } },
  }, async (req, reply) => {
    const { user } = requireSession(req);
    const create = () => app.alarms.create(user.id, req.body);
    const alarm = req.body.clientId ? await app.idempotency.run(idempotencyKey(user.id, 'POST /api/alarms', req.body.clientId), create) : await create();
    return reply.status(201).send({ alarm });
  });

  app.post('/api/alarms/:id/seen', {
    schema: {
      tags,
      summary: 'Tell my other devices an alarm fire was rung or shown here (they will not list it as missed)',
      params: alarmParams,
      body: alarmSeenSchema,
      response: { 200: z.object({ alarm: alarmSchemaOut }), ...authErrors },
    },
  }, async (req) => {
    const { user } = requireSession(req);
    return { alarm: await app.alarms.seen(user.id, req.params.id, req.body.firedAt) };
  });

  app.delete('/api/alarms/:id', { schema: { tags, summary: 'Delete a timer or alarm', params: alarmParams, response: { 204: noContent, ...authErrors } } }, async (req, reply) => {
    const { user } = requireSession(req);
    await app.alarms.remove(user.id, req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/todos/mine', { schema: { tags, summary: 'My personal to-do list', response: { 200: z.object({ todos: z.array(todoSchemaOut) }), ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    return { todos: await app.todos.listPersonal(user.id) };
  });

  app.get('/api/stats/me', { schema: { tags, summary: 'My focus statistics (days in my time zone)', response: { 200: focusSummarySchemaOut, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    return await app.stats.summary(user.id, user.timeZone);
  });

  app.get('/api/rooms/:id/leaderboard', {
    schema: { tags, summary: 'Focus leaderboard of a room', params: roomParams, querystring: leaderboardQuerySchema, response: { 200: leaderboardSchemaOut, ...authErrors } },
  }, async (req) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id);
    return await app.stats.leaderboard(req.params.id, req.query.range, user.timeZone);
  });
}
