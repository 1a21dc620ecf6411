import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roomIdSchema } from '../../protocol/rooms.js';
import {
  bulkMoveSchema,
  bulkSchema,
  createFolderSchema,
  createJobSchema,
  fileJobIdSchema,
  fileJobSchemaOut,
  fileIdSchema,
  fileSchemaOut,
  filesSettingsPatchSchema,
  filesSettingsSchemaOut,
  folderIdSchema,
  folderListingSchemaOut,
  folderSchemaOut,
  listQuerySchema,
  patchFileSchema,
  patchFolderSchema,
  searchQuerySchema,
  trashSchemaOut,
  zipQuerySchema,
} from '../../protocol/files.js';
import { requireSession } from '../plugins/auth.js';
import { AppError } from '../plugins/errors.js';
import { authErrors, noContent } from '../plugins/http-schemas.js';
import { roomParams } from '../rooms/rooms.schemas.js';
import { sendStored } from './download.js';
import type { FilesService } from './files.service.js';
import type { MediaJobs } from './jobs.js';
import type { Thumbnailer } from './thumbs.js';
import { blobKey, seekKey, seekMetaKey, thumbKey, waveKey } from './storage.js';
import { seekVtt, type SeekPlan } from '../../media/file-presets.js';
import { contentDisposition } from './download.js';
import { ZipNames, zipStream } from './zip.js';

const fileParams = z.object({ id: roomIdSchema, fileId: fileIdSchema });
const folderParams = z.object({ id: roomIdSchema, folderId: folderIdSchema });
const contentQuery = z.object({ download: z.enum(['0', '1']).optional() }).strict();
const errors = { ...authErrors, 409: authErrors[400], 413: authErrors[400] };

/** Open downloads per room and user: cut the moment the user is kicked or banned. */
export class OpenDownloads {
  private readonly open = new Map<string, Set<Readable>>();
  track(roomId: number, userId: number, s: Readable): void {
    const key = `${roomId}:${userId}`;
    const set = this.open.get(key) ?? new Set();
    set.add(s);
    this.open.set(key, set);
    s.once('close', () => {
      set.delete(s);
      if (set.size === 0) this.open.delete(key);
    });
  }
  cut(roomId: number, userId: number): void {
    for (const s of this.open.get(`${roomId}:${userId}`) ?? []) s.destroy(new Error('access revoked'));
  }
}

