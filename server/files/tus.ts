/**
 * tus resumable uploads (@tus/server + @tus/file-store) mounted in Fastify at TUS_PATH. Fastify
 * checks every request first (session, room membership, upload permission, size and quota on
 * creation; on PATCH: it is the caller's own and they may still upload there; on HEAD/DELETE: it is
 * the caller's own and they are still a member, so a refused upload can still be read and deleted),
 * then hands the raw request to tus. A stranger holding an upload URL gets 404.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { FileStore } from '@tus/file-store';
import type { Server as TusServer } from '@tus/server';
import { z } from 'zod';
import { TUS_PATH } from '../../protocol/files-constants.js';
import { requireSession } from '../plugins/auth.js';
import { AppError } from '../plugins/errors.js';
import { authErrors } from '../plugins/http-schemas.js';
import { FilesService } from './files.service.js';
import { STORAGE_FULL_MESSAGE, STORAGE_FULL_START_MESSAGE, type UploadStore } from './upload-store.js';

/** Upload-Metadata: comma-separated `key base64value` pairs (tus 1.0). */
export function parseUploadMetadata(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const pair of header.split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (!key || !/^[A-Za-z0-9_.-]{1,32}$/.test(key)) continue;
    out.set(key, value ? Buffer.from(value, 'base64').toString('utf8') : '');
  }
  return out;
}

/**
 * Disk full: refuses to take `incoming` more bytes when the upload disk (its free-space probe)
 * would drop below the floor (FILES_MIN_FREE_MB). 507 STORAGE_FULL before a byte of the request is
 * read: a new upload is not created; a started one keeps its offset and resumes (HEAD, PATCH) once
 * space is freed. Nothing half-written is ever listed as a file.
 */
export async function assertRoomOnDisk(store: Pick<UploadStore, 'freeSpace'>, incoming: number, floorBytes: number, starting = false): Promise<void> {
  if (incoming <= 0) return;
  const free = await store.freeSpace();
  if (free - incoming < floorBytes) {
    throw new AppError('STORAGE_FULL', starting ? STORAGE_FULL_START_MESSAGE : STORAGE_FULL_MESSAGE, undefined, 507);
  }
}

const uploadParams = z.object({ uploadId: z.string().regex(/^[0-9a-f]{32}$/, 'not an upload id') });
/** Bytes, not JSON: tus answers with headers (no body schema for 2xx). */
const tusResponses = { ...authErrors, 409: authErrors[400], 413: authErrors[400] };

