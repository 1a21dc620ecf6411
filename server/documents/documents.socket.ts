import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import { DOC_MAX_BYTES } from '../../protocol/docs-constants.js';
import { AppError } from '../plugins/errors.js';
import { LaterAck } from '../plugins/socket-io.js';
import { atLeast } from '../rooms/room-channels.js';
import { isMuted } from '../rooms/rooms.service.js';
import { memberOf } from '../rooms/rooms.socket.js';
import type { DocumentsService } from './documents.service.js';
import { sanitizeAwareness } from './yjs-guard.js';

/** A partial large update is dropped after this long without its next part. */
const UPLOAD_IDLE_MS = 30_000;

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
    if (uploads.get(socketId)?.docId === docId) dropUpload(socketId);
    const gone = docs.close(docId, socketId);
    const socket = io.sockets.sockets.get(socketId);
    void socket?.leave(docChannel(docId));
    const roomId = docs.liveRoomOf(docId);
    if (gone && roomId !== null) io.to(docChannel(docId)).except(socketId).volatile.emit('doc:awareness', { roomId, docId, update: gone });
  };

  // Several nodes: another node's updates this node's copy just caught up with go to the sockets
  // here that have the document open (those that already had them ignore them).
  docs.onCaughtUp = (roomId, docId, update) => io.local.to(docChannel(docId)).emit('doc:updated', { roomId, docId, update });

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

  /**
   * Large updates (a big paste) arrive in parts: one upload per socket, parts in order, at most the
   * document cap in total, dropped after a pause or when the socket goes. Only the reassembled
   * update is checked and stored, exactly like a small one.
   */
  const uploads = new Map<string, { docId: number; upload: string; count: number; next: number; parts: Uint8Array[]; bytes: number; timer?: ReturnType<typeof setTimeout> }>();
  const dropUpload = (socketId: string) => {
    const u = uploads.get(socketId);
    if (!u) return;
    clearTimeout(u.timer);
    uploads.delete(socketId);
  };
  const receivePart = (socketId: string, docId: number, part: { upload: string; index: number; count: number }, bytes: Uint8Array): Uint8Array | null => {
    let u = uploads.get(socketId);
    if (part.index === 0) {
      dropUpload(socketId);
      u = { docId, upload: part.upload, count: part.count, next: 0, parts: [], bytes: 0 };
      uploads.set(socketId, u);
    }
    if (!u || u.docId !== docId || u.upload !== part.upload || u.count !== part.count || u.next !== part.index) {
      dropUpload(socketId);
      throw new AppError('CONFLICT', 'Update parts out of order; send the update again from its first part.');
    }
    u.bytes += bytes.byteLength;
    if (u.bytes > DOC_MAX_BYTES) {
      dropUpload(socketId);
      throw new AppError('VALIDATION', 'Refused: update larger than a document.');
    }
    u.parts.push(new Uint8Array(bytes));
    u.next++;
    clearTimeout(u.timer);
    if (u.next < u.count) {
      u.timer = setTimeout(() => dropUpload(socketId), UPLOAD_IDLE_MS);
      u.timer.unref?.();
      return null;
    }
    dropUpload(socketId);
    const whole = new Uint8Array(u.bytes);
    let at = 0;
    for (const p of u.parts) {
      whole.set(p, at);
      at += p.byteLength;
    }
    return whole;
  };

  // Checked (membership, role, open here, write guards, the update itself) and applied, then
  // relayed to the others at once; the sender's ack waits until its row is written (group commit),
  // while the socket's next update may already be checked and relayed (ADR 0031). An update relayed
  // but never written is one its author got no ack for, so sends again.
  sockets.command('doc:update', writer, async (ctx, p) => {
    requireOpen(ctx.socket.id, p.docId, p.roomId);
    if (!(await docs.mayWrite(p.docId, ctx.userId))) throw new AppError('FORBIDDEN', 'You can only read this document.');
    const update = p.part ? receivePart(ctx.socket.id, p.docId, p.part, p.update) : p.update;
    if (!update) return { stored: false };
    const { written } = await docs.accept(p.roomId, p.docId, ctx.userId, update);
    ctx.socket.to(docChannel(p.docId)).emit('doc:updated', { roomId: p.roomId, docId: p.docId, update });
    return new LaterAck(written.then(() => ({ stored: true })));
  });

  sockets.command('doc:awareness', member, async (ctx, p) => {
    requireOpen(ctx.socket.id, p.docId, p.roomId);
    const me = await identity(ctx.userId);
    const entries = sanitizeAwareness(p.update, me.name, me.color);
    if (!entries) throw new AppError('VALIDATION', 'Malformed awareness update.');
    const { relay, accepted } = docs.awareness(p.docId, ctx.socket.id, entries);
    if (relay) ctx.socket.to(docChannel(p.docId)).volatile.emit('doc:awareness', { roomId: p.roomId, docId: p.docId, update: relay });
    for (const e of accepted) {
      if (e.state?.cursor) for (const tap of docs.cursorTaps) tap(p.docId, ctx.userId, e.state.cursor);
    }
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

  // History: everyone in the room reads it; naming and restoring are writes.
  sockets.command('doc:history', member, (_ctx, p) => docs.timeline(p.roomId, p.docId, p.before));
  sockets.command('doc:version:view', member, async (_ctx, p) => ({ upto: p.upto, text: await docs.textAt(p.roomId, p.docId, p.upto) }));
  sockets.command('doc:version:name', writer, async (ctx, p) => {
    const version = await docs.nameVersion(p.roomId, p.docId, ctx.userId, p.name);
    io.to(docChannel(p.docId)).emit('doc:history-changed', { roomId: p.roomId, docId: p.docId });
    return version;
  });
  // A restore is a change like any other: stored, then relayed to every open editor (the
  // restorer's too, whose own editor did not make it).
  sockets.command('doc:version:restore', writer, async (ctx, p) => {
    const update = await docs.restore(p.roomId, p.docId, ctx.userId, p.upto);
    if (!update) return { changed: false };
    io.to(docChannel(p.docId)).emit('doc:updated', { roomId: p.roomId, docId: p.docId, update });
    io.to(docChannel(p.docId)).emit('doc:history-changed', { roomId: p.roomId, docId: p.docId });
    return { changed: true };
  });

  sockets.onDisconnecting((socket) => {
    dropUpload(socket.id);
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
    session.missedPackets = session.missedPackets.filter(([event]) => event !== 'doc:updated' && event !== 'doc:awareness' && event !== 'doc:history-changed');
    return true;
  });
}
