import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { credentialsSchema, meSchemaOut, passwordChangeSchema, profilePatchSchema, registerSchema } from '../../protocol/users.js';
import { clearSessionCookie, requireSession, setSessionCookie } from '../plugins/auth.js';
import { authErrors, errorReply, noContent } from '../plugins/http-schemas.js';
import { isLoopbackAddress } from '../plugins/origin.js';
import { AppError } from '../plugins/errors.js';
import { auditRequest } from '../audit/audit-request.js';
import { sessionChannel, userChannel } from '../plugins/socket-io.js';
import { toMe } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';

const meReply = z.object({ user: meSchemaOut });

/** From the machine itself, not relayed by a proxy (whose forwarded headers a client could forge). */
const isDirectLocal = (req: FastifyRequest) =>
  isLoopbackAddress(req.socket.remoteAddress) && !req.headers['x-forwarded-for'] && !req.headers.forwarded && !req.headers['x-real-ip'];

export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];
  const throttle = new LoginThrottle(app.config.authAttemptsPer15Min);
  const meta = (req: FastifyRequest) => ({ ip: req.ip, userAgent: req.headers['user-agent'] ?? '' });
  const errors = { 400: errorReply, 401: errorReply, 403: errorReply, 409: errorReply, 429: errorReply };

  app.post('/api/auth/register', { schema: { tags, summary: 'Create an account and sign in (an invite code when registration is invite-only)', body: registerSchema, response: { 201: meReply, ...errors } } }, async (req, reply) => {
    throttle.perIp.enforce(req.ip, 'Too many sign-up attempts from your network. Try again later.');
    await app.instance.precheck();
    const { user, token } = await app.auth.register(req.body.username, req.body.password, { ...meta(req), local: isDirectLocal(req) }, (isFirst, tx) =>
      app.instance.admit(isFirst, req.body.inviteCode, tx),
    );
    if (user.isAdmin) {
      const ref = { id: user.id, username: user.username };
      await auditRequest(req, 'admin.grant', { actor: ref, target: ref, detail: { reason: 'first account of the instance' } });
    }
    setSessionCookie(req, reply, token);
    return reply.status(201).send({ user: toMe(user) });
  });

  app.post('/api/auth/login', { schema: { tags, summary: 'Sign in; sets the session cookie', body: credentialsSchema, response: { 200: meReply, ...errors } } }, async (req, reply) => {
    const account = req.body.username.toLowerCase();
    const attempt = { ip: req.ip, account, knownAddress: await app.auth.hasLiveSessionFrom(account, req.ip) };
    throttle.before(attempt);
    const { user, token } = await app.auth.login(req.body.username, req.body.password, meta(req)).catch(async (err: unknown) => {
      if (err instanceof AppError && err.code === 'INVALID_CREDENTIALS') {
        throttle.failed(attempt);
        // The attempted name is kept as typed (trimmed to the schema's length): it may be a typo or a probe.
        await auditRequest(req, 'auth.sign_in_failed', { actor: null, detail: { username: req.body.username } });
      }
      throw err;
    });
    throttle.succeeded(attempt);
    await auditRequest(req, 'auth.sign_in', { actor: { id: user.id, username: user.username } });
    setSessionCookie(req, reply, token);
    return { user: toMe(user) };
  });

  app.post('/api/auth/logout', { schema: { tags, summary: 'Sign out this session and drop its live connections', response: { 204: noContent } } }, async (req, reply) => {
    if (req.session) {
      await app.auth.revokeSession(req.session.sessionId);
      app.io.in(sessionChannel(req.session.sessionId)).disconnectSockets(true);
    }
    clearSessionCookie(reply);
    return reply.status(204).send(null);
  });

  app.post('/api/auth/logout-all', { schema: { tags, summary: 'Sign out everywhere', response: { 204: noContent, ...authErrors } } }, async (req, reply) => {
    const { user } = requireSession(req);
    const revoked = await app.auth.revokeAll(user.id);
    app.io.in(userChannel(user.id)).disconnectSockets(true);
    await auditRequest(req, 'auth.sign_out_everywhere', { detail: { sessions: revoked.length } });
    clearSessionCookie(reply);
    return reply.status(204).send(null);
  });

  app.post('/api/auth/password', {
    schema: {
      tags,
      summary: 'Change my password (current + new); signs out my other sessions and drops their live connections, keeps this one',
      body: passwordChangeSchema,
      response: { 204: noContent, ...authErrors },
    },
  }, async (req, reply) => {
    const { user, sessionId } = requireSession(req);
    // Limited like sign-in: a stolen session must not become a password-guessing oracle.
    const attempt = { ip: req.ip, account: `#${user.id}`, knownAddress: true };
    throttle.before(attempt);
    const revoked = await app.auth.changePassword(user.id, req.body.currentPassword, req.body.newPassword, sessionId).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'WRONG_PASSWORD') throttle.failed(attempt);
      throw err;
    });
    throttle.succeeded(attempt);
    await auditRequest(req, 'auth.password_change', { detail: { signedOutSessions: revoked.length } });
    for (const id of revoked) app.io.in(sessionChannel(id)).disconnectSockets(true);
    return reply.status(204).send(null);
  });

  app.get('/api/me', { schema: { tags, summary: 'The signed-in user', response: { 200: meReply, ...authErrors } } }, async (req) => ({ user: toMe(requireSession(req).user) }));

  app.patch('/api/me', { schema: { tags, summary: 'Update my profile', body: profilePatchSchema, response: { 200: meReply, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    return { user: toMe(await app.auth.updateProfile(user.id, req.body)) };
  });
}
