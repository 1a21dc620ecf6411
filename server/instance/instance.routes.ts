import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { inviteCreateSchema, inviteCreatedReply, inviteParams, invitesReply, instanceInfoReply, settingsPatchSchema, settingsReply } from '../../protocol/instance.js';
import { requireAdmin } from '../plugins/auth.js';
import { authErrors, errorReply } from '../plugins/http-schemas.js';

export async function instanceRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { instance } = app;
  const tags = ['admin'];
  const errors = { ...authErrors, 409: errorReply };

  app.get('/api/instance', { schema: { tags: ['instance'], summary: 'Public facts: registration mode, whether this is a fresh instance, the announcement', response: { 200: instanceInfoReply } } }, async () => await instance.info());

  app.get('/api/admin/settings', { schema: { tags, summary: 'Admin: instance settings', response: { 200: settingsReply, ...errors } } }, async (req) => {
    requireAdmin(req);
    return { settings: await instance.settings() };
  });

  app.patch('/api/admin/settings', { schema: { tags, summary: 'Admin: change registration mode and/or the announcement (pushed live to everyone)', body: settingsPatchSchema, response: { 200: settingsReply, ...errors } } }, async (req) => {
    const { user } = requireAdmin(req);
    const { changed, announcementChanged } = await instance.update(req.body, user.id);
    if (changed.length) {
      const settings = await instance.settings();
      await app.audit.record({
        action: 'admin.settings_change',
        actor: { id: user.id, username: user.username },
        ip: req.ip,
        detail: { changed, registration: settings.registration, ...(announcementChanged ? { announcementVersion: settings.announcement.version } : {}) },
      });
    }
    if (announcementChanged) app.io.emit('instance:announcement', { announcement: await instance.currentAnnouncement() });
    return { settings: await instance.settings() };
  });

  app.get('/api/admin/invites', { schema: { tags, summary: 'Admin: registration invite codes', response: { 200: invitesReply, ...errors } } }, async (req) => {
    requireAdmin(req);
    return { invites: await instance.invites() };
  });

  app.post('/api/admin/invites', { schema: { tags, summary: 'Admin: make an invite code (shown once)', body: inviteCreateSchema, response: { 201: inviteCreatedReply, ...errors } } }, async (req, reply) => {
    const { user } = requireAdmin(req);
    const made = await instance.createInvite(user.id, req.body);
    await app.audit.record({ action: 'admin.settings_change', actor: { id: user.id, username: user.username }, ip: req.ip, detail: { invite: 'create', inviteId: made.invite.id, maxUses: made.invite.maxUses, expiresAt: made.invite.expiresAt } });
    return reply.status(201).send(made);
  });

  app.delete('/api/admin/invites/:id', { schema: { tags, summary: 'Admin: revoke an invite code', params: inviteParams, response: { 200: inviteCreatedReply.pick({ invite: true }), ...errors } } }, async (req) => {
    const { user } = requireAdmin(req);
    const invite = await instance.revokeInvite(req.params.id);
    await app.audit.record({ action: 'admin.settings_change', actor: { id: user.id, username: user.username }, ip: req.ip, detail: { invite: 'revoke', inviteId: invite.id } });
    return { invite };
  });
}
