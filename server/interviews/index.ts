/**
 * Interview sessions (SPEC D3) as one plugin: problem bank (seeded at boot), sessions with
 * role-based deep links, shared test runs, private notes/scorecard, history and replay. Each
 * session's chat, call and code pad live in a hidden room of kind 'interview' (ADR 0021), so the
 * existing chat, calls and documents features serve it unchanged. Registered with one line in
 * server/features.ts, after documents.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { socketAccessHooks } from '../rooms/rooms.socket.js';
import { interviewsRoutes } from './interviews.routes.js';
import { InterviewsService } from './interviews.service.js';
import { ProblemsService } from './problems.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    interviews: InterviewsService;
  }
}

export const interviewsPlugin = fp(
  async (app: FastifyInstance) => {
    const problems = new ProblemsService(app.db);
    await problems.seed();
    const access = socketAccessHooks(() => app.io);
    const interviews = new InterviewsService(app.db, problems, {
      requireMember: async (roomId, userId) => app.rooms.requireMember(roomId, userId),
      isMember: async (roomId, userId) => !!(await app.rooms.membership(roomId, userId)),
      createPad: async (roomId, userId, title, language) => (await app.documents.create(roomId, userId, { title, kind: 'code', language })).id,
      writePad: (roomId, docId, userId, update) => app.documents.applyUpdate(roomId, docId, userId, update),
      memberAdded: async (roomId, userId) => {
        access.granted(roomId, userId);
        void app.roomEvents.broadcast(roomId, 'member:joined', { member: await app.rooms.member(roomId, userId) });
      },
      removeMember: async (roomId, userId) => {
        await app.rooms.leave(roomId, userId);
      },
      broadcastChanged: (roomId, session) => app.roomEvents.broadcast(roomId, 'interview:changed', { session }),
      broadcastTested: (roomId, sessionId, run) => app.roomEvents.broadcast(roomId, 'interview:tested', { sessionId, run }),
    });
    app.decorate('interviews', interviews);
    app.documents.writeGuards.push((docId, userId) => interviews.mayWritePad(docId, userId));
    app.documents.cursorTaps.push((docId, userId, cursor) => interviews.recordCursor(docId, userId, cursor));
    app.addHook('onClose', async () => interviews.stop());
    await app.register(interviewsRoutes(problems, interviews));
  },
  { name: 'interviews', dependencies: ['documents'] },
);
