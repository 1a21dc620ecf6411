/** Pure role rules, mirroring the server's (server/rooms/room-channels.ts). */
import type { Role } from '@protocol/rooms.js';

const RANK: Record<Role, number> = { member: 1, moderator: 2, owner: 3 };

export const atLeast = (role: Role | null | undefined, min: Role): boolean => !!role && RANK[role] >= RANK[min];
export const outranks = (actor: Role | null | undefined, target: Role): boolean => !!actor && RANK[actor] > RANK[target];
