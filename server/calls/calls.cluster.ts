/**
 * Calls on several nodes (docs/decisions/0038-sfu-on-several-nodes.md, "Failover"): the room's
 * owner keeps each call's roster in a value shared by the nodes (`cr:call:<roomId>` in Redis), and
 * the node that takes the room over (its owner died, or stopped) carries the call on
 * (`CallsService.adoptRoom`). Rooms with such a value are candidates for the takeover scan, like
 * rooms with a running clock. Wired by server/cluster/room-ownership.ts.
 */
import type { FastifyInstance } from 'fastify';
import { NodeGoneError } from '../cluster/cluster.js';
import type { CallState } from '../../protocol/calls.js';
import type { CallSnapshot, CallsService } from './calls.service.js';

const KEY = 'cr:call:';
/** Bus request: which of these socket ids does a node hold? */
const SOCKETS_KIND = 'calls:sockets';
/** Bus request to a room's owner: the call's state (HTTP readers on other nodes). */
const STATE_KIND = 'calls:state';

export function shareCallsOverCluster(app: FastifyInstance, calls: CallsService): void {
  const { cluster } = app;
  const values = cluster.values;
  if (!cluster.enabled || !values) return;
  const held = (ids: string[]) => ids.filter((id) => app.io.of('/').sockets.has(id));
  cluster.handle(SOCKETS_KIND, (p) => held(p as string[]));
  cluster.handle(STATE_KIND, (p) => {
    if (typeof p !== 'number' || !Number.isInteger(p) || p <= 0) throw new Error('calls:state: a room id');
    return calls.state(p);
  });
  calls.attachShare({
    save(roomId, snap) {
      // A node that lost the room (paused past its lease) must not overwrite the new owner's roster:
      // Redis compares the lease with this node's in the same step as the write.
      return values.setOwned(roomId, KEY + roomId, snap ? JSON.stringify(snap) : null);
    },
    async load(roomId) {
      const raw = await values.get(KEY + roomId);
      return raw ? (JSON.parse(raw) as CallSnapshot) : null;
    },
    async ownerState(roomId) {
      const owner = await cluster.ownerOf(roomId);
      if (owner === cluster.nodeId) return null;
      return (await cluster.request(owner, STATE_KIND, roomId, 5000)) as CallState;
    },
    async liveSockets(ids) {
      const live = new Set(held(ids));
      const others = (await cluster.nodes()).filter((n) => n !== cluster.nodeId);
      // A node that is gone holds nothing; one that does not answer makes the whole answer unknown
      // (thrown: the caller then drops nobody).
      const answers = await Promise.all(
        others.map((n) =>
          cluster.request(n, SOCKETS_KIND, ids, 2000).catch((err: unknown) => {
            if (err instanceof NodeGoneError) return [];
            throw err;
          }),
        ),
      );
      for (const a of answers) for (const id of a as string[]) live.add(id);
      return live;
    },
  });
  cluster.register({
    name: 'calls',
    liveRooms: async () => (await values.keys(KEY)).map((k) => Number(k.slice(KEY.length))).filter((id) => Number.isInteger(id) && id > 0),
    adopt: (id) => calls.adoptRoom(id),
    evict: (id) => calls.evictRoom(id),
  });
}
