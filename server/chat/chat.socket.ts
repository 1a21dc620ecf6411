import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { first, one } from '../../db/query.js';
import { messages, users } from '../../db/schema/index.js';
import { auditSocket } from '../audit/audit-request.js';
import { toPublicUser } from '../auth/auth.service.js';
import { AppError } from '../plugins/errors.js';
import { userChannel, type AppServer } from '../plugins/socket-io.js';
import { membersChannel, roomChannel } from '../rooms/room-channels.js';
import { isMuted } from '../rooms/rooms.service.js';
import { memberOf } from '../rooms/rooms.socket.js';
import type { ChatNotifier } from './chat.service.js';

/**
 * `kindOf`: a direct conversation ('dm' / 'group') announces activity as `dm:activity` (server/dms),
 * a room as `lobby:activity`; an interview session's hidden room is in no list, so it announces none.
 */
export function socketChatNotifier(
  io: () => AppServer,
  roomName: (roomId: number) => Promise<string>,
  kindOf: (roomId: number) => Promise<string> = async () => 'room',
): ChatNotifier {
  return {
    async mentioned(userIds, roomId, message) {
      io().to(userIds.map(userChannel)).emit('notify:mention', { roomId, roomName: await roomName(roomId), message });
    },
    async activity(roomId, lastMessageId, authorId) {
      const kind = await kindOf(roomId);
      if (kind === 'interview') return;
      io().to(membersChannel(roomId)).except(roomChannel(roomId)).emit(kind === 'dm' || kind === 'group' ? 'dm:activity' : 'lobby:activity', { roomId, lastMessageId, authorId });
    },
  };
}

export function registerChatSockets(app: FastifyInstance): void {
  const { sockets, chat } = app;
  const member = memberOf(app);
  const speaker = memberOf(app, 'member', { speaks: true });

  sockets.command('chat:send', speaker, async (ctx, p) => {
    // Attached files are checked (live files of this room the sender may read) before anything is written.
    const attachments = p.attachments ? await app.files.attachable(p.roomId, ctx.userId, p.attachments) : undefined;
    return chat.send(ctx.membership, p.text, p.replyToId, p.clientId, attachments);
  });
  sockets.command('chat:edit', speaker, (ctx, p) => chat.edit(ctx.membership, p.messageId, p.text));
  sockets.command('chat:delete', member, async (ctx, p) => {
    const author = await first(app.db.select({ userId: messages.userId, roomId: messages.roomId }).from(messages).where(eq(messages.id, p.messageId)).limit(1));
    await chat.delete(ctx.membership, p.messageId);
    // A moderator removing someone else's message is moderation: audited. Deleting your own is not.
    if (author && author.roomId === p.roomId && author.userId !== ctx.userId) await auditSocket(app, ctx, 'room.message_delete', { target: author.userId, roomId: p.roomId, detail: { messageId: p.messageId } });
    return null;
  });
  sockets.command('chat:react', speaker, (ctx, p) => chat.react(ctx.membership, p.messageId, p.emoji));
  sockets.command('chat:read', member, async (ctx, p) => {
    await chat.markRead(ctx.membership, p.messageId);
    return null;
  });
  sockets.command('chat:history', member, (_ctx, p) => chat.history(p.roomId, p));
  sockets.command('chat:typing', member, async (ctx, { roomId }) => {
    if (!ctx.socket.rooms.has(roomChannel(roomId))) throw new AppError('CONFLICT', 'Enter the room first.');
    const m = ctx.membership;
    if (isMuted(m)) return null;
    // The sender's public card comes from the auth cache (no users read per keystroke; ADR 0022).
    ctx.socket.to(roomChannel(roomId)).volatile.emit('chat:typing', { roomId, user: await app.auth.publicUser(ctx.userId) });
    return null;
  });
}
