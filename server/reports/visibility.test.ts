import { describe, expect, it } from 'vitest';
import { allowedActions, maySee, type Viewer } from './visibility.js';

const v = (role: Viewer['role'], isAdmin = false, userId = 1): Viewer => ({ userId, isAdmin, role });
const about = (targetRole: Viewer['role'], messageLive = true) => ({ targetUserId: 9, targetRole, messageId: 5, messageLive });

describe('report visibility', () => {
  it('goes up the ladder: moderators see members, owners see moderators, admins see owners', () => {
    const grid = (['member', 'moderator', 'owner', null] as const).map((target) => [v(null), v('member'), v('moderator'), v('owner'), v(null, true)].map((viewer) => maySee(viewer, about(target))));
    expect(grid).toEqual([
      [false, false, true, true, true], // about a member
      [false, false, false, true, true], // about a moderator
      [false, false, false, false, true], // about the owner
      [false, false, true, true, true], // about someone who left
    ]);
  });

  it('nobody but an admin sees a report about themselves', () => {
    expect(maySee(v('owner', false, 9), about('member'))).toBe(false);
    expect(maySee(v(null, true, 9), about('member'))).toBe(true);
  });

  it('offers only what the services would allow', () => {
    expect(allowedActions(v('moderator'), about('member'))).toEqual(['dismiss', 'delete_message', 'mute', 'kick', 'ban']);
    expect(allowedActions(v('moderator'), about('member', false))).toEqual(['dismiss', 'mute', 'kick', 'ban']);
    expect(allowedActions(v('owner'), about(null))).toEqual(['dismiss', 'delete_message']);
    expect(allowedActions(v(null, true), about('owner'))).toEqual(['dismiss', 'delete_message']);
    expect(allowedActions(v('member'), about('member'))).toEqual([]);
  });
});
