import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createSessionSchema,
  joinSchema,
  privateInputSchema,
  problemInputSchema,
  sessionListQuery,
  sessionParams,
  testRunInputSchema,
  timerSchema,
} from '../../protocol/interviews.js';
import { requireSession } from '../plugins/auth.js';
import { authErrors } from '../plugins/http-schemas.js';
import type { InterviewsService } from './interviews.service.js';
import type { ProblemsService } from './problems.service.js';

const anyOut = z.any();
const roomParams = z.object({ roomId: z.coerce.number().int().positive() });
const problemParams = z.object({ problemId: z.coerce.number().int().positive() });

/**
 * Interview sessions over HTTP. Everything needs a signed-in user; a session answers only its host,
 * its candidate and its observers (NOT_FOUND for everyone else, guessed ids included); notes,
 * scorecard, invites, history and replay answer the host only.
 */
export function interviewsRoutes(problems: ProblemsService, interviews: InterviewsService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['interviews'];
    const noStore = { 'cache-control': 'no-store' };

    app.get('/api/interview-problems', { schema: { tags, summary: 'The problem bank and my own problems', response: { 200: anyOut, ...authErrors } } }, async (req) => {
      const { user } = requireSession(req);
      return { problems: await problems.list(user.id) };
    });

    app.get('/api/interview-problems/:problemId', { schema: { tags, summary: 'One problem (statement, starters, tests)', params: problemParams, response: { 200: anyOut, ...authErrors } } }, async (req) => {
      const { user } = requireSession(req);
      return { problem: await problems.get(req.params.problemId, user.id) };
    });

    app.post('/api/interview-problems', { schema: { tags, summary: 'Add a problem of my own', body: problemInputSchema, response: { 201: anyOut, ...authErrors } } }, async (req, reply) => {
      const { user } = requireSession(req);
      return reply.code(201).send({ problem: await problems.create(user.id, req.body) });
    });

    app.delete('/api/interview-problems/:problemId', { schema: { tags, summary: 'Delete a problem of my own', params: problemParams, response: { 204: z.null(), ...authErrors } } }, async (req, reply) => {
      const { user } = requireSession(req);
      await problems.remove(req.params.problemId, user.id);
      return reply.code(204).send(null);
    });

    app.post('/api/interviews', { schema: { tags, summary: 'Create an interview session (I am its host)', body: createSessionSchema, response: { 201: anyOut, ...authErrors } } }, async (req, reply) => {
      const { user } = requireSession(req);
      const { view, invites } = await interviews.create(user.id, req.body);
      return reply.code(201).headers(noStore).send({ ...view, invites });
    });

    app.get('/api/interviews', { schema: { tags, summary: 'My past and open sessions as host, a page at a time (newest first)', querystring: sessionListQuery, response: { 200: anyOut, ...authErrors } } }, async (req) => {
      const { user } = requireSession(req);
      return interviews.history(user.id, req.query.before);
    });

    app.get('/api/rooms/:roomId/interviews', { schema: { tags, summary: 'Sessions started from a room: all for its owner and moderators, mine for other members', params: roomParams, querystring: sessionListQuery, response: { 200: anyOut, ...authErrors } } }, async (req) => {
      const { user } = requireSession(req);
      return interviews.roomSessions(req.params.roomId, user.id, req.query.before);
    });

    app.get('/api/interviews/by-room/:roomId', { schema: { tags, summary: 'The session whose chat room this is (participants only)', params: roomParams, response: { 200: z.object({ id: z.string() }), ...authErrors } } }, async (req) => {
      const { user } = requireSession(req);
      return { id: await interviews.idByRoom(req.params.roomId, user.id) };
    });

    app.get('/api/interviews/:id', { schema: { tags, summary: 'A session I take part in, and my role', params: sessionParams, response: { 200: anyOut, ...authErrors } } }, async (req) => {
      const { user } = requireSession(req);
      return interviews.get(req.params.id, user.id);
    });

    app.post('/api/interviews/:id/join', { schema: { tags, summary: 'Accept an invite (candidate: one-time; observer)', params: sessionParams, body: joinSchema, response: { 200: anyOut, ...authErrors } } }, async (req) => {
      const { user } = requireSession(req);
      return interviews.join(req.params.id, user.id, req.body.token);
    });

    app.post('/api/interviews/:id/invites', { schema: { tags, summary: 'Host: new invite links (the old ones stop working)', params: sessionParams, response: { 200: anyOut, ...authErrors } } }, async (req, reply) => {
      const { user } = requireSession(req);
      return reply.headers(noStore).send({ invites: await interviews.renewInvites(req.params.id, user.id) });
    });

    app.post('/api/interviews/:id/timer', { schema: { tags, summary: 'Host: start, stop or reset the interview timer', params: sessionParams, body: timerSchema, response: { 200: anyOut, ...authErrors } } }, async (req) => {
      const { user } = requireSession(req);
      return { session: await interviews.timer(req.params.id, user.id, req.body.action) };
    });

    app.post('/api/interviews/:id/end', { schema: { tags, summary: 'Host: end the session', params: sessionParams, response: { 200: anyOut, ...authErrors } } }, async (req) => {
      const { user } = requireSession(req);
      return { session: await interviews.end(req.params.id, user.id) };
    });

    app.get('/api/interviews/:id/runs', { schema: { tags, summary: 'Test runs of the session', params: sessionParams, response: { 200: anyOut, ...authErrors } } }, async (req) => {
      const { user } = requireSession(req);
      return { runs: await interviews.runs(req.params.id, user.id) };
    });

    app.post('/api/interviews/:id/runs', { schema: { tags, summary: 'Host or candidate: share the results of a test run made in my browser', params: sessionParams, body: testRunInputSchema, response: { 201: anyOut, ...authErrors } } }, async (req, reply) => {
      const { user } = requireSession(req);
      return reply.code(201).send({ run: await interviews.recordRun(req.params.id, user.id, req.body) });
    });

    app.get('/api/interviews/:id/private', { schema: { tags, summary: 'Host: my private notes and scorecard', params: sessionParams, response: { 200: anyOut, ...authErrors } } }, async (req, reply) => {
      const { user } = requireSession(req);
      return reply.headers(noStore).send(await interviews.getPrivate(req.params.id, user.id));
    });

    app.put('/api/interviews/:id/private', { schema: { tags, summary: 'Host: save my private notes and scorecard', params: sessionParams, body: privateInputSchema, response: { 200: anyOut, ...authErrors } } }, async (req, reply) => {
      const { user } = requireSession(req);
      return reply.headers(noStore).send(await interviews.putPrivate(req.params.id, user.id, req.body));
    });

    app.get('/api/interviews/:id/replay', { schema: { tags, summary: 'Host: the code pad’s keystroke log and the runs, for replay', params: sessionParams, response: { 200: anyOut, ...authErrors } } }, async (req, reply) => {
      const { user } = requireSession(req);
      return reply.headers(noStore).send(await interviews.replay(req.params.id, user.id));
    });
  };
}
