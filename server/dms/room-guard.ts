/**
 * Direct conversations are rooms that only chat: room activities and room administration are
 * refused on them (NOT_FOUND, as if the room were not there). Pure lists, checked by index.ts.
 */
import type { CommandName } from '../../protocol/events.js';

/** Socket command prefixes of room activities (to-dos, pomodoro, goals, games, music, calls, stream). */
export const ROOM_ONLY_COMMAND_PREFIXES = ['study:', 'todo:', 'timer:', 'goal:', 'chess:', 'bj:', 'music:', 'call:', 'stream:'] as const;

/** Is `name` a room-only command? */
export const isRoomOnlyCommand = (name: CommandName | string): boolean => ROOM_ONLY_COMMAND_PREFIXES.some((p) => name.startsWith(p));

/**
 * HTTP routes under `/api/rooms/:id` a direct conversation answers; every other route there (settings,
 * join, leave, codes, ownership, moderation, bans, activities, tokens...) is refused. Chat history and
 * posting, the member list, the room itself and its notification settings stay.
 */
export const DM_ROOM_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/rooms/:id',
  'GET /api/rooms/:id/members',
  'GET /api/rooms/:id/messages',
  'POST /api/rooms/:id/messages',
  // Notification level and mute for the conversation (server/notifications).
  'GET /api/rooms/:id/notifications',
  'PATCH /api/rooms/:id/notifications',
]);

/** Is this route (method + Fastify URL pattern) refused for a direct conversation? */
export function isRoomOnlyRoute(method: string, url: string | undefined): boolean {
  if (!url || !url.startsWith('/api/rooms/:id')) return false;
  return !DM_ROOM_ROUTES.has(`${method} ${url}`);
}
