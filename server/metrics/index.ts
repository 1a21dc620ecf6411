/**
 * Prometheus `/metrics` (issue 14 item 5), off unless METRICS_TOKEN is set: then every HTTP
 * request, socket event and database statement is measured, and scrapers authenticate with
 * `Authorization: Bearer <METRICS_TOKEN>`. When off, nothing is wrapped and `/metrics` is a 404.
 *
 * What is measured (names are in the README):
 * - HTTP: latency histogram by method, route pattern (never the raw URL) and status code.
 * - Sockets: connected sockets now; events received, by command name (unknown names count as
 *   `other`, so a client cannot blow up the label set); rate() of it is events per second.
 * - Database (db-timing.ts): on SQLite, time inside better-sqlite3 for every statement's
 *   run/get/all (Drizzle and raw queries alike; the statement's own execution); on PostgreSQL, each
 *   query's round trip from a pooled connection (`all` when it returned rows, else `run`).
 * - FFmpeg: running child processes. Audit entries by action. Node's default process metrics.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { commandSchemas } from '../../protocol/events.js';
import { runningFfmpegPids } from '../../media/ffmpeg-runner.js';
import { AppError } from '../plugins/errors.js';
import { timeDbStatements } from './db-timing.js';

const KNOWN_EVENTS = new Set(Object.keys(commandSchemas));

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const metricsPlugin = fp(
  async (app: FastifyInstance) => {
    const token = app.config.metricsToken;
    if (!token) return;
    // Loaded only when metrics are on: a default start does not pay for the import.
    const { default: client } = await import('prom-client');
    const registry = new client.Registry();
    client.collectDefaultMetrics({ register: registry });

    const http = new client.Histogram({
      name: 'commonroom_http_request_duration_seconds',
      help: 'HTTP request latency by route pattern',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const db = new client.Histogram({
      name: 'commonroom_db_query_duration_seconds',
      help: 'Time per database statement: inside SQLite (run/get/all), or the round trip to PostgreSQL (all: returned rows, run: did not)',
      labelNames: ['op'] as const,
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers: [registry],
    });
    const events = new client.Counter({
      name: 'commonroom_socket_events_total',
      help: 'Socket.IO events received from clients, by command name (rate() gives events per second)',
      labelNames: ['event'] as const,
      registers: [registry],
    });
    new client.Gauge({
      name: 'commonroom_sockets_connected',
      help: 'Socket.IO connections open on this process',
      registers: [registry],
      collect() {
        this.set(app.io ? app.io.of('/').sockets.size : 0);
      },
    });
    new client.Gauge({
      name: 'commonroom_ffmpeg_processes',
      help: 'FFmpeg child processes running',
      registers: [registry],
      collect() {
        this.set(runningFfmpegPids().length);
      },
    });
    const audit = new client.Counter({
      name: 'commonroom_audit_entries_total',
      help: 'Audit log entries written, by action',
      labelNames: ['action'] as const,
      registers: [registry],
    });

    timeDbStatements(app.db, db);

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      http.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    });

    // Features register after this plugin: hook into them once everything is built.
    app.addHook('onReady', async () => {
      // One listener shared by every socket (no closure per socket).
      const count = (event: string) => events.inc({ event: KNOWN_EVENTS.has(event) ? event : 'other' });
      app.sockets.onConnect((socket) => {
        socket.onAny(count);
      });
      app.audit.onRecord((e) => audit.inc({ action: e.action }));
    });

    app.get('/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics (only when METRICS_TOKEN is set; send it as a Bearer token)' } }, async (req, reply) => {
      const auth = req.headers.authorization ?? '';
      const given = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      if (!sameSecret(given, token)) {
        void reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new AppError('UNAUTHENTICATED', 'A valid metrics token is required.');
      }
      return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(await registry.metrics());
    });
  },
  { name: 'metrics', dependencies: ['db'] },
);
