/**
 * Stable error codes shared by the server and the client. The server sends them in
 * `{ error: { code, message } }` (HTTP) and `{ ok: false, error }` (socket acks); the client maps
 * them to words in one place (`client/src/lib/errors.ts`).
 */
export const ErrorCodes = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'WRONG_PASSWORD',
  'USERNAME_TAKEN',
  'FORBIDDEN',
  'ORIGIN_NOT_ALLOWED',
  'NOT_FOUND',
  'NOT_MEMBER',
  'WRONG_PASSCODE',
  'PASSCODE_REQUIRED',
  'BANNED',
  'MUTED',
  'SLOW_MODE',
  'ROOM_FULL',
  'RATE_LIMITED',
  'EDIT_WINDOW_PASSED',
  'CONFLICT',
  'BLOCKED',
  'NO_SHARED_ROOM',
  'GROUP_FULL',
  'BAD_QUERY',
  'REGISTRATION_CLOSED',
  'INVITE_REQUIRED',
  'INVALID_INVITE',
  'LAST_ADMIN',
  'ROOM_CLOSED',
  'RESET_LINK_INVALID',
  'SPOTIFY_NOT_CONFIGURED',
  'SPOTIFY_NOT_CONNECTED',
  'SPOTIFY_PREMIUM_REQUIRED',
  'SPOTIFY_NO_DEVICE',
  'SPOTIFY_RATE_LIMITED',
  'SPOTIFY_UNAVAILABLE',
  /** The server's disk is below its free-space floor (FILES_MIN_FREE_MB): an upload waits until space is freed. */
  'STORAGE_FULL',
  /** Something this needs on the server (the media server, FFmpeg, live streaming) is down or not installed: try again later (HTTP 503). */
  'UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];

/** The error body of every failed HTTP response and socket ack. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Seconds until the action may be tried again (RATE_LIMITED, SLOW_MODE, MUTED, BANNED). */
  retryAfter?: number;
}
