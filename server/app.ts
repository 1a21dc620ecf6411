import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppConfig } from './config.js';
import { featuresPlugin } from './features.js';
import { authPlugin } from './plugins/auth.js';
import { dbPlugin } from './plugins/db.js';
import { docsPlugin } from './plugins/docs.js';
import { clientErrorHandler, errorHandlerPlugin, frameworkErrors } from './plugins/error-handler.js';
import { connectSources, noStoreApiJson } from './plugins/security-headers.js';
import { socketIoPlugin } from './plugins/socket-io.js';
import { staticClientPlugin } from './plugins/static-client.js';

/** Builds the whole application. Never listens: main.ts and tests do that. */
export async function buildApp(config: AppConfig): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization'] },
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    // Errors raised before routing or by Node's parser get our `{error}` shape and never echo input.
    frameworkErrors,
    clientErrorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', config);

  await app.register(errorHandlerPlugin);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        // Album artwork of the music queue comes from Spotify's image hosts (server/music keeps no others).
        imgSrc: ["'self'", 'data:', 'blob:', 'https://i.scdn.co', 'https://mosaic.scdn.co', 'https://*.spotifycdn.com'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: connectSources(config.publicUrl),
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  noStoreApiJson(app);
  await app.register(docsPlugin);
  await app.register(dbPlugin, { file: config.dbFile });
  await app.register(authPlugin);
  await app.register(socketIoPlugin);
  await app.register(featuresPlugin);

  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/health',
    { schema: { tags: ['system'], summary: 'Liveness: the process is up and the database answers', response: { 200: z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }) } } },
    async () => {
      app.db.$client.prepare('SELECT 1').get();
      return { status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) };
    },
  );

  if (config.clientDist) await app.register(staticClientPlugin, { root: config.clientDist });
  return app;
}
