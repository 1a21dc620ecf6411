import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  musicCallbackQuerySchema,
  musicConnectQuerySchema,
  musicSearchQuerySchema,
  musicSearchSchemaOut,
  musicStatusSchemaOut,
  musicSyncBodySchema,
  musicSyncSchemaOut,
} from '../../protocol/music.js';
import { requireSession } from '../plugins/auth.js';
import { authErrors, errorReply, noContent } from '../plugins/http-schemas.js';
import { roomParams } from '../rooms/rooms.schemas.js';
import type { MusicService } from './music.service.js';
import { notConfigured, type SpotifyAccounts } from './spotify-accounts.service.js';

const spotifyErrors = { ...authErrors, 409: errorReply, 502: errorReply, 503: errorReply } as const;

/** Where the browser lands after Spotify's consent screen; the music panel reads `spotify=`. */
export function returnPath(roomId: number | null, outcome: string): string {
  return roomId ? `/rooms/${roomId}?a=music&spotify=${outcome}` : `/?spotify=${outcome}`;
}

export function musicRoutes(music: MusicService, accounts: SpotifyAccounts | null) {
  return async function routes(fastify: FastifyInstance): Promise<void> {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const tags = ['music'];

    app.get('/api/music/status', {
      schema: { tags, summary: 'Whether Spotify is configured, and my connected Spotify account', response: { 200: musicStatusSchemaOut } },
    }, async (req) => ({
      configured: accounts !== null,
      account: accounts && req.session ? await accounts.view(req.session.user.id) : null,
    }));

    app.get('/api/music/connect', {
      schema: {
        tags,
        summary: 'Start connecting my Spotify account (redirects to Spotify; OAuth code flow with state + PKCE)',
        querystring: musicConnectQuerySchema,
        response: { 302: noContent, ...spotifyErrors },
      },
    }, async (req, reply) => {
      const { user, sessionId } = requireSession(req);
      if (!accounts) throw notConfigured();
      const roomId = req.query.roomId && (await app.rooms.membership(req.query.roomId, user.id)) ? req.query.roomId : null;
      return reply.header('cache-control', 'no-store').redirect(await accounts.begin(sessionId, user.id, roomId), 302);
    });

    app.get('/api/music/callback', {
      schema: {
        tags,
        summary: 'Spotify sends the user back here (the redirect URL registered with Spotify)',
        querystring: musicCallbackQuerySchema,
        response: { 302: noContent, ...spotifyErrors },
      },
    }, async (req, reply) => {
      const { user, sessionId } = requireSession(req);
      if (!accounts) throw notConfigured();
      const { roomId, outcome } = await accounts.finish(sessionId, user.id, req.query);
      return reply.header('cache-control', 'no-store').redirect(returnPath(roomId, outcome), 302);
    });

    app.post('/api/music/disconnect', {
      schema: {
        tags,
        summary: 'Forget my Spotify tokens (Spotify has no revoke endpoint: remove access at spotify.com/account/apps)',
        response: { 204: noContent, ...authErrors },
      },
    }, async (req, reply) => {
      const { user } = requireSession(req);
      await accounts?.disconnect(user.id);
      return reply.status(204).send(null);
    });

    app.get('/api/rooms/:id/music/search', {
      schema: { tags, summary: 'Search Spotify tracks with my Spotify account', params: roomParams, querystring: musicSearchQuerySchema, response: { 200: musicSearchSchemaOut, ...spotifyErrors } },
    }, async (req) => {
      const { user } = requireSession(req);
      await app.rooms.requireMember(req.params.id, user.id);
      return { tracks: await music.search(user.id, req.query.q) };
    });

    app.post('/api/rooms/:id/music/sync', {
      schema: {
        tags,
        summary: 'Listen together: start (or correct) the room’s track on my own Spotify device at the room’s position',
        params: roomParams,
        body: musicSyncBodySchema,
        response: { 200: musicSyncSchemaOut, ...spotifyErrors },
      },
    }, async (req) => {
      const { user } = requireSession(req);
      await app.rooms.requireMember(req.params.id, user.id);
      return await music.sync(req.params.id, user.id, req.body.mode);
    });
  };
}
