import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import { AppError } from '../plugins/errors.js';
import { atLeast } from '../rooms/room-channels.js';
import { isMuted } from '../rooms/rooms.service.js';
import { memberOf } from '../rooms/rooms.socket.js';
import type { DocumentsService } from './documents.service.js';
import { sanitizeAwareness } from './yjs-guard.js';

/** Socket.IO channel of the sockets that opened a document. */
export const docChannel = (docId: number) => `doc:${docId}`;

/**
 * The documents' commands; who may do what is documented in protocol/docs-events.ts. Which
 * documents each socket has open is kept here, so a socket that disconnects, or whose user is
 * removed from the room, leaves them (and its cursors disappear for the others) at once.
 */
export function registerDocumentSockets(app: FastifyInstance, docs: DocumentsService): void {
  const { sockets, io } = app;
  const member = memberOf(app);
  const writer = memberOf(app, 'member', { speaks: true });
  /** socket id -> (doc id -> room id) */
  const open = new Map<string, Map<number, number>>();
  const names = new Map<number, { name: string; color: string }>();

  const identity = async (userId: number) => {
    const have = names.get(userId);
    if (have) return have;
    const [u] = await app.db.select({ name: users.displayName, color: users.avatarColor }).from(users).where(eq(users.id, userId));
    const id = { name: u?.name ?? 'Someone', color: u?.color ?? '#3b82f6' };
    names.set(userId, id);
    if (names.size > 5000) names.delete(names.keys().next().value!);
    return id;
  };

  const closeFor = (socketId: string, docId: number) => {
    open.get(socketId)?.delete(docId);
    const gone = docs.close(docId, socketId);
    const socket = io.sockets.sockets.get(socketId);
    void socket?.leave(docChannel(docId));
    const roomId = docs.liveRoomOf(docId);
    if (gone && roomId !== null) io.to(docChannel(docId)).except(socketId).volatile.emit('doc:awareness', { roomId, docId, update: gone });
  };

  const requireOpen = (socketId: string, docId: number, roomId: number) => {
    if (open.get(socketId)?.get(docId) !== roomId) throw new AppError('CONFLICT', 'Open the document first.');
  };

  sockets.command('doc:list', member, (_ctx, { roomId }) => docs.list(roomId));
  sockets.command('doc:create', writer, (ctx, p) => docs.create(p.roomId, ctx.userId, { title: p.title, kind: p.kind, language: p.language }));
  sockets.command('doc:rename', writer, (ctx, p) => docs.rename(p.roomId, p.docId, ctx.userId, atLeast(ctx.membership.role, 'moderator'), p.title));
  sockets.command('doc:configure', writer, (ctx, p) => docs.configure(p.roomId, p.docId, ctx.userId, atLeast(ctx.membership.role, 'moderator'), p.language));
  sockets.command('doc:delete', member, async (ctx, p) => {
    const subscribers = await docs.remove(p.roomId, p.docId, ctx.userId, atLeast(ctx.membership.role, 'moderator'));
    for (const sid of subscribers) {
      open.get(sid)?.delete(p.docId);
      const s = io.sockets.sockets.get(sid);
      if (!s) continue;
      void s.leave(docChannel(p.docId));
      s.emit('doc:closed', { roomId: p.roomId, docId: p.docId, reason: 'deleted' });
    }
    return null;
  });

  sockets.command('doc:open', member, async (ctx, p) => {
    const summary = await docs.get(p.roomId, p.docId).then(() => docs.summary(p.docId));
    const synced = await docs.open(p.roomId, p.docId, ctx.socket.id, p.stateVector);
    const mine = open.get(ctx.socket.id) ?? new Map<number, number>();
    mine.set(p.docId, p.roomId);
    open.set(ctx.socket.id, mine);
    await ctx.socket.join(docChannel(p.docId));
    return { doc: summary, ...synced, canEdit: !isMuted(ctx.membership) && (await docs.mayWrite(p.docId, ctx.userId)) };
  });

  sockets.command('doc:close', member, (ctx, p) => {
    if (open.get(ctx.socket.id)?.has(p.docId)) closeFor(ctx.socket.id, p.docId);
    return null;
  });

  // Stored first, then relayed to the others, then acknowledged.
  sockets.command('doc:update', writer, async (ctx, p) => {
    requireOpen(ctx.socket.id, p.docId, p.roomId);
    if (!(await docs.mayWrite(p.docId, ctx.userId))) throw new AppError('FORBIDDEN', 'You can only read this document.');
    await docs.applyUpdate(p.roomId, p.docId, ctx.userId, p.update);
    ctx.socket.to(docChannel(p.docId)).emit('doc:updated', { roomId: p.roomId, docId: p.docId, update: p.update });
    return { stored: true as const };
  });

  sockets.command('doc:awareness', member, async (ctx, p) => {
    requireOpen(ctx.socket.id, p.docId, p.roomId);
    const me = await identity(ctx.userId);
    const entries = sanitizeAwareness(p.update, me.name, me.color);
    if (!entries) throw new AppError('VALIDATION', 'Malformed awareness update.');
    const relay = docs.awareness(p.docId, ctx.socket.id, entries);
    if (relay) ctx.socket.to(docChannel(p.docId)).volatile.emit('doc:awareness', { roomId: p.roomId, docId: p.docId, update: relay });
    return null;
  });

  // The code ran in the sender's browser; the server only shares the console output.
  sockets.command('doc:run', writer, async (ctx, p) => {
    requireOpen(ctx.socket.id, p.docId, p.roomId);
    if (!(await docs.mayWrite(p.docId, ctx.userId))) throw new AppError('FORBIDDEN', 'You can only read this document.');
    const me = await identity(ctx.userId);
    const run = await docs.recordRun(p.roomId, p.docId, { id: ctx.userId, displayName: me.name }, p.run);
    ctx.socket.to(docChannel(p.docId)).emit('doc:ran', { roomId: p.roomId, docId: p.docId, run });
    return run;
  });

  sockets.onDisconnecting((socket) => {
    const mine = open.get(socket.id);
    if (!mine) return;
    for (const docId of [...mine.keys()]) closeFor(socket.id, docId);
    open.delete(socket.id);
  });

  // Kicked, banned or left: that user's sockets lose the room's documents at once.
  app.roomEvents.on('member:left', ({ roomId, userId }) => {
    for (const [sid, mine] of open) {
      const socket = io.sockets.sockets.get(sid);
      if (!socket || socket.data.userId !== userId) continue;
      for (const [docId, r] of [...mine]) {
        if (r !== roomId) continue;
        closeFor(sid, docId);
        socket.emit('doc:closed', { roomId, docId, reason: 'removed' });
      }
    }
  });

  // A user's name shown on cursors follows profile changes.
  app.roomEvents.on('member:updated', ({ member: m }) => names.delete(m.user.id));

  // Documents are re-opened (and re-synced) by the client after every reconnect: a recovered
  // session keeps no document channel and replays no document packet.
  sockets.guardRecovery((session) => {
    session.rooms = session.rooms.filter((ch) => !ch.startsWith('doc:'));
    session.missedPackets = session.missedPackets.filter(([event]) => event !== 'doc:updated' && event !== 'doc:awareness');
    return true;
  });
}
