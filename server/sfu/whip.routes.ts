/**
 * WHIP endpoint (RFC 9725) for OBS 30+ and other WHIP clients: `POST /api/rooms/:id/stream/whip`
 * with `Authorization: Bearer <the room's stream key>` and an `application/sdp` offer answers 201
 * with Janus's SDP answer and the session URL in `Location`; `DELETE <Location>` (same Bearer) ends
 * the stream; `PATCH` (trickle ICE, ICE restart) is not supported: 405, as the RFC allows.
 *
 * No cookies: the key is the only credential (the session cookie is never consulted), so a page on
 * another site cannot make a browser publish with someone's session. Requests carrying a foreign
 * Origin are refused anyway by the auth plugin's check (OBS sends none; we send no CORS headers).
 * Limits at the boundary: the SDP body size, its content type, a plausibility check of the offer
 * before Janus sees it, and per-address rate limits (all attempts, and failed keys separately).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkWhipOffer, WHIP_MAX_SDP_BYTES } from '../../media/whip-sdp.js';
import { roomIdSchema } from '../../protocol/rooms.js';
import { AppError } from '../plugins/errors.js';
import { noContent } from '../plugins/http-schemas.js';
import { perWindow, RateLimiter } from '../plugins/rate-limit.js';
import { roomParams } from '../rooms/rooms.schemas.js';
import { WHIP_RESOURCE_RE, type WhipIngest } from './whip-ingest.js';

const resourceParams = z.object({ id: roomIdSchema, resourceId: z.string().max(64) });
const errorReply = z.object({ error: z.object({ code: z.string(), message: z.string(), retryAfter: z.number().optional() }) });

/** The Bearer token, or UNAUTHENTICATED (with the challenge RFC 6750 asks for). */
function bearer(req: FastifyRequest, reply: FastifyReply): string {
  const m = /^Bearer ([A-Za-z0-9_-]{1,128})$/.exec(req.headers.authorization ?? '');
  if (!m) {
    void reply.header('www-authenticate', 'Bearer realm="commonroom"');
    throw new AppError('UNAUTHENTICATED', "Send this room's stream key as the Bearer token.");
  }
  return m[1]!;
}

export function whipPath(roomId: number, resourceId?: string): string {
  return `/api/rooms/${roomId}/stream/whip${resourceId ? `/${resourceId}` : ''}`;
}

/** Registered as an encapsulated plugin: the SDP body parser exists only for these routes. */
export async function whipRoutes(fastify: FastifyInstance, opts: { whip: WhipIngest }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { whip } = opts;
  const tags = ['stream'];
  // Any attempt (a reconnecting OBS retries every few seconds), and failed keys (guessing) apart.
  const attempts = new RateLimiter(perWindow(30, 60_000));
  const badKeys = new RateLimiter(perWindow(20, 15 * 60_000));

  // Only SDP bodies here (JSON included): anything else is read within the limit and refused by the
  // handler with a WHIP-specific 415 instead of the framework's "send JSON".
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/sdp', { parseAs: 'string', bodyLimit: WHIP_MAX_SDP_BYTES }, (_req, body, done) => done(null, body));
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: WHIP_MAX_SDP_BYTES }, (_req, _body, done) => done(null, null));

  const keyed = async <T>(req: FastifyRequest, fn: () => Promise<T>): Promise<T> => {
    badKeys.check(req.ip, 'Too many wrong stream keys from this address. Try again later.');
    try {
      return await fn();
    } catch (err) {
      if (err instanceof AppError && err.code === 'UNAUTHENTICATED') badKeys.hit(req.ip);
      throw err;
    }
  };

  app.post('/api/rooms/:id/stream/whip', {
    bodyLimit: WHIP_MAX_SDP_BYTES,
    schema: {
      tags,
      summary: "WHIP (RFC 9725): publish a WebRTC offer as the room's live stream. Bearer = the room's stream key; body application/sdp; 201 with the answer and Location",
      params: roomParams,
      response: { 400: errorReply, 401: errorReply, 404: errorReply, 409: errorReply, 413: errorReply, 415: errorReply, 429: errorReply, 503: errorReply },
    },
  }, async (req, reply) => {
    attempts.enforce(req.ip, 'Too many publish attempts from this address. Try again later.');
    const key = bearer(req, reply);
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/sdp' || typeof req.body !== 'string') throw new AppError('VALIDATION', 'Send the SDP offer with Content-Type: application/sdp.', undefined, 415);
    const why = checkWhipOffer(req.body);
    if (why) throw new AppError('VALIDATION', `Not a WebRTC offer: ${why}.`);
    const roomId = req.params.id;
    const { resourceId, answer } = await keyed(req, () => whip.publish(roomId, key, req.body as string));
    const base = app.config.publicUrl ? new URL(app.config.publicUrl).origin : `${req.protocol}://${req.host}`;
    return (reply as FastifyReply)
      .status(201)
      .header('content-type', 'application/sdp')
      .header('location', `${base}${whipPath(roomId, resourceId)}`)
      .header('cache-control', 'no-store')
      .send(answer);
  });

  app.delete('/api/rooms/:id/stream/whip/:resourceId', {
    schema: { tags, summary: 'WHIP: end the stream (the session URL from Location; same Bearer token)', params: resourceParams, response: { 200: noContent, 401: errorReply, 404: errorReply, 429: errorReply } },
  }, async (req, reply) => {
    const key = bearer(req, reply);
    if (!WHIP_RESOURCE_RE.test(req.params.resourceId)) throw new AppError('NOT_FOUND', 'No such WHIP session.');
    await keyed(req, () => whip.remove(req.params.id, req.params.resourceId, key));
    return reply.status(200).send(null);
  });

  // Trickle ICE and ICE restarts are optional in RFC 9725; OBS sends a complete offer.
  app.patch('/api/rooms/:id/stream/whip/:resourceId', { schema: { tags, summary: 'WHIP trickle ICE / ICE restart: not supported (405)', params: resourceParams, response: { 405: errorReply } } }, async (_req, reply) => {
    void reply.header('allow', 'DELETE');
    throw new AppError('VALIDATION', 'Trickle ICE and ICE restarts are not supported: send a complete offer.', undefined, 405);
  });
}
