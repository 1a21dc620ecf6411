/**
 * How a notification reads and where it leads: shared by the server (push payloads) and the
 * client (bell, toasts, browser notifications). Zod-free.
 */
import type { NotificationKind } from './notifications-constants.js';

/** Where a notification leads (mirrors `notificationLinkSchemaOut`). */
export interface NotificationLinkLike {
  roomId: number | null;
  messageId: number | null;
  gameId: number | null;
  streamId: string | null;
  inviteCode: string | null;
}

/** The title a notification is shown with (bell, browser notification, push). */
export function notificationTitle(n: { kind: NotificationKind; actorName: string | null; roomName: string | null; count: number }): string {
  const who = n.actorName ?? 'Someone';
  const where = n.roomName ?? 'a room';
  switch (n.kind) {
    case 'mention':
      return `${who} mentioned you in ${where}`;
    case 'reply':
      return `${who} replied to you in ${where}`;
    case 'dm':
      return n.count > 1 ? `${n.count} new messages from ${who}` : `Message from ${who}`;
    case 'message':
      return n.count > 1 ? `${n.count} new messages in ${where}` : `New message in ${where}`;
    case 'invite':
      return `${who} invited you to ${where}`;
    case 'chess':
      return `${who} challenges you to a game`;
    case 'stream':
      return `${where} is live`;
    case 'alarm':
      return 'Alarm';
    case 'file':
      return `${who} shared a file in ${where}`;
    case 'alert':
      return 'Server alert';
    case 'session':
      return n.count > 1 ? `${n.count} new messages in the interview “${where}”` : `${who} wrote in the interview “${where}”`;
  }
}

/** Client-relative URL of a notification's place. */
export function notificationUrl(kind: NotificationKind, link: NotificationLinkLike): string {
  if (kind === 'invite' && link.inviteCode) return `/r/${link.inviteCode}`;
  if (kind === 'alarm') return '/?alarms=1';
  if (kind === 'alert') return '/admin/health';
  if (link.roomId === null) return '/';
  // An interview session's chat: the session page (found from its hidden room, for participants only).
  if (kind === 'session') return `/session/room/${link.roomId}`;
  const base = `/rooms/${link.roomId}`;
  if (kind === 'chess' && link.gameId !== null) return `${base}?a=chess&g=${link.gameId}`;
  if (kind === 'stream') return `${base}?a=live`;
  if (link.messageId !== null) return `${base}?m=${link.messageId}`;
  return base;
}
