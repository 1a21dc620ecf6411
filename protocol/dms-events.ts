/** Direct messages' part of the socket contract (merged into events.ts). DMs add no commands: chat's work on them. */
import type { DmConversation } from './dms.js';

export type DmsPersonalEvents = {
  /** Sent to one user: a conversation is (again) in their list: new, added to a group, unblocked. */
  'dm:opened': (fact: { conversation: DmConversation }) => void;
  /** Sent to one user: a conversation left their list (they left the group, blocked the other person). */
  'dm:closed': (fact: { roomId: number }) => void;
  /** Sent to the members of a conversation who are not looking at it: a new message arrived. */
  'dm:activity': (fact: { roomId: number; lastMessageId: number; authorId: number }) => void;
  /** Sent to the people someone shares a conversation with: they came online or went offline. */
  'dm:presence': (fact: { userId: number; online: boolean }) => void;
};
