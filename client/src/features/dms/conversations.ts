/** Pure helpers for the DM list. */
import type { DmConversation } from '@protocol/dms.js';

/** The conversation's title as the viewer sees it: the other people's names. */
export function conversationTitle(c: Pick<DmConversation, 'others' | 'kind'>): string {
  const names = c.others.map((u) => u.displayName);
  if (!names.length) return c.kind === 'group' ? 'Just you' : 'Direct message';
  if (names.length <= 3) return names.join(', ');
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} others`;
}

/** Inserts or replaces a conversation, keeping the list newest activity first. */
export function upsertConversation(list: DmConversation[], c: DmConversation): DmConversation[] {
  const next = list.filter((x) => x.id !== c.id);
  next.push(c);
  return sortConversations(next);
}

export function sortConversations(list: DmConversation[]): DmConversation[] {
  return [...list].sort((a, b) => b.lastActivityAt - a.lastActivityAt || b.id - a.id);
}

/** Total unread messages across conversations, for a badge. */
export function totalUnread(list: DmConversation[]): number {
  return list.reduce((n, c) => n + c.unread, 0);
}