export async function tusRoutes(fastify: FastifyInstance, opts: { files: FilesService; uploadDir: string; datastore: UploadStore }): Promise<void> {
  const { files, uploadDir, datastore } = opts;
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  /** Who created which upload: passed from the Fastify check to tus's creation hook. */
  const pending = new WeakMap<IncomingMessage, { roomId: number; userId: number; folderId: number | null; name: string; size: number }>();
  datastore.onWriteError = (err, id) => fastify.log.warn({ uploadId: id, code: (err as NodeJS.ErrnoException).code, err: (err as Error).message }, 'upload write failed');
  // @tus/server (and its srvx) is loaded with the first upload request, not at start-up (ADR 0034).
  let tus: Promise<TusServer> | null = null;
  const tusServer = () => (tus ??= import('@tus/server').then(({ Server }) => new Server({
    path: TUS_PATH,
    datastore,
    relativeLocation: true,
    maxSize: files.limits.maxFileBytes,
    respectForwardedHeaders: false,
    async onUploadCreate(req, upload) {
      const raw = (req as unknown as { runtime?: { node?: { req: IncomingMessage } } }).runtime?.node?.req;
      const ctx = raw ? pending.get(raw) : undefined;
      if (!ctx) throw { status_code: 403, body: 'Upload not allowed\n' };
      await files.addUpload({ id: upload.id, ...ctx, createdAt: Date.now() });
      return {};
    },
    async onUploadFinish(_req, upload) {
      const bytes = join(uploadDir, upload.id);
      try {
        const file = await files.finishUpload(upload.id, bytes);
        return { headers: { 'X-File-Id': String(file.id) } };
      } catch (err) {
        // Not listed (the uploader lost access, or the disk failed): drop the bytes.
        await files.dropUpload(upload.id);
        await FilesService.discard(bytes);
        throw { status_code: err instanceof AppError ? err.status : 500, body: `${err instanceof AppError ? err.message : 'The upload could not be stored.'}\n` };
      } finally {
        await rm(`${bytes}.json`, { force: true });
      }
    },
  })));

  // tus bodies are raw bytes: leave the request stream untouched for tus to read.
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

  const hand = async (req: { raw: IncomingMessage }, reply: { hijack(): void; raw: import('node:http').ServerResponse }) => {
    const server = await tusServer();
    reply.hijack();
    await server.handle(req.raw, reply.raw);
  };

  app.post(TUS_PATH, {
    schema: {
      tags: ['files'],
      summary: 'Start a tus upload (member allowed to upload). Headers: Tus-Resumable, Upload-Length, Upload-Metadata with roomId, filename and optional folderId.',
      response: tusResponses,
    },
  }, async (req, reply) => {
    const { user } = requireSession(req);
    const meta = parseUploadMetadata(req.headers['upload-metadata'] as string | undefined);
    const size = Number(req.headers['upload-length']);
    if (!/^\d{1,15}$/.test(String(req.headers['upload-length'] ?? ''))) throw new AppError('VALIDATION', 'Upload-Length is required (deferred lengths are not accepted).');
    if (req.headers['upload-concat']) throw new AppError('VALIDATION', 'Concatenation is not supported.');
    const roomId = Number(meta.get('roomId'));
    if (!Number.isInteger(roomId) || roomId <= 0) throw new AppError('VALIDATION', 'Upload-Metadata needs a roomId.');
    const folderRaw = meta.get('folderId');
    const folderId = folderRaw ? Number(folderRaw) : null;
    if (folderId !== null && (!Number.isInteger(folderId) || folderId <= 0)) throw new AppError('VALIDATION', 'folderId is not valid.');
    const { name } = await files.checkUpload(roomId, user.id, folderId, meta.get('filename') ?? '', size);
    // The whole upload must fit above the floor now (space can still run out later: PATCH checks again).
    await assertRoomOnDisk(datastore, size, files.limits.minFreeBytes, true);
    pending.set(req.raw, { roomId, userId: user.id, folderId, name, size });
    await hand(req, reply);
  });

  app.route({
    method: ['HEAD', 'PATCH', 'DELETE'],
    url: `${TUS_PATH}/:uploadId`,
    schema: { tags: ['files'], summary: 'Resume (HEAD: offset; PATCH: bytes, while you may upload there) or cancel (DELETE) your own tus upload (member)', params: uploadParams, response: tusResponses },
    handler: async (req, reply) => {
      const { user } = requireSession(req);
      const up = await files.requireOwnUpload(req.params.uploadId, user.id, req.method === 'PATCH' ? 'send' : 'own');
      if (req.method === 'PATCH') {
        // Only the bytes this PATCH can still add count (a chunk, or what is left of the upload).
        const offset = Number(req.headers['upload-offset']);
        const left = Number.isFinite(offset) ? Math.max(0, up.size - offset) : up.size;
        const length = Number(req.headers['content-length']);
        await assertRoomOnDisk(datastore, Number.isFinite(length) && length >= 0 ? Math.min(length, left) : left, files.limits.minFreeBytes);
      }
      await hand(req, reply);
      if (req.method === 'DELETE' && reply.raw.statusCode === 204) await files.dropUpload(req.params.uploadId);
    },
  });
}

/** Deletes abandoned uploads (a day without progress) and their rows. */
export function tusSweeper(files: FilesService, uploadDir: string): () => Promise<void> {
  const datastore = new FileStore({ directory: uploadDir, expirationPeriodInMilliseconds: 86_400_000 });
  return async () => {
    await datastore.deleteExpired().catch(() => 0);
    await files.dropStaleUploads(Date.now() - 2 * 86_400_000);
  };
}
