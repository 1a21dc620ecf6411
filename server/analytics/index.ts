/**
 * Admin analytics: activity recording, the daily rollup job and the read API
 * (docs/decisions/0016-reports-and-analytics.md).
 */
import { statSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ActivityRecorder } from './activity.js';
import { analyticsRoutes } from './analytics.routes.js';
import { AnalyticsService } from './analytics.service.js';
import { RollupJob } from './rollup.js';

declare module 'fastify' {
  interface FastifyInstance {
    analytics: AnalyticsService;
    rollup: RollupJob;
    /** Samples this minute, then runs the rollup job (what the timer and "Update now" do). */
    runRollup: () => void;
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
    const activity = new ActivityRecorder(app.db, tz);
    const storage = () => {
      const raw = app.db.$client;
      const db = (raw.pragma('page_count', { simple: true }) as number) * (raw.pragma('page_size', { simple: true }) as number);
      let wal = 0;
      try {
        wal = statSync(`${app.config.dbFile}-wal`).size;
      } catch {
        /* no WAL file right now */
      }
      const vods = (raw.prepare('SELECT coalesce(sum(size_bytes), 0) AS n FROM stream_recordings').get() as { n: number }).n;
      return db + wal + vods;
    };
    const rollup = new RollupJob(app.db, tz, storage);
    app.decorate('activity', activity);
    app.decorate('rollup', rollup);
    app.decorate('analytics', new AnalyticsService(app.db, tz));

    const connected = () => app.io.of('/').sockets.size;
    app.sockets.onConnect((socket) => {
      activity.active(socket.data.userId);
      activity.sockets(connected());
    });
    app.roomEvents.on('chat:message', (f) => activity.active(f.message.author.id));
    app.roomEvents.on('stream:started', (f) => {
      if (f.state.streamId) activity.streamStarted(f.roomId, f.state.streamId, f.state.startedAt ?? Date.now());
    });
    app.roomEvents.on('stream:ended', (f) => activity.streamEnded(f.streamId, f.endedAt));

    const viewers = () => {
      if (!app.hasDecorator('stream')) return 0;
      let n = 0;
      for (const roomId of activity.liveRooms()) n += app.stream.state(roomId).viewers;
      return n;
    };
    let sampler: NodeJS.Timeout | undefined;
    let job: NodeJS.Timeout | undefined;
    let first: NodeJS.Timeout | undefined;
    const runRollup = () => {
      try {
        // This minute's sample first, so today's peak includes the sockets connected right now.
        activity.sample(connected(), viewers());
        const r = rollup.run(Date.now(), ROLLUP_BATCH);
        app.log.debug({ ...r }, 'analytics rollup');
        // A backfill goes on in short runs with breaks, so sockets and requests are served between them.
        if (r.more) {
          clearTimeout(first);
          first = setTimeout(runRollup, 50);
          first.unref();
        }
      } catch (err) {
        app.log.error({ err }, 'analytics rollup failed');
      }
    };
    app.decorate('runRollup', runRollup);
    app.addHook('onReady', async () => {
      activity.closeOpenStreams();
      // Soon after start rather than before listening: a first run over a large history takes seconds.
      first = setTimeout(runRollup, 2000);
      first.unref();
      sampler = setInterval(() => activity.sample(connected(), viewers()), SAMPLE_EVERY_MS);
      job = setInterval(runRollup, ROLLUP_EVERY_MS);
      sampler.unref();
      job.unref();
    });
    app.addHook('preClose', async () => {
      clearTimeout(first);
      clearInterval(sampler);
      clearInterval(job);
    });
    await app.register(analyticsRoutes);
  },
  { name: 'analytics' },
);
