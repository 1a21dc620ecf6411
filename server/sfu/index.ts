/**
 * Large calls and real-time live playback through Janus (issue 16): the supervised Janus
 * (`app.sfu.supervisor`), the SFU service (`app.sfu`) and its socket commands. Registered with one
 * line in features.ts, after calls. Without Janus the server runs as before: calls stay mesh only.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { findExecutable, JanusSupervisor } from './janus-supervisor.js';
import { SfuService } from './sfu.service.js';
import { registerSfuSockets } from './sfu.socket.js';

declare module 'fastify' {
  interface FastifyInstance {
    sfu: SfuService;
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
      if (binary) supervisor = new JanusSupervisor({ mode: 'child', binary, ...common });
      else log.info({ binary: cfg.binary }, 'janus not found: calls stay mesh only (large calls unavailable)');
    }
    const sfu = new SfuService(supervisor, app.config.sessionSecret);
    app.decorate('sfu', sfu);
    registerSfuSockets(app, sfu, app.calls);
    if (supervisor) {
      app.calls.attachSfu(sfu, cfg.meshLimit);
      sfu.on('status', () => app.calls.sfuChanged());
      app.addHook('onReady', async () => supervisor!.start());
      app.addHook('onClose', async () => supervisor!.stop());
    }
  },
  { name: 'sfu', dependencies: ['calls'] },
);
