/** Pure: how the message list is laid out (day dividers, grouped messages, unread divider). */
import type { Message } from '@protocol/chat.js';
import { dayKey, formatDay } from '../../lib/clock';

/** Consecutive messages by one author within this time share one header. */
export const GROUP_WINDOW_MS = 5 * 60_000;

export interface MessageRow {
  message: Message;
  /** Show avatar, name and time (false: a continuation of the previous message). */
  showHeader: boolean;
  /** "Today", "Yesterday"… when this message starts a new day. */
  dayLabel: string | null;
  /** The "new messages" divider goes right above this one. */
  unreadDivider: boolean;
}

export function buildRows(messages: readonly Message[], opts: { timeZone?: string; now: number; firstUnreadId: number | null }): MessageRow[] {
  const rows: MessageRow[] = [];
  let prev: Message | undefined;
  let prevDay = '';
  for (const m of messages) {
    const day = dayKey(m.createdAt, opts.timeZone);
    const newDay = day !== prevDay;
    const unreadDivider = m.id === opts.firstUnreadId;
    const continues =
      !!prev &&
      !newDay &&
      !unreadDivider &&
      !m.replyTo &&
      prev.author.id === m.author.id &&
      m.createdAt - prev.createdAt < GROUP_WINDOW_MS;
    rows.push({
      message: m,
      showHeader: !continues,
      dayLabel: newDay ? formatDay(m.createdAt, opts.now, opts.timeZone) : null,
      unreadDivider,
    });
    prev = m;
    prevDay = day;
  }
  return rows;
}
