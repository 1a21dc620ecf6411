import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { users } from '../db/schema/index.js';
import type { AppConfig } from './config.js';
import { clusterPlugin } from './cluster/index.js';
import { roomOwnershipPlugin } from './cluster/room-ownership.js';
import { featuresPlugin } from './features.js';
import { ErrorRing } from './health/error-ring.js';
import { healthPlugin } from './health/index.js';
import { metricsPlugin } from './metrics/index.js';
import { authPlugin } from './plugins/auth.js';
import { dbPlugin } from './plugins/db.js';
import { docsPlugin } from './plugins/docs.js';
import { clientErrorHandler, errorHandlerPlugin, frameworkErrors } from './plugins/error-handler.js';
import { connectSources, noStoreApiJson } from './plugins/security-headers.js';
import { socketIoPlugin } from './plugins/socket-io.js';
import { staticClientPlugin } from './plugins/static-client.js';

/** A request id a client or proxy may hand in (x-request-id); anything else gets a fresh UUID. */
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

declare module 'fastify' {
  interface FastifyInstance {
    /** The last errors logged (level error and above), for the admin Health page. */
    errorRing: ErrorRing;
  }
}

/** Builds the whole application. Never listens: main.ts and tests do that. */
export async function buildApp(config: AppConfig): Promise<FastifyInstance> {
  const errorRing = new ErrorRing();
  const silent = config.logLevel === 'silent';
  const app = Fastify({
    // Structured JSON (pino) on stdout. With LOG_LEVEL=silent nothing is written, but errors
    // still reach the Health page's ring buffer through the hook.
    logger: {
      level: silent ? 'error' : config.logLevel,
      redact: ['req.headers.cookie', 'req.headers.authorization'],
      hooks: { logMethod: errorRing.logHook() },
      ...(silent ? { stream: new Writable({ write: (_chunk, _enc, cb) => cb() }) } : {}),
    },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
    // Errors raised before routing or by Node's parser get our `{error}` shape and never echo input.
    frameworkErrors,
    clientErrorHandler,
    // Every route is validated and serialized by zod (the compilers set below, inherited by every
    // plugin). Fastify would otherwise load its default ajv and fast-json-stringify compilers here,
    // only to have them replaced: about 100 ms of every cold start (docs/decisions/0034-cold-start.md).
    // (Fastify types these factories for ajv and fast-json-stringify; the compilers are zod's.)
    schemaController: { compilersFactory: { buildValidator: (() => validatorCompiler) as never, buildSerializer: (() => serializerCompiler) as never } },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('config', config);
  app.decorate('errorRing', errorRing);
  // The id is in every log line of the request (`reqId`) and in the response, to match reports to logs.
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

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
  // Several nodes (REDIS_URL) share the SQLite file in phase 1 of scale-out: transactions begin IMMEDIATE.
  await app.register(dbPlugin, { file: config.dbFile, sharedByProcesses: !!config.cluster.redisUrl, databaseUrl: config.databaseUrl, poolSize: config.databasePoolSize });
  // Right after the database (its statements get timed) and before every API route (their hooks).
  await app.register(metricsPlugin);
  await app.register(authPlugin);
  await app.register(clusterPlugin);
  await app.register(socketIoPlugin);
  await app.register(featuresPlugin);
  await app.register(roomOwnershipPlugin);
  await app.register(healthPlugin);

  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/health',
    { schema: { tags: ['system'], summary: 'Liveness: the process is up and the database answers', response: { 200: z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }) } } },
    async () => {
      await app.db.select({ id: users.id }).from(users).limit(1);
      return { status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) };
    },
  );

  if (config.clientDist) await app.register(staticClientPlugin, { root: config.clientDist });
  return app;
}
