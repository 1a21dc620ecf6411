import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roomIdSchema } from '../../protocol/rooms.js';
import { streamHealthSchemaOut, streamSettingsPatchSchema, streamSettingsSchemaOut, streamStateSchemaOut, vodIdSchema, vodSchemaOut } from '../../protocol/stream.js';
import { requireSession } from '../plugins/auth.js';
import { AppError } from '../plugins/errors.js';
import { authErrors, noContent } from '../plugins/http-schemas.js';
import { roomParams } from '../rooms/rooms.schemas.js';
import { auditRequest } from '../audit/audit-request.js';

/**
 * The only HLS paths that exist: `<streamId>/master.m3u8`, `<streamId>/v<n>/index.m3u8` and
 * `<streamId>/v<n>/seg<digits>.ts`. Anything else is a 404 before the file system is touched, so
 * no path can leave the stream's directory.
 */
export const HLS_PATH_RE = /^([a-z0-9]{6,32})\/(master\.m3u8|v\d{1,2}\/index\.m3u8|v\d{1,2}\/seg\d{1,9}\.ts)$/;

const hlsParams = z.object({ id: roomIdSchema, '*': z.string().max(256) });
const vodParams = z.object({ id: roomIdSchema, vodId: vodIdSchema });

/** Sends a file with single-range support (seeking in a VOD). */
async function sendFile(req: FastifyRequest, reply: FastifyReply, file: string, type: string): Promise<FastifyReply> {
  const st = await stat(file).catch(() => null);
  if (!st?.isFile()) throw new AppError('NOT_FOUND', 'No such file.');
  void reply.header('content-type', type).header('accept-ranges', 'bytes').header('cache-control', 'private, max-age=3600');
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (req.headers.range && range) {
    let start = range[1] ? Number(range[1]) : NaN;
    let end = range[2] ? Number(range[2]) : st.size - 1;
    if (Number.isNaN(start)) {
      start = Math.max(0, st.size - end); // suffix range: the last N bytes
      end = st.size - 1;
    }
    end = Math.min(end, st.size - 1);
    if (start > end || start >= st.size) {
      return reply.status(416).header('content-range', `bytes */${st.size}`).send();
    }
    return reply
      .status(206)
      .header('content-range', `bytes ${start}-${end}/${st.size}`)
      .header('content-length', String(end - start + 1))
      .send(createReadStream(file, { start, end }));
  }
  return reply.header('content-length', String(st.size)).send(createReadStream(file));
}

