/** Socket.IO channel of the members currently looking at a room. */
export const roomChannel = (roomId: number) => `room:${roomId}`;
/** Socket.IO channel of every connected member of a room, wherever they are in the app. */
export const membersChannel = (roomId: number) => `members:${roomId}`;

export const ROLE_RANK = { member: 1, moderator: 2, owner: 3 } as const;
export type RoleName = keyof typeof ROLE_RANK;

/** Pure: may someone with role `actor` moderate someone with role `target`? */
export const outranks = (actor: RoleName, target: RoleName) => ROLE_RANK[actor] > ROLE_RANK[target];
export const atLeast = (role: RoleName, min: RoleName) => ROLE_RANK[role] >= ROLE_RANK[min];
