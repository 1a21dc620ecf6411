import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** OpenAPI document at /docs/json and a browsable UI at /docs, generated from the route schemas. */
export const docsPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: 'Commonroom API',
          version: '0.1.0',
          description:
            'Study rooms with chat. Authenticate with POST /api/auth/login; the session cookie `cr_session` authorises every other call. ' +
            'Errors are `{error: {code, message, retryAfter?}}` with stable codes. Real-time events use Socket.IO (see protocol/events.ts).',
        },
        tags: [
          { name: 'auth', description: 'Accounts and sessions' },
          { name: 'rooms', description: 'Rooms, membership and moderation' },
          { name: 'chat', description: 'Room messages' },
          { name: 'study', description: 'To-dos, pomodoro, alarms, focus statistics' },
          { name: 'notifications', description: 'Notification centre, per-room notification settings, invites, Web Push' },
          { name: 'system', description: 'Health' },
        ],
      },
      transform: jsonSchemaTransform,
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'docs' },
);
