/**
 * Admin analytics: activity recording, the daily rollup job and the read API
 * (docs/decisions/0016-reports-and-analytics.md).
 */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { streamRecordings } from '../../db/schema/index.js';
import { ActivityRecorder } from './activity.js';
import { analyticsRoutes } from './analytics.routes.js';
import { AnalyticsService } from './analytics.service.js';
import { daySql } from './day-sql.js';
import { RollupJob } from './rollup.js';

declare module 'fastify' {
  interface FastifyInstance {
    analytics: AnalyticsService;
    rollup: RollupJob;
    /** Samples this minute, then runs the rollup job (what the timer and "Update now" do); never rejects, never overlaps. */
    runRollup: () => Promise<void>;
    activity: ActivityRecorder;
  }
}

/** How often the rollup job runs (it also runs at start-up). */
export const ROLLUP_EVERY_MS = 5 * 60_000;
const SAMPLE_EVERY_MS = 60_000;
/** Rows per table per run: a few hundred ms of work on a small machine; the rest follows 50 ms later. */
export const ROLLUP_BATCH = 100_000;

export const analyticsPlugin = fp(
  async (app: FastifyInstance) => {
    const tz = app.config.timeZone;
    const log = app.log.child({ feature: 'analytics' });
    const activity = new ActivityRecorder(app.db, tz);
    const days = daySql(app.db);
    const storage = async () => {
      const db = await days.databaseBytes(app.config.dbFile);
      const [vods] = await app.db.select({ n: sql<number>`coalesce(sum(${streamRecordings.sizeBytes}), 0)`.mapWith(Number) }).from(streamRecordings);
      return db === null ? null : db + (vods?.n ?? 0);
    };
    const rollup = new RollupJob(app.db, tz, storage);
    app.decorate('activity', activity);
    app.decorate('rollup', rollup);
    app.decorate('analytics', new AnalyticsService(app.db, tz));

    /** Recording activity never fails a socket or a message: errors are logged. */
    const record = (what: string, work: Promise<unknown>) => void work.catch((err: unknown) => log.error({ err }, `analytics: recording ${what} failed`));
    const connected = () => app.io.of('/').sockets.size;
    app.sockets.onConnect((socket) => {
      record('activity', activity.active(socket.data.userId));
      activity.sockets(connected());
    });
    app.roomEvents.on('chat:message', (f) => record('activity', activity.active(f.message.author.id)));
    app.roomEvents.on('stream:started', (f) => {
      if (f.state.streamId) record('a stream start', activity.streamStarted(f.roomId, f.state.streamId, f.state.startedAt ?? Date.now()));
    });
    app.roomEvents.on('stream:ended', (f) => record('a stream end', activity.streamEnded(f.streamId, f.endedAt)));

    const viewers = async () => {
      if (!app.hasDecorator('stream')) return 0;
      let n = 0;
      for (const roomId of await activity.liveRooms()) n += app.stream.state(roomId).viewers;
      return n;
    };
    const sample = async () => activity.sample(connected(), await viewers());
    let sampler: NodeJS.Timeout | undefined;
    let job: NodeJS.Timeout | undefined;
    let first: NodeJS.Timeout | undefined;
    let closed = false;
    /** The run in progress: a second call (timer, "Update now") waits for it instead of overlapping. */
    let running: Promise<void> | null = null;
    const runOnce = async () => {
      try {
        // This minute's sample first, so today's peak includes the sockets connected right now.
        await sample();
        const r = await rollup.run(Date.now(), ROLLUP_BATCH);
        log.debug({ ...r }, 'analytics rollup');
        // A backfill goes on in short runs with breaks, so sockets and requests are served between them.
        if (r.more && !closed) {
          clearTimeout(first);
          first = setTimeout(() => void runRollup(), 50);
          first.unref();
        }
      } catch (err) {
        log.error({ err }, 'analytics rollup failed');
      }
    };
    const runRollup = (): Promise<void> => {
      running ??= runOnce().finally(() => {
        running = null;
      });
      return running;
    };
    app.decorate('runRollup', runRollup);
    app.addHook('onReady', async () => {
      await activity.closeOpenStreams();
      // Soon after start rather than before listening: a first run over a large history takes seconds.
      first = setTimeout(() => void runRollup(), 2000);
      first.unref();
      sampler = setInterval(() => record('a sample', sample()), SAMPLE_EVERY_MS);
      job = setInterval(() => void runRollup(), ROLLUP_EVERY_MS);
      sampler.unref();
      job.unref();
    });
    app.addHook('preClose', async () => {
      closed = true;
      clearTimeout(first);
      clearInterval(sampler);
      clearInterval(job);
      await running;
    });
    await app.register(analyticsRoutes);
  },
  { name: 'analytics' },
);
