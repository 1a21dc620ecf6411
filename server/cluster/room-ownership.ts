/**
 * Which commands act on a room's live state, and how each feature adopts and lets go of a room.
 * With one process nothing here changes behaviour: LocalCluster owns every room and never
 * forwards. With several nodes, these commands run on the room's lease holder wherever the
 * socket is connected, and a dead holder's rooms are adopted from the shared database.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { CommandName } from '../../protocol/events.js';
import { shareCallsOverCluster } from '../calls/calls.cluster.js';

const CHESS: CommandName[] = [
  'chess:list',
  'chess:challenge',
  'chess:accept',
  'chess:decline',
  'chess:cancel',
  'chess:watch',
  'chess:unwatch',
  'chess:move',
  'chess:resign',
  'chess:abort',
  'chess:draw',
  'chess:takeback',
  'chess:claim',
  'chess:rematch',
];
const TIMER: CommandName[] = ['timer:act', 'timer:configure'];
const BLACKJACK: CommandName[] = ['bj:watch', 'bj:sit', 'bj:leave', 'bj:sit-out', 'bj:bet', 'bj:insurance', 'bj:act', 'bj:configure'];
/**
 * Call rosters live on the room's owner; PeerJS connections are passed on to it (server/calls/peer-server.ts).
 * Large calls too: the owner holds the room's Janus handles (publishers, subscriptions), so the
 * SFU's call commands, moderation and the mode run there (docs/decisions/0038-sfu-on-several-nodes.md).
 * `sfu:live-*` (watching a live stream) stay on the viewer's node: any node can watch the mountpoint.
 */
const CALLS: CommandName[] = [
  'call:state',
  'call:join',
  'call:leave',
  'call:update',
  'call:record',
  'call:moderate',
  'call:mode',
  'sfu:token',
  'sfu:publish',
  'sfu:subscribe',
  'sfu:start',
  'sfu:layer',
  'sfu:pause',
  'sfu:unsubscribe',
];
const MUSIC: CommandName[] = ['music:add', 'music:remove', 'music:move', 'music:play', 'music:pause', 'music:vote-skip'];

const byRoomId = (p: Record<string, unknown>) => (typeof p.roomId === 'number' ? p.roomId : null);

export const roomOwnershipPlugin = fp(
  async (app: FastifyInstance) => {
    const { sockets, cluster, chess, timers, blackjack, music, calls } = app;
    sockets.ownedByRoom(CHESS, (p) => (typeof p.gameId === 'number' ? chess.roomOf(p.gameId) : byRoomId(p)));
    sockets.ownedByRoom(TIMER, byRoomId);
    sockets.ownedByRoom(BLACKJACK, byRoomId);
    sockets.ownedByRoom(MUSIC, byRoomId);
    sockets.ownedByRoom(CALLS, byRoomId);
    if (!cluster.enabled) return;
    cluster.register({ name: 'chess', liveRooms: () => chess.liveRoomIds(), adopt: (id) => chess.adoptRoom(id), evict: (id) => chess.evictRoom(id) });
    // Pomodoro and music writes are fenced by an epoch this node raises when it adopts the room (ADR 0032).
    timers.fence.owns = (id) => cluster.owns(id);
    music.fence.owns = (id) => cluster.owns(id);
    cluster.register({ name: 'pomodoro', liveRooms: () => timers.liveRoomIds(), adopt: (id) => timers.adoptRoom(id), evict: (id) => timers.evictRoom(id) });
    cluster.register({ name: 'blackjack', liveRooms: () => blackjack.liveRoomIds(), adopt: (id) => blackjack.adoptRoom(id), evict: (id) => blackjack.evictRoom(id) });
    // A call's roster is kept in Redis by its owner; the next owner carries the call on, reads the
    // owner's call mode from the database again, and clients publish again (calls.cluster.ts).
    shareCallsOverCluster(app, calls);
    cluster.register({ name: 'music', liveRooms: () => music.liveRoomIds(), adopt: (id) => music.adoptRoom(id), evict: (id) => music.evictRoom(id) });
  },
  { name: 'room-ownership', dependencies: ['features', 'chess', 'blackjack', 'music', 'calls'] },
);