export async function filesRoutes(fastify: FastifyInstance, opts: { files: FilesService; downloads: OpenDownloads; jobs: MediaJobs; thumbs: Thumbnailer }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { files, downloads, jobs, thumbs } = opts;
  const tags = ['files'];

  app.get('/api/rooms/:id/files', {
    schema: { tags, summary: 'One folder of the room (root without folderId): folders, files, path, settings (member)', params: roomParams, querystring: listQuerySchema, response: { 200: folderListingSchemaOut, ...errors } },
  }, async (req) => files.list(req.params.id, requireSession(req).user.id, req.query));

  app.get('/api/rooms/:id/files/search', {
    schema: { tags, summary: "Search the room's files by name (partial words), type and uploader (member)", params: roomParams, querystring: searchQuerySchema, response: { 200: z.object({ files: z.array(fileSchemaOut) }), ...errors } },
  }, async (req) => ({ files: await files.search(req.params.id, requireSession(req).user.id, req.query) }));

  app.get('/api/rooms/:id/files/settings', {
    schema: { tags, summary: 'Who may upload, quota and usage (member)', params: roomParams, response: { 200: filesSettingsSchemaOut, ...errors } },
  }, async (req) => {
    await files.reader(req.params.id, requireSession(req).user.id);
    return files.settings(req.params.id);
  });

  app.patch('/api/rooms/:id/files/settings', {
    schema: { tags, summary: 'Who may upload: members or moderators only (owner)', params: roomParams, body: filesSettingsPatchSchema, response: { 200: filesSettingsSchemaOut, ...errors } },
  }, async (req) => files.setUploadRole(req.params.id, requireSession(req).user.id, req.body.uploadRole));

  app.get('/api/rooms/:id/files/trash', {
    schema: { tags, summary: 'The trash (moderators: everything; members: what they deleted or uploaded)', params: roomParams, response: { 200: trashSchemaOut, ...errors } },
  }, async (req) => files.trashList(req.params.id, requireSession(req).user.id));

  app.post('/api/rooms/:id/files/trash', {
    schema: { tags, summary: 'Move files and folders to the trash (your own; moderators: any)', params: roomParams, body: bulkSchema, response: { 204: noContent, ...errors } },
  }, async (req, reply) => {
    await files.trash(req.params.id, requireSession(req).user.id, req.body);
    return reply.status(204).send(null);
  });

  app.post('/api/rooms/:id/files/restore', {
    schema: { tags, summary: 'Bring files and folders back from the trash', params: roomParams, body: bulkSchema, response: { 204: noContent, ...errors } },
  }, async (req, reply) => {
    await files.restore(req.params.id, requireSession(req).user.id, req.body);
    return reply.status(204).send(null);
  });

  app.post('/api/rooms/:id/files/trash/empty', {
    schema: { tags, summary: 'Delete everything in the trash for good (owner, moderators)', params: roomParams, response: { 200: z.object({ fileIds: z.array(z.number()), folderIds: z.array(z.number()) }), ...errors } },
  }, async (req) => files.emptyTrash(req.params.id, requireSession(req).user.id));

  app.post('/api/rooms/:id/files/move', {
    schema: { tags, summary: 'Move files and folders into a folder (null: the root)', params: roomParams, body: bulkMoveSchema, response: { 204: noContent, ...errors } },
  }, async (req, reply) => {
    const userId = requireSession(req).user.id;
    for (const fileId of req.body.fileIds) await files.updateFile(req.params.id, userId, fileId, { folderId: req.body.toFolderId });
    for (const folderId of req.body.folderIds) await files.updateFolder(req.params.id, userId, folderId, { parentId: req.body.toFolderId });
    return reply.status(204).send(null);
  });

  app.post('/api/rooms/:id/folders', {
    schema: { tags, summary: 'Create a folder', params: roomParams, body: createFolderSchema, response: { 201: z.object({ folder: folderSchemaOut }), ...errors } },
  }, async (req, reply) => {
    const folder = await files.createFolder(req.params.id, requireSession(req).user.id, req.body.name, req.body.parentId);
    return reply.status(201).send({ folder });
  });

  app.patch('/api/rooms/:id/folders/:folderId', {
    schema: { tags, summary: 'Rename or move a folder; make it read-only (moderators)', params: folderParams, body: patchFolderSchema, response: { 200: z.object({ folder: folderSchemaOut }), ...errors } },
  }, async (req) => ({ folder: await files.updateFolder(req.params.id, requireSession(req).user.id, req.params.folderId, req.body) }));

  app.get('/api/rooms/:id/files/jobs', {
    schema: { tags, summary: "The room's latest media jobs (member)", params: roomParams, response: { 200: z.object({ jobs: z.array(fileJobSchemaOut) }), ...errors } },
  }, async (req) => ({ jobs: await jobs.list(req.params.id, requireSession(req).user.id) }));

  app.post('/api/rooms/:id/files/jobs/:jobId/cancel', {
    schema: { tags, summary: 'Cancel a queued or running media job (yours; moderators: any)', params: z.object({ id: roomIdSchema, jobId: fileJobIdSchema }), response: { 200: z.object({ job: fileJobSchemaOut }), ...errors } },
  }, async (req) => ({ job: await jobs.cancel(req.params.id, requireSession(req).user.id, req.params.jobId) }));

  app.post('/api/rooms/:id/files/:fileId/jobs', {
    schema: { tags, summary: 'Run a media tool on a video or audio file: convert to MP4/WebM, extract audio (M4A/MP3), thumbnail strip (members who may upload)', params: fileParams, body: createJobSchema, response: { 201: z.object({ job: fileJobSchemaOut }), ...errors } },
  }, async (req, reply) => reply.status(201).send({ job: await jobs.create(req.params.id, requireSession(req).user.id, req.params.fileId, req.body.preset) }));

  app.get('/api/rooms/:id/files/zip', {
    schema: {
      tags,
      summary: 'Folders and files as one streamed ZIP (member; every item checked; `files` and `folders` are comma-separated ids)',
      params: roomParams,
      querystring: zipQuerySchema,
      response: { ...errors },
    },
  }, async (req, reply) => {
    const userId = requireSession(req).user.id;
    const plan = await files.zipPlan(req.params.id, userId, { fileIds: req.query.files ?? [], folderIds: req.query.folders ?? [] });
    const names = new ZipNames();
    const entries = plan.files.map(({ dirs, row }) => ({
      path: names.add(dirs, row.name),
      size: row.size,
      mtime: row.createdAt,
      open: () => files.store.read(blobKey(row.sha256)),
    }));
    const emptyDirs = plan.emptyDirs.map((d) => names.add(d.slice(0, -1), d.at(-1)!));
    const stream = zipStream(entries, emptyDirs);
    downloads.track(req.params.id, userId, stream);
    return (reply as FastifyReply)
      .header('content-type', 'application/zip')
      .header('content-disposition', contentDisposition('attachment', `${plan.name}.zip`))
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-store')
      .send(stream);
  });

  app.get('/api/rooms/:id/files/:fileId', {
    schema: { tags, summary: "A file's metadata (member)", params: fileParams, response: { 200: z.object({ file: fileSchemaOut }), ...errors } },
  }, async (req) => ({ file: await files.fileDto(req.params.id, requireSession(req).user.id, req.params.fileId) }));

  app.patch('/api/rooms/:id/files/:fileId', {
    schema: { tags, summary: 'Rename or move a file (yours; moderators: any)', params: fileParams, body: patchFileSchema, response: { 200: z.object({ file: fileSchemaOut }), ...errors } },
  }, async (req) => ({ file: await files.updateFile(req.params.id, requireSession(req).user.id, req.params.fileId, req.body) }));

  app.get('/api/rooms/:id/files/:fileId/content', {
    schema: {
      tags,
      summary: "A file's bytes (member): Range (206/416), ETag, If-Range, If-None-Match; inline only for safe previewable types, `download=1` forces an attachment",
      params: fileParams,
      querystring: contentQuery,
      response: { ...errors, 416: authErrors[400] },
    },
  }, async (req, reply) => {
    const userId = requireSession(req).user.id;
    const f = await files.file(req.params.id, userId, req.params.fileId);
    const st = await files.store.stat(blobKey(f.sha256));
    if (!st) throw new AppError('NOT_FOUND', 'The bytes of this file are missing.');
    return sendStored(req, reply as FastifyReply, {
      name: f.name,
      size: st.size,
      mime: f.mime,
      etag: f.sha256,
      lastModified: f.createdAt,
      open: (range) => files.store.read(blobKey(f.sha256), range),
    }, { download: req.query.download === '1', track: (s) => downloads.track(req.params.id, userId, s) });
  });

  /** A stored extra (seek sprite, waveform) of a readable file, or NOT_FOUND. */
  const sendExtra = async (req: { params: { id: number; fileId: number }; headers: Record<string, unknown> }, reply: FastifyReply, key: (sha: string) => string, mime: string, ext: string) => {
    const f = await files.file(req.params.id, requireSession(req as never).user.id, req.params.fileId);
    const st = await files.store.stat(key(f.sha256));
    if (!st) throw new AppError('NOT_FOUND', 'Not made (yet) for this file.');
    return sendStored(req as never, reply, { name: `${f.name}.${ext}`, size: st.size, mime, etag: `${ext}-${f.sha256}`, lastModified: st.mtimeMs, open: (range) => files.store.read(key(f.sha256), range) }, { download: false });
  };
  const readSeekPlan = async (sha: string): Promise<(SeekPlan & { durationSec: number }) | null> => {
    if (!(await files.store.stat(seekMetaKey(sha)))) return null;
    const chunks: Buffer[] = [];
    for await (const c of files.store.read(seekMetaKey(sha))) chunks.push(c as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as SeekPlan & { durationSec: number };
  };

  app.get('/api/rooms/:id/files/:fileId/media', {
    schema: {
      tags,
      summary: 'Seek thumbnails (sprite plan) of a video and the waveform of an audio file, once made (member). Missing ones (files older than the feature) are queued (`making`).',
      params: fileParams,
      response: {
        200: z.object({
          seek: z.object({ interval: z.number(), count: z.number(), cols: z.number(), rows: z.number(), tileW: z.number(), tileH: z.number(), durationSec: z.number() }).nullable(),
          waveform: z.boolean(),
          /** True when this request queued them (the client asks again a little later). */
          making: z.boolean(),
        }),
        ...errors,
      },
    },
  }, async (req) => {
    const f = await files.file(req.params.id, requireSession(req).user.id, req.params.fileId);
    const seek = f.kind === 'video' ? await readSeekPlan(f.sha256) : null;
    const waveform = f.kind === 'audio' && !!(await files.store.stat(waveKey(f.sha256)));
    // Uploaded before these existed (or their making was interrupted): made now, in the background.
    const making = (f.kind === 'video' && !seek) || (f.kind === 'audio' && !waveform) ? thumbs.backfill({ fileId: f.id, sha256: f.sha256, kind: f.kind, thumb: f.thumb }) : false;
    return { seek, waveform, making };
  });

  app.get('/api/rooms/:id/files/:fileId/seek.jpg', {
    schema: { tags, summary: "A video's seek thumbnail sprite (JPEG tiles, member)", params: fileParams, response: { ...errors } },
  }, async (req, reply) => sendExtra(req, reply as FastifyReply, seekKey, 'image/jpeg', 'jpg'));

  app.get('/api/rooms/:id/files/:fileId/seek.vtt', {
    schema: { tags, summary: "A video's seek thumbnails as WebVTT (cues point into seek.jpg with #xywh, member)", params: fileParams, response: { ...errors } },
  }, async (req, reply) => {
    const f = await files.file(req.params.id, requireSession(req).user.id, req.params.fileId);
    const plan = await readSeekPlan(f.sha256);
    if (!plan) throw new AppError('NOT_FOUND', 'Not made (yet) for this file.');
    return (reply as FastifyReply)
      .header('content-type', 'text/vtt; charset=utf-8')
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, max-age=3600')
      .send(seekVtt(plan, `/api/rooms/${f.roomId}/files/${f.id}/seek.jpg`, plan.durationSec));
  });

  app.get('/api/rooms/:id/files/:fileId/waveform.png', {
    schema: { tags, summary: "An audio file's waveform picture (PNG, member)", params: fileParams, response: { ...errors } },
  }, async (req, reply) => sendExtra(req, reply as FastifyReply, waveKey, 'image/png', 'png'));

  app.get('/api/rooms/:id/files/:fileId/thumb', {
    schema: { tags, summary: "A file's thumbnail (WebP, member)", params: fileParams, response: { ...errors } },
  }, async (req, reply) => {
    const f = await files.file(req.params.id, requireSession(req).user.id, req.params.fileId);
    const st = f.thumb === 'ready' ? await files.store.stat(thumbKey(f.sha256)) : null;
    if (!st) throw new AppError('NOT_FOUND', 'This file has no thumbnail.');
    return sendStored(req, reply as FastifyReply, {
      name: `${f.name}.webp`,
      size: st.size,
      mime: 'image/webp',
      etag: `t-${f.sha256}`,
      lastModified: st.mtimeMs,
      open: (range) => files.store.read(thumbKey(f.sha256), range),
    }, { download: false });
  });
}
