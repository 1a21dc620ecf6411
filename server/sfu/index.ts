/**
 * Large calls and real-time live playback through Janus (issue 16): the supervised Janus
 * (`app.sfu.supervisor`), the SFU service (`app.sfu`) and its socket commands. Registered with one
 * line in features.ts, after calls. Without Janus the server runs as before: calls stay mesh only.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { findExecutable, JanusSupervisor } from './janus-supervisor.js';
import { LiveRelay } from './live-relay.js';
import { SfuService } from './sfu.service.js';
import { sfuRoutes } from './sfu.routes.js';
import { registerSfuSockets } from './sfu.socket.js';
import { WhipIngest } from './whip-ingest.js';
import { whipRoutes } from './whip.routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    sfu: SfuService;
    liveRelay: LiveRelay | null;
    /** WHIP ingest into Janus (null without Janus or without live streaming). */
    whip: WhipIngest | null;
  }
}

export const sfuPlugin = fp(
  async (app: FastifyInstance) => {
    const cfg = app.config.janus;
    const log = app.log.child({ feature: 'janus' });
    let supervisor: JanusSupervisor | null = null;
    const common = { wsPort: cfg.wsPort, rtpPorts: cfg.rtpPorts, dataDir: app.config.dataDir, ice: app.config.ice, log };
    if (cfg.mode === 'external') {
      supervisor = new JanusSupervisor({ mode: 'external', url: cfg.url, apiSecret: cfg.apiSecret, ...common });
    } else if (cfg.mode === 'child') {
      const binary = findExecutable(cfg.binary);
      // JANUS_API_SECRET set: the child uses it, so other nodes on this host can share it (ADR 0038).
      if (binary) supervisor = new JanusSupervisor({ mode: 'child', binary, apiSecret: cfg.apiSecret, ...common });
      else log.info({ binary: cfg.binary }, 'janus not found: calls stay mesh only (large calls unavailable)');
    }
    const sfu = new SfuService(supervisor, app.config.sessionSecret);
    app.decorate('sfu', sfu);
    let relay: LiveRelay | null = null;
    if (supervisor && app.hasDecorator('stream')) {
      relay = new LiveRelay(sfu, app.config.ffmpegPath, log);
      relay.onChange = (roomId, streamId, available) => {
        try {
          void app.roomEvents.broadcast(roomId, 'sfu:live', { streamId, available });
        } catch {
          /* room deleted */
        }
      };
      const r = relay;
      app.stream.liveHooks = { started: (...a) => void r.started(...a), ended: (roomId) => r.stop(roomId) };
    }
    app.decorate('liveRelay', relay);
    let whip: WhipIngest | null = null;
    if (supervisor && app.hasDecorator('stream')) {
      whip = new WhipIngest(sfu, app.stream, app.config.dataDir, log);
      whip.onChange = (roomId, streamId, available) => {
        try {
          void app.roomEvents.broadcast(roomId, 'sfu:live', { streamId, available }).catch(() => {});
        } catch {
          /* room deleted */
        }
      };
      const w = whip;
      app.stream.whipAvailable = () => w !== null && sfu.status() === 'up';
    }
    app.decorate('whip', whip);
    registerSfuSockets(app, sfu, app.calls, relay);
    await app.register(sfuRoutes);
    if (whip) await app.register(whipRoutes, { whip });
    if (supervisor) {
      app.calls.attachSfu(sfu, cfg.meshLimit);
      sfu.on('status', () => app.calls.sfuChanged());
      app.addHook('onReady', async () => supervisor!.start());
      app.addHook('preClose', async () => relay?.stopAll());
      app.addHook('onClose', async () => supervisor!.stop());
    }
  },
  { name: 'sfu', dependencies: ['calls'] },
);
