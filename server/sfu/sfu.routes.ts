import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { callModeSchemaOut } from '../../protocol/sfu.js';
import { requireSession } from '../plugins/auth.js';
import { authErrors } from '../plugins/http-schemas.js';
import { roomParams } from '../rooms/rooms.schemas.js';
import { realtimeLive } from './sfu.socket.js';

/** Read-only HTTP view of the SFU state for a room (members); signalling itself is on sockets. */
export async function sfuRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/rooms/:id/call/mode',
    { schema: { tags: ['calls'], summary: "How the room's call carries media (mesh or Janus SFU), Janus status, capacity (member)", params: roomParams, response: { 200: callModeSchemaOut, ...authErrors } } },
    async (req) => {
      const { user } = requireSession(req);
      await app.rooms.requireMember(req.params.id, user.id);
      // With several nodes the call lives on the room's owner: asked there (ADR 0038).
      const st = await app.calls.stateFromOwner(req.params.id);
      return { mode: st.mode, sfu: st.sfu, preference: st.preference, meshLimit: st.meshLimit, epoch: st.epoch, capacity: st.capacity, realtimeLive: await realtimeLive(app.sfu, app.liveRelay, req.params.id, app.whip) };
    },
  );
}
