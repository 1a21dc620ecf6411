/**
 * Room files (SPEC F1-F4): tus uploads, folders, trash, search, downloads with Range, thumbnails.
 * Registered with one line in features.ts.
 */
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { FilesService } from './files.service.js';
import { filesRoutes, OpenDownloads } from './files.routes.js';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import { FfmpegRunner } from '../../media/ffmpeg-runner.js';
import { LocalDiskStore } from './storage.js';
import { Thumbnailer } from './thumbs.js';
import { MediaJobs } from './jobs.js';
import { tusRoutes, tusSweeper } from './tus.js';
import { UploadStore } from './upload-store.js';

declare module 'fastify' {
  interface FastifyInstance {
    files: FilesService;
    thumbs: Thumbnailer;
    mediaJobs: MediaJobs;
    /** Unfinished tus uploads (the storage seam's upload side). */
    uploadStore: UploadStore;
  }
}

/** Several nodes: how often a node looks for media jobs left running by a node that is gone. */
const ORPHAN_JOBS_EVERY_MS = 10_000;

export const filesPlugin = fp(
  async (app: FastifyInstance) => {
    const root = join(app.config.dataDir, 'files');
    const uploadDir = join(root, 'uploads');
    mkdirSync(uploadDir, { recursive: true });
    const files = new FilesService(app.db, app.rooms, app.roomEvents, new LocalDiskStore(join(root, 'store')), app.config.files);
    app.decorate('files', files);
    // FFmpeg is looked up once, on first need (video thumbnails, media jobs).
    let toolsP: Promise<{ runner: FfmpegRunner; ffprobe: string | null } | null> | null = null;
    const tools = () =>
      (toolsP ??= findFfmpeg(app.config.ffmpegPath).then(({ binary }) => (binary ? { runner: new FfmpegRunner(binary.ffmpeg), ffprobe: binary.ffprobe } : null)));
    const runner = async () => (await tools())?.runner ?? null;
    const log = app.log.child({ feature: 'files' });
    const thumbs = new Thumbnailer(files, runner, log, async () => (await tools())?.ffprobe ?? null);
    const mediaJobs = new MediaJobs(app.db, files, app.roomEvents, tools, app.config.files.jobConcurrency, log, { id: app.cluster.nodeId, alive: () => app.cluster.nodes() });
    app.decorate('mediaJobs', mediaJobs);
    app.decorate('thumbs', thumbs);
    files.onAdded = (f) => thumbs.add({ fileId: f.id, sha256: f.sha256, kind: f.kind });
    // Thumbnails that were pending when the server stopped are made now.
    app.addHook('onReady', async () => {
      for (const f of await files.pendingThumbs()) thumbs.add({ fileId: f.id, sha256: f.sha256, kind: f.kind });
      await mediaJobs.resume();
    });
    // Several nodes: the jobs of a node that died start over on a live one (ADR 0037).
    const orphans = app.cluster.enabled ? setInterval(() => void mediaJobs.requeueOrphans().catch((err: unknown) => log.warn({ err }, 'requeueing media jobs failed')), ORPHAN_JOBS_EVERY_MS) : undefined;
    orphans?.unref();
    app.addHook('preClose', async () => {
      clearInterval(orphans);
      thumbs.stop();
      await mediaJobs.stop();
    });
    const downloads = new OpenDownloads();
    // Kicked or banned: open downloads stop now (every new request is refused by the membership check),
    // and their unfinished uploads go at once (bytes and the quota they reserved), not at the sweep.
    app.roomEvents.on('member:left', ({ roomId, userId }) => {
      downloads.cut(roomId, userId);
      void files
        .dropUploadsOf(roomId, userId)
        .then((ids) => Promise.all(ids.flatMap((id) => [rm(join(uploadDir, id), { force: true }), rm(join(uploadDir, `${id}.json`), { force: true })])))
        .catch((err: Error) => log.warn({ roomId, userId, err: err.message }, 'dropping unfinished uploads failed'));
    });
    await app.register(filesRoutes, { files, downloads, jobs: mediaJobs, thumbs });
    const uploadStore = new UploadStore({ directory: uploadDir, expirationPeriodInMilliseconds: 86_400_000 });
    app.decorate('uploadStore', uploadStore);
    await app.register(tusRoutes, { files, uploadDir, datastore: uploadStore });
    const sweep = tusSweeper(files, uploadDir);
    const timer = setInterval(() => void sweep(), 3_600_000);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'files', dependencies: ['db', 'auth', 'socket-io'] },
);
