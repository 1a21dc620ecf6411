/**
 * Small-group video calls (SPEC V1-V4): the call rosters and tokens (`app.calls`), socket
 * commands, and the PeerJS signalling server mounted under /peerjs on our own port.
 * Registered with one line in features.ts.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { CallsService } from './calls.service.js';
import { registerCallSockets, socketCallsOutlet } from './calls.socket.js';
import { mountPeerServer } from './peer-server.js';

declare module 'fastify' {
  interface FastifyInstance {
    calls: CallsService;
  }
}

export const callsPlugin = fp(
  async (app: FastifyInstance) => {
    const calls = new CallsService(app.rooms, app.roomEvents, app.config, socketCallsOutlet(() => app.io), null, Date.now, app.db);
    await calls.loadPreferences();
    app.decorate('calls', calls);
    registerCallSockets(app, calls);
    await mountPeerServer(app, calls);
  },
  { name: 'calls', dependencies: ['db', 'auth', 'socket-io'] },
);
