/** Zod-free constants of the admin console (safe for client chunks). */

/** Columns the admin users list sorts by (each has an index). */
export const USER_SORT_KEYS = ['username', 'displayName', 'createdAt', 'lastSeenAt'] as const;
export type UserSortKey = (typeof USER_SORT_KEYS)[number];

/**
 * Users list filters: `active` = enabled accounts, `disabled`, `admins`, `new` = registered in the
 * last 7 days. Deleted accounts (anonymous tombstones) are never listed.
 */
export const USER_FILTERS = ['all', 'active', 'disabled', 'admins', 'new', 'bots'] as const;
export type UserFilter = (typeof USER_FILTERS)[number];

export const ROOM_SORT_KEYS = ['name', 'createdAt', 'lastActivityAt', 'members'] as const;
export type RoomSortKey = (typeof ROOM_SORT_KEYS)[number];
export const ROOM_FILTERS = ['all', 'open', 'closed'] as const;
export type RoomFilter = (typeof ROOM_FILTERS)[number];

export const REGISTRATION_MODES = ['open', 'invite', 'closed'] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** How long an admin-made password-reset link stays valid. */
export const RESET_LINK_TTL_MS = 24 * 3_600_000;
