/**
 * Music together (SPEC M2) as one plugin: Spotify accounts (when the operator configured keys),
 * the room queue and its playback clock (decorated as `app.music`), socket commands and routes.
 * Playing rooms resume at boot; timers stop before the database closes.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { userChannel } from '../plugins/socket-io.js';
import { musicRoutes } from './music.routes.js';
import { MusicService } from './music.service.js';
import { registerMusicSockets } from './music.socket.js';
import { SpotifyAccounts } from './spotify-accounts.service.js';
import { SpotifyClient } from './spotify.client.js';
import { TokenCipher } from './token-crypto.js';

declare module 'fastify' {
  interface FastifyInstance {
    music: MusicService;
  }
}

export const musicPlugin = fp(
  async (app: FastifyInstance) => {
    const cfg = app.config.spotify;
    let spotify: { client: SpotifyClient; accounts: SpotifyAccounts } | null = null;
    if (cfg) {
      const client = new SpotifyClient(cfg);
      const accounts = new SpotifyAccounts(
        app.db,
        client,
        new TokenCipher(app.config.sessionSecret),
        (userId, connected) => app.io.to(userChannel(userId)).emit('music:account', { connected }),
        app.log,
      );
      spotify = { client, accounts };
    }
    const music = new MusicService(app.db, app.roomEvents, spotify, (roomId) => app.presence.onlineCount(roomId));
    music.onError = (err, roomId) => app.log.error({ err, roomId }, 'music tick failed');
    app.decorate('music', music);
    registerMusicSockets(app, music);
    await app.register(musicRoutes(music, spotify?.accounts ?? null));
    app.addHook('onReady', async () => {
      if (app.cluster.enabled) return; // several nodes: the room's lease holder runs playback (server/cluster)
      const n = await music.resumeAll();
      if (n) app.log.info({ rooms: n }, 'music queues resumed');
    });
    app.addHook('preClose', async () => music.stop());
  },
  { name: 'music' },
);
