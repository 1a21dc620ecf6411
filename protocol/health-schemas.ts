/** Zod schema of the admin health snapshot (OpenAPI and response validation). */
import { z } from 'zod';
import { ALERT_KINDS } from './health.js';

export const adminAlertSchemaOut = z.object({ id: z.string(), kind: z.enum(ALERT_KINDS), at: z.number(), title: z.string(), body: z.string() });

export const healthSnapshotSchemaOut = z.object({
  at: z.number(),
  uptimeSeconds: z.number(),
  node: z.string(),
  cpuPercent: z.number(),
  cores: z.number(),
  loadAverage: z.tuple([z.number(), z.number(), z.number()]),
  memory: z.object({ rssBytes: z.number(), heapUsedBytes: z.number(), heapTotalBytes: z.number(), systemTotalBytes: z.number(), systemFreeBytes: z.number() }),
  eventLoop: z.object({ p50Ms: z.number(), p99Ms: z.number(), maxMs: z.number() }),
  sockets: z.number(),
  activeRooms: z.number(),
  ffmpeg: z.array(z.object({ pid: z.number(), cpuPercent: z.number().nullable(), rssBytes: z.number().nullable() })),
  database: z.object({ bytes: z.number(), walBytes: z.number() }),
  disk: z.object({ path: z.string(), freeBytes: z.number(), totalBytes: z.number() }).nullable(),
  recentErrors: z.array(z.object({ at: z.number(), message: z.string(), reqId: z.string().nullable() })),
  recentAlerts: z.array(adminAlertSchemaOut),
  thresholds: z.object({ eventLoopMs: z.number(), diskFreeMb: z.number(), ffmpegCrashes: z.number(), failedSignIns: z.number() }),
});
