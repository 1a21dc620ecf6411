/** Direct messages: zod-free constants the client may import. */

/** Most people in a group DM, the creator included. */
export const GROUP_DM_MAX = 10;

/** What a room row is: an ordinary study room or a direct conversation (ADR 0011). */
export const ROOM_KINDS = ['room', 'dm', 'group', 'interview'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];
