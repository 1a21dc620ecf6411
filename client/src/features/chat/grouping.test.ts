import { describe, expect, it } from 'vitest';
import type { Message } from '@protocol/chat.js';
import { buildRows } from './grouping';

const T = Date.UTC(2026, 2, 3, 12, 0);
const msg = (id: number, authorId: number, at: number, extra: Partial<Message> = {}): Message => ({
  id,
  roomId: 1,
  author: { id: authorId, username: `u${authorId}`, displayName: `U${authorId}`, avatarColor: '#000000', statusLine: '' },
  text: 'x',
  replyTo: null,
  reactions: [],
  mentions: [],
  createdAt: at,
  editedAt: null,
  deleted: false,
  ...extra,
});

describe('buildRows', () => {
  it('groups consecutive messages by the same author within five minutes', () => {
    const rows = buildRows([msg(1, 1, T), msg(2, 1, T + 60_000), msg(3, 2, T + 70_000), msg(4, 2, T + 70_000 + 6 * 60_000)], {
      timeZone: 'UTC',
      now: T,
      firstUnreadId: null,
    });
    expect(rows.map((r) => r.showHeader)).toEqual([true, false, true, true]);
    expect(rows[0]!.dayLabel).toBe('Today');
    expect(rows.slice(1).every((r) => r.dayLabel === null)).toBe(true);
  });

  it('starts a new group at a new day, a reply and the unread divider', () => {
    const rows = buildRows(
      [
        msg(1, 1, T - 86_400_000),
        msg(2, 1, T),
        msg(3, 1, T + 1000, { replyTo: { id: 1, authorName: 'U1', excerpt: 'x', deleted: false } }),
        msg(4, 1, T + 2000),
        msg(5, 1, T + 3000),
      ],
      { timeZone: 'UTC', now: T, firstUnreadId: 5 },
    );
    expect(rows.map((r) => r.showHeader)).toEqual([true, true, true, false, true]);
    expect(rows.map((r) => r.dayLabel)).toEqual(['Yesterday', 'Today', null, null, null]);
    expect(rows.map((r) => r.unreadDivider)).toEqual([false, false, false, false, true]);
  });
});
