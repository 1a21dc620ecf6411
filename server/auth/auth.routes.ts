import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { credentialsSchema, meSchemaOut, profilePatchSchema } from '../../protocol/users.js';
import { clearSessionCookie, requireSession, setSessionCookie } from '../plugins/auth.js';
import { authErrors, errorReply, noContent } from '../plugins/http-schemas.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import { sessionChannel, userChannel } from '../plugins/socket-io.js';
import { toMe } from './auth.service.js';

const meReply = z.object({ user: meSchemaOut });

export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  const ipLimiter = new RateLimiter(perWindow(app.config.authAttemptsPer15Min, 15 * 60_000));
  const userLimiter = new RateLimiter(perWindow(10, 15 * 60_000));
  const meta = (req: FastifyRequest) => ({ ip: req.ip, userAgent: req.headers['user-agent'] ?? '' });
  const errors = { 400: errorReply, 401: errorReply, 409: errorReply, 429: errorReply };

  app.post('/api/auth/register', { schema: { tags, summary: 'Create an account and sign in', body: credentialsSchema, response: { 201: meReply, ...errors } } }, async (req, reply) => {
    ipLimiter.enforce(req.ip);
    const { user, token } = await app.auth.register(req.body.username, req.body.password, meta(req));
    setSessionCookie(req, reply, token);
    return reply.status(201).send({ user: toMe(user) });
  });

  app.post('/api/auth/login', { schema: { tags, summary: 'Sign in; sets the session cookie', body: credentialsSchema, response: { 200: meReply, ...errors } } }, async (req, reply) => {
    const userKey = req.body.username.toLowerCase();
    ipLimiter.enforce(req.ip, 'Too many sign-in attempts. Try again later.');
    userLimiter.enforce(userKey, 'Too many sign-in attempts for this account. Try again later.');
    const { user, token } = await app.auth.login(req.body.username, req.body.password, meta(req));
    userLimiter.reset(userKey);
    setSessionCookie(req, reply, token);
    return { user: toMe(user) };
  });

  app.post('/api/auth/logout', { schema: { tags, summary: 'Sign out this session and drop its live connections', response: { 204: noContent } } }, async (req, reply) => {
    if (req.session) {
      app.auth.revokeSession(req.session.sessionId);
      app.io.in(sessionChannel(req.session.sessionId)).disconnectSockets(true);
    }
    clearSessionCookie(reply);
    return reply.status(204).send(null);
  });

  app.post('/api/auth/logout-all', { schema: { tags, summary: 'Sign out everywhere', response: { 204: noContent, ...authErrors } } }, async (req, reply) => {
    const { user } = requireSession(req);
    app.auth.revokeAll(user.id);
    app.io.in(userChannel(user.id)).disconnectSockets(true);
    clearSessionCookie(reply);
    return reply.status(204).send(null);
  });

  app.get('/api/me', { schema: { tags, summary: 'The signed-in user', response: { 200: meReply, ...authErrors } } }, async (req) => ({ user: toMe(requireSession(req).user) }));

  app.patch('/api/me', { schema: { tags, summary: 'Update my profile', body: profilePatchSchema, response: { 200: meReply, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    return { user: toMe(app.auth.updateProfile(user.id, req.body)) };
  });
}