export async function streamRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['stream'];
  const stream = () => app.stream;
  const hostOf = (req: FastifyRequest) => req.hostname;
  const originOf = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

  app.get('/api/rooms/:id/stream', { schema: { tags, summary: "The room's live stream: status, playlist URL, viewers (member)", params: roomParams, response: { 200: streamStateSchemaOut, ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id);
    return stream().state(req.params.id);
  });

  const secret = (reply: FastifyReply) => void reply.header('cache-control', 'no-store');

  app.get('/api/rooms/:id/stream/settings', {
    schema: { tags, summary: 'RTMP server URL and stream key for OBS (owner, moderators). The key is a secret.', params: roomParams, response: { 200: streamSettingsSchemaOut, ...authErrors } },
  }, async (req, reply) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id, 'moderator');
    secret(reply);
    const settings = await stream().settings(req.params.id, hostOf(req), originOf(req));
    await auditRequest(req, 'stream.key_view', { roomId: req.params.id });
    return settings;
  });

  app.patch('/api/rooms/:id/stream/settings', {
    schema: { tags, summary: 'Turn recording (VOD) on or off (owner, moderators)', params: roomParams, body: streamSettingsPatchSchema, response: { 200: streamSettingsSchemaOut, ...authErrors } },
  }, async (req, reply) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id, 'moderator');
    secret(reply);
    return await stream().updateSettings(req.params.id, req.body, hostOf(req), originOf(req));
  });

  app.post('/api/rooms/:id/stream/key/rotate', {
    schema: { tags, summary: 'New stream key (owner, moderators): the old one is refused at once and a publisher using it is disconnected', params: roomParams, response: { 200: streamSettingsSchemaOut, ...authErrors } },
  }, async (req, reply) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id, 'moderator');
    secret(reply);
    const settings = await stream().rotateKey(req.params.id, hostOf(req), originOf(req));
    await auditRequest(req, 'stream.key_rotate', { roomId: req.params.id });
    return settings;
  });

  app.post('/api/rooms/:id/stream/stop', {
    schema: { tags, summary: 'Disconnect the publisher now (owner, moderators). OBS may reconnect with the same key: rotate it to stop that.', params: roomParams, response: { 204: noContent, ...authErrors } },
  }, async (req, reply) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id, 'moderator');
    await stream().kick(req.params.id);
    return reply.status(204).send(null);
  });

  app.get('/api/rooms/:id/stream/health', {
    schema: { tags, summary: 'Broadcaster health now (owner, moderators); also pushed as stream:health every 2 s', params: roomParams, response: { 200: z.object({ health: streamHealthSchemaOut.nullable() }), ...authErrors } },
  }, async (req) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id, 'moderator');
    return { health: await stream().healthOf(req.params.id) };
  });

  app.get('/api/rooms/:id/stream/hls/*', {
    schema: {
      tags,
      summary: 'HLS playlists and segments (members only): <streamId>/master.m3u8, <streamId>/v<n>/index.m3u8, <streamId>/v<n>/seg<k>.ts',
      params: hlsParams,
      response: { ...authErrors },
    },
  }, async (req, reply) => {
    const { user } = requireSession(req);
    const roomId = req.params.id;
    await app.rooms.requireMember(roomId, user.id);
    const m = HLS_PATH_RE.exec(req.params['*']);
    if (!m) throw new AppError('NOT_FOUND', 'No such stream file.');
    const [, streamId, rest] = m as unknown as [string, string, string];
    const file = stream().hlsFile(roomId, streamId, rest);
    const playlist = rest.endsWith('.m3u8');
    const body = await readFile(file).catch(() => null);
    if (!body) throw new AppError('NOT_FOUND', 'No such stream file (the stream may have ended).');
    if (playlist) stream().touchViewer(roomId, streamId, user.id);
    // Bytes, not JSON: no 200 schema (the typed reply only knows the error bodies).
    return (reply as FastifyReply)
      .header('content-type', playlist ? 'application/vnd.apple.mpegurl' : 'video/mp2t')
      // Live playlists change every second; segments never change (but are members-only: private).
      .header('cache-control', playlist ? 'no-cache, no-store' : 'private, max-age=60')
      .send(body);
  });

  app.get('/api/rooms/:id/vods', { schema: { tags, summary: 'Recorded streams of the room, newest first (member)', params: roomParams, response: { 200: z.object({ vods: z.array(vodSchemaOut) }), ...authErrors } } }, async (req) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id);
    return { vods: await stream().vods(req.params.id) };
  });

  app.get('/api/rooms/:id/vods/:vodId/video.mp4', { schema: { tags, summary: 'A recording as MP4, with Range support (member)', params: vodParams, response: { ...authErrors, 416: authErrors[400] } } }, async (req, reply) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id);
    const vod = await stream().vod(req.params.id, req.params.vodId);
    if (vod.status !== 'ready') throw new AppError('NOT_FOUND', 'This recording is not ready.');
    return sendFile(req, reply, stream().vodPath(req.params.id, vod.id, 'mp4'), 'video/mp4');
  });

  app.get('/api/rooms/:id/vods/:vodId/poster.jpg', { schema: { tags, summary: "A recording's poster frame (member)", params: vodParams, response: { ...authErrors } } }, async (req, reply) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id);
    const vod = await stream().vod(req.params.id, req.params.vodId);
    if (!vod.posterUrl) throw new AppError('NOT_FOUND', 'This recording has no poster.');
    return sendFile(req, reply, stream().vodPath(req.params.id, vod.id, 'jpg'), 'image/jpeg');
  });

  app.delete('/api/rooms/:id/vods/:vodId', { schema: { tags, summary: 'Delete a recording (owner, moderators)', params: vodParams, response: { 204: noContent, ...authErrors, 409: authErrors[400] } } }, async (req, reply) => {
    const { user } = requireSession(req);
    await app.rooms.requireMember(req.params.id, user.id, 'moderator');
    await stream().deleteVod(req.params.id, req.params.vodId);
    return reply.status(204).send(null);
  });
}
