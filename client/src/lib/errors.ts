/**
 * The one place that turns error codes into words a person understands. HTTP and socket failures
 * both arrive here as {@link ApiError}.
 */
import type { ErrorBody, ErrorCode } from '@protocol/errors.js';
import { formatDuration } from './clock';

/** Codes the client itself produces when the server could not be reached or did not answer. */
export type ClientErrorCode = 'NETWORK' | 'TIMEOUT';
export type AnyErrorCode = ErrorCode | ClientErrorCode;

export class ApiError extends Error {
  constructor(
    readonly code: AnyErrorCode,
    message: string,
    /** HTTP status; 0 for socket acks and network failures. */
    readonly status = 0,
    /** Seconds until the action may be tried again. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static fromBody(body: ErrorBody, status = 0): ApiError {
    return new ApiError(body.code, body.message, status, body.retryAfter);
  }
}

const FRIENDLY: Record<AnyErrorCode, string> = {
  VALIDATION: 'Please check what you entered.',
  UNAUTHENTICATED: 'Please log in to continue.',
  INVALID_CREDENTIALS: 'That username and password do not match.',
  WRONG_PASSWORD: 'Your current password is not right.',
  USERNAME_TAKEN: 'That username is taken. Try another one.',
  FORBIDDEN: 'You are not allowed to do that.',
  ORIGIN_NOT_ALLOWED: 'This page is not allowed to talk to the server.',
  NOT_FOUND: 'We could not find that.',
  NOT_MEMBER: 'You are not a member of this room.',
  WRONG_PASSCODE: 'That passcode is not right.',
  PASSCODE_REQUIRED: 'This room needs a passcode.',
  BANNED: 'You are banned from this room.',
  MUTED: 'You are muted in this room.',
  SLOW_MODE: 'Slow mode is on.',
  ROOM_FULL: 'This room is full.',
  RATE_LIMITED: 'Too many attempts.',
  STORAGE_FULL: 'The server is out of disk space. Your upload is kept: resume it once space is freed.',
  EDIT_WINDOW_PASSED: 'Messages can only be edited for 15 minutes.',
  CONFLICT: 'That cannot be done right now.',
  UNAVAILABLE: 'That part of the server is not available right now. Please try again later.',
  BLOCKED: 'You cannot message this person.',
  NO_SHARED_ROOM: 'You can only message people you share a room with.',
  GROUP_FULL: `A group conversation holds at most 10 people.`,
  BAD_QUERY: 'That search cannot be read. Check quotes and filters.',
  REGISTRATION_CLOSED: 'Registration is closed on this server. Ask an admin for an account.',
  INVITE_REQUIRED: 'This server is invite-only: enter your invite code.',
  INVALID_INVITE: 'That invite code is not valid (wrong, used up or expired).',
  LAST_ADMIN: 'This is the last admin: make someone else an admin first.',
  ROOM_CLOSED: 'This room is closed (archived): it can be read but not changed.',
  RESET_LINK_INVALID: 'This password-reset link is invalid, used or expired. Ask an admin for a new one.',
  SPOTIFY_NOT_CONFIGURED: 'Spotify is not configured on this server. The operator can add Spotify keys to turn music on.',
  SPOTIFY_NOT_CONNECTED: 'Connect your Spotify account first.',
  SPOTIFY_PREMIUM_REQUIRED: 'Playing in sync needs Spotify Premium. You can still follow the queue and open tracks in Spotify.',
  SPOTIFY_NO_DEVICE: 'No active Spotify device. Open Spotify on any device (phone, desktop app or web player), play something for a second, then try again.',
  SPOTIFY_RATE_LIMITED: 'Spotify asked us to slow down.',
  SPOTIFY_UNAVAILABLE: 'Spotify did not answer. Please try again in a moment.',
  INTERNAL: 'Something went wrong on our side. Please try again.',
  NETWORK: 'Cannot reach the server. Check your connection.',
  TIMEOUT: 'The server took too long to answer. Please try again.',
};

/** Codes whose server message is more specific than anything generic we could say. */
const SERVER_SAYS_BEST = new Set<AnyErrorCode>(['CONFLICT', 'UNAVAILABLE', 'FORBIDDEN', 'VALIDATION', 'BLOCKED', 'BAD_QUERY']);

/** Codes where "try again in …" helps. */
const WAITABLE = new Set<AnyErrorCode>(['RATE_LIMITED', 'SLOW_MODE', 'MUTED', 'BANNED', 'SPOTIFY_RATE_LIMITED']);

/** A friendly sentence for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    let text = SERVER_SAYS_BEST.has(err.code) && err.message ? err.message : FRIENDLY[err.code] ?? err.message;
    if (err.code === 'VALIDATION') text = text.replace(/^Invalid (body|querystring|params|input)[^:]*: /, '');
    if (WAITABLE.has(err.code) && err.retryAfter && err.retryAfter > 0) {
      text = `${text.replace(/\.$/, '')}. Try again in ${formatDuration(err.retryAfter)}.`;
    }
    return text;
  }
  if (err instanceof Error && err.message) return err.message;
  return FRIENDLY.INTERNAL;
}

export function isApiError(err: unknown, ...codes: AnyErrorCode[]): err is ApiError {
  return err instanceof ApiError && (codes.length === 0 || codes.includes(err.code));
}
