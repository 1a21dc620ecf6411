import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  adminUserDeleteQuery,
  adminUserDetailReply,
  adminUserListReply,
  adminUserParams,
  adminUserPatchSchema,
  adminUserQuerySchema,
  resetInfoReply,
  resetLinkReply,
  resetPasswordSchema,
  resetTokenSchema,
} from '../../protocol/admin-users.js';
import type { AuditAction } from '../../protocol/audit.js';
import { requireAdmin } from '../plugins/auth.js';
import { AppError } from '../plugins/errors.js';
import { authErrors, errorReply, noContent } from '../plugins/http-schemas.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import { sessionChannel, userChannel } from '../plugins/socket-io.js';
import { resetLinkUrl } from './password-resets.js';
import { toAdminUserRow } from './users.service.js';

const adminErrors = { ...authErrors, 409: errorReply };
const userReply = z.object({ user: adminUserListReply.shape.users.element });

/** The address people reach this server at, for links: PUBLIC_URL, else the request's own host. */
export const publicBase = (req: FastifyRequest) => req.server.config.publicUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;

export async function adminUsersRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];
  const { adminUsers, passwordResets } = app;
  const who = (u: { id: number; username: string }) => ({ id: u.id, username: u.username });
  const audit = async (req: FastifyRequest, action: AuditAction, target: { id: number; username: string } | null, detail?: Record<string, unknown>) =>
    await app.audit.record({ action, actor: who(req.session!.user), target, ip: req.ip, ...(detail ? { detail } : {}) });
  /** Ends a user's live connections now: their open tabs find the session gone and go to the login page. */
  const dropSockets = (userId: number, sessionIds: string[] = []) => {
    app.io.in(userChannel(userId)).disconnectSockets(true);
    for (const id of sessionIds) app.io.in(sessionChannel(id)).disconnectSockets(true);
  };

  app.get('/api/admin/users', { schema: { tags, summary: 'Admin: search, filter, sort and page through users', querystring: adminUserQuerySchema, response: { 200: adminUserListReply, ...adminErrors } } }, async (req) => {
    requireAdmin(req);
    return await adminUsers.list(req.query);
  });

  app.get('/api/admin/users/:id', { schema: { tags, summary: 'Admin: one user with rooms, sessions and recent activity', params: adminUserParams, response: { 200: adminUserDetailReply, ...adminErrors } } }, async (req) => {
    const { sessionId } = requireAdmin(req);
    return await adminUsers.detail(req.params.id, sessionId);
  });

  app.patch('/api/admin/users/:id', {
    schema: { tags, summary: 'Admin: disable/enable an account, grant/revoke admin (never the last admin)', params: adminUserParams, body: adminUserPatchSchema, response: { 200: userReply, ...adminErrors } },
  }, async (req) => {
    const { user: me } = requireAdmin(req);
    const { id } = req.params;
    const { disabled, isAdmin } = req.body;
    if (disabled === true && id === me.id) throw new AppError('CONFLICT', 'You cannot disable your own account.');
    if (isAdmin !== undefined) {
      const changed = await adminUsers.setAdmin(id, isAdmin);
      if (changed) await audit(req, isAdmin ? 'admin.grant' : 'admin.revoke', who(changed));
    }
    if (disabled !== undefined) {
      const changed = await adminUsers.setDisabled(id, disabled);
      if (changed) {
        if (disabled) dropSockets(id, changed.endedSessions);
        await audit(req, disabled ? 'admin.user_disable' : 'admin.user_enable', who(changed.user), disabled ? { endedSessions: changed.endedSessions.length } : undefined);
      }
    }
    return { user: toAdminUserRow(await adminUsers.get(id)) };
  });

  app.post('/api/admin/users/:id/sign-out', { schema: { tags, summary: 'Admin: sign a user out everywhere (ends sessions, drops live connections)', params: adminUserParams, response: { 204: noContent, ...adminErrors } } }, async (req, reply) => {
    requireAdmin(req);
    const target = await adminUsers.get(req.params.id);
    const ended = await adminUsers.endSessions(target.id);
    dropSockets(target.id, ended);
    await audit(req, 'auth.sign_out_everywhere', who(target), { by: 'admin', endedSessions: ended.length });
    return reply.status(204).send(null);
  });

  app.post('/api/admin/users/:id/reset-link', {
    schema: { tags, summary: 'Admin: make a one-time password-reset link (valid 24 h; voids earlier links)', params: adminUserParams, response: { 200: resetLinkReply, ...adminErrors } },
  }, async (req) => {
    const { user: me } = requireAdmin(req);
    const target = await adminUsers.get(req.params.id);
    const { token, expiresAt } = await passwordResets.create(target.id, me.id);
    await audit(req, 'admin.password_reset_link', who(target), { expiresAt });
    return { url: resetLinkUrl(publicBase(req), token), expiresAt };
  });

  app.delete('/api/admin/users/:id', {
    schema: {
      tags,
      summary: 'Admin: delete an account (messages stay as "Deleted user" unless purgeMessages=true; owned rooms pass to a moderator or member)',
      params: adminUserParams,
      querystring: adminUserDeleteQuery,
      response: { 204: noContent, ...adminErrors },
    },
  }, async (req, reply) => {
    const { user: me } = requireAdmin(req);
    const { id } = req.params;
    if (id === me.id) throw new AppError('CONFLICT', 'You cannot delete your own account here.');
    const target = await adminUsers.assertDeletable(id);
    let purged = 0;
    if (req.query.purgeMessages) for (const roomId of await adminUsers.roomsWithMessagesOf(id)) purged += await app.chat.purgeUser(roomId, id);
    const rooms = await app.rooms.removeUserEverywhere(id);
    await adminUsers.anonymize(id);
    app.auth.userChanged(id);
    dropSockets(id);
    await audit(req, 'admin.user_delete', who(target), { purgeMessages: req.query.purgeMessages, purged, roomsTransferred: rooms.transferred, roomsDeleted: rooms.deleted });
    return reply.status(204).send(null);
  });

  // ---- the public side of a reset link (no session: whoever holds the link) ----
  const resetMisses = new RateLimiter(perWindow(30, 15 * 60_000));
  const checkToken = async (req: FastifyRequest, run: () => Promise<unknown>) => {
    resetMisses.check(req.ip, 'Too many invalid reset links from your network. Try again later.');
    try {
      await run();
    } catch (err) {
      resetMisses.hit(req.ip);
      throw err;
    }
  };

  app.post('/api/auth/reset/inspect', {
    schema: { tags: ['auth'], summary: 'Which account a password-reset link is for (and whether it is still valid)', body: z.object({ token: resetTokenSchema }).strict(), response: { 200: resetInfoReply, ...adminErrors, 410: errorReply } },
  }, async (req) => {
    let info!: { username: string; expiresAt: number };
    await checkToken(req, async () => (info = await passwordResets.inspect(req.body.token)));
    return { username: info.username, expiresAt: info.expiresAt };
  });

  app.post('/api/auth/reset', {
    schema: { tags: ['auth'], summary: 'Set a new password with a one-time reset link; signs the account out everywhere', body: resetPasswordSchema, response: { 204: noContent, ...adminErrors, 410: errorReply } },
  }, async (req, reply) => {
    await checkToken(req, () => passwordResets.inspect(req.body.token));
    const done = await passwordResets.consume(req.body.token, req.body.newPassword);
    dropSockets(done.userId, done.endedSessions);
    await app.audit.record({ action: 'auth.password_change', actor: null, target: { id: done.userId, username: done.username }, ip: req.ip, detail: { via: 'reset_link' } });
    return reply.status(204).send(null);
  });
}

