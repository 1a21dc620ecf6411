/** Chat limits shared by client and server. Zod-free, so the client can import them cheaply. */
export const MESSAGE_MAX_LENGTH = 4000;
/** Authors may edit their own messages for this long. */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;
export const HISTORY_PAGE_MAX = 100;
export const REACTION_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🔥', '✅'] as const;
