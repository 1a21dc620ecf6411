import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  markReadSchema,
  markReadSchemaOut,
  notificationListQuerySchema,
  notificationPageSchemaOut,
  pushKeySchemaOut,
  pushSubscriptionSchema,
  pushUnsubscribeSchema,
  roomInviteSchema,
  roomNotifySettingsPatchSchema,
  roomNotifySettingsSchemaOut,
} from '../../protocol/notifications.js';
import { requireSession } from '../plugins/auth.js';
import { authErrors, noContent } from '../plugins/http-schemas.js';
import { roomParams } from '../rooms/rooms.schemas.js';
import type { NotificationsService } from './notifications.service.js';
import type { PushService } from './push.service.js';

/** Every route reads or changes only the caller's own notifications, settings and subscriptions. */
export function notificationsRoutes(notifications: NotificationsService, push: PushService) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['notifications'];

    app.get('/api/notifications', {
      schema: { tags, summary: 'My notifications, newest first; page with `before=<nextCursor>`', querystring: notificationListQuerySchema, response: { 200: notificationPageSchemaOut, ...authErrors } },
    }, async (req) => {
      const { user } = requireSession(req);
      return await notifications.list(user.id, req.query);
    });

    app.post('/api/notifications/read', {
      schema: { tags, summary: 'Mark some of my notifications read: by id, or everything about one room', body: markReadSchema, response: { 200: markReadSchemaOut, ...authErrors } },
    }, async (req) => {
      const { user } = requireSession(req);
      return await notifications.markRead(user.id, req.body);
    });

    app.post('/api/notifications/read-all', {
      schema: { tags, summary: 'Mark all my notifications read', body: z.object({}).strict().optional(), response: { 200: markReadSchemaOut, ...authErrors } },
    }, async (req) => {
      const { user } = requireSession(req);
      return await notifications.markAllRead(user.id);
    });

    app.get('/api/rooms/:id/notifications', {
      schema: { tags, summary: 'My notification level and mute for a room', params: roomParams, response: { 200: roomNotifySettingsSchemaOut, ...authErrors } },
    }, async (req) => {
      const { user } = requireSession(req);
      await fastify.rooms.requireMember(req.params.id, user.id);
      return await notifications.effectiveSettings(user.id, req.params.id);
    });

    app.patch('/api/rooms/:id/notifications', {
      schema: {
        tags,
        summary: 'Set my notification level for a room (all / mentions / nothing) or mute it (1h, 8h, 24h, forever; off unmutes)',
        params: roomParams,
        body: roomNotifySettingsPatchSchema,
        response: { 200: roomNotifySettingsSchemaOut, ...authErrors },
      },
    }, async (req) => {
      const { user } = requireSession(req);
      await fastify.rooms.requireMember(req.params.id, user.id);
      return await notifications.updateSettings(user.id, req.params.id, req.body);
    });

    app.post('/api/rooms/:id/invites', {
      schema: {
        tags,
        summary: 'Invite someone who shares a room with me: they get a notification with the invite link',
        params: roomParams,
        body: roomInviteSchema,
        response: { 204: noContent, ...authErrors, 409: authErrors[400] },
      },
    }, async (req, reply) => {
      const { user } = requireSession(req);
      // Muted members may not put things in front of others: an invite is one.
      const member = await fastify.rooms.requireMember(req.params.id, user.id, 'member', { speaks: true });
      await notifications.invite(member, req.body.username);
      return reply.status(204).send(null);
    });

    app.get('/api/push/key', {
      schema: { tags, summary: "The server's VAPID public key for Web Push (enabled: false when push is off)", response: { 200: pushKeySchemaOut, ...authErrors } },
    }, async (req) => {
      requireSession(req);
      return { enabled: push.enabled, publicKey: push.keys?.publicKey ?? null };
    });

    app.post('/api/push/subscriptions', {
      schema: { tags, summary: "Subscribe this browser to push notifications (its PushSubscription's toJSON())", body: pushSubscriptionSchema, response: { 204: noContent, ...authErrors, 409: authErrors[400] } },
    }, async (req, reply) => {
      const { user } = requireSession(req);
      await push.subscribe(user.id, req.body);
      return reply.status(204).send(null);
    });

    app.post('/api/push/unsubscribe', {
      schema: { tags, summary: 'Stop push notifications to this browser', body: pushUnsubscribeSchema, response: { 204: noContent, ...authErrors } },
    }, async (req, reply) => {
      const { user } = requireSession(req);
      await push.unsubscribe(user.id, req.body.endpoint);
      return reply.status(204).send(null);
    });
  };
}
