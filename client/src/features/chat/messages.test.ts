import { describe, expect, it } from 'vitest';
import type { Message } from '@protocol/chat.js';
import { mergeHistory, upsertSorted } from './messages';

const msg = (id: number, text = `m${id}`): Message => ({
  id,
  roomId: 1,
  author: { id: 1, username: 'a', displayName: 'A', avatarColor: '#000000', statusLine: '' },
  text,
  replyTo: null,
  reactions: [],
  mentions: [],
  createdAt: id * 1000,
  editedAt: null,
  deleted: false,
});
const ids = (l: Message[]) => l.map((m) => m.id);

describe('upsertSorted', () => {
  it('inserts in id order and replaces by id', () => {
    let l = [msg(1), msg(5)];
    l = upsertSorted(l, msg(3));
    l = upsertSorted(l, msg(9));
    l = upsertSorted(l, msg(5, 'edited'));
    expect(ids(l)).toEqual([1, 3, 5, 9]);
    expect(l[2]!.text).toBe('edited');
  });
});

describe('mergeHistory', () => {
  it('keeps older loaded pages when the snapshot overlaps them', () => {
    const current = [msg(10), msg(11), msg(12), msg(13)];
    const r = mergeHistory(current, 10, { messages: [msg(12, 'new'), msg(13), msg(14)], nextCursor: 12 });
    expect(ids(r.messages)).toEqual([10, 11, 12, 13, 14]);
    expect(r.messages[2]!.text).toBe('new');
    expect(r.nextCursor).toBe(10);
  });

  it('replaces everything when there may be a hole', () => {
    const r = mergeHistory([msg(1), msg(2)], null, { messages: [msg(50), msg(51)], nextCursor: 50 });
    expect(ids(r.messages)).toEqual([50, 51]);
    expect(r.nextCursor).toBe(50);
  });

  it('trusts a complete snapshot', () => {
    const r = mergeHistory([msg(1), msg(2), msg(3)], null, { messages: [msg(1), msg(3)], nextCursor: null });
    expect(ids(r.messages)).toEqual([1, 3]);
  });
});
