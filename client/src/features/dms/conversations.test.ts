import { describe, expect, it } from 'vitest';
import type { DmConversation } from '@protocol/dms.js';
import { conversationTitle, totalUnread, upsertConversation } from './conversations';

const user = (id: number, displayName: string) => ({ id, username: displayName.toLowerCase(), displayName, avatarColor: '#000000', statusLine: '', online: false });
const conv = (id: number, at: number, others = [user(2, 'Bob')], unread = 0): DmConversation => ({ id, kind: others.length > 1 ? 'group' : 'dm', others, unread, lastActivityAt: at, last: null });

describe('DM list helpers', () => {
  it('names a conversation after the other people, shortening long groups', () => {
    expect(conversationTitle(conv(1, 0))).toBe('Bob');
    expect(conversationTitle(conv(1, 0, [user(2, 'Bob'), user(3, 'Cat'), user(4, 'Dan')]))).toBe('Bob, Cat, Dan');
    expect(conversationTitle(conv(1, 0, [user(2, 'Bob'), user(3, 'Cat'), user(4, 'Dan'), user(5, 'Eve')]))).toBe('Bob, Cat and 2 others');
    expect(conversationTitle({ kind: 'group', others: [] })).toBe('Just you');
  });

  it('keeps the newest activity first when a conversation changes', () => {
    const list = [conv(1, 30), conv(2, 20), conv(3, 10)];
    expect(upsertConversation(list, conv(3, 40)).map((c) => c.id)).toEqual([3, 1, 2]);
    expect(upsertConversation(list, conv(4, 5)).map((c) => c.id)).toEqual([1, 2, 3, 4]);
  });

  it('adds up unread messages', () => {
    expect(totalUnread([conv(1, 0, undefined, 2), conv(2, 0, undefined, 3)])).toBe(5);
  });
});
