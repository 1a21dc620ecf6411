import type { ErrorBody, ErrorCode } from '../../protocol/errors.js';

const DEFAULT_STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  BAD_QUERY: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  WRONG_PASSWORD: 403,
  FORBIDDEN: 403,
  ORIGIN_NOT_ALLOWED: 403,
  NOT_MEMBER: 403,
  WRONG_PASSCODE: 403,
  PASSCODE_REQUIRED: 403,
  BANNED: 403,
  MUTED: 403,
  EDIT_WINDOW_PASSED: 403,
  BLOCKED: 403,
  NO_SHARED_ROOM: 403,
  GROUP_FULL: 409,
  NOT_FOUND: 404,
  USERNAME_TAKEN: 409,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  REGISTRATION_CLOSED: 403,
  INVITE_REQUIRED: 403,
  INVALID_INVITE: 403,
  LAST_ADMIN: 409,
  ROOM_CLOSED: 409,
  RESET_LINK_INVALID: 410,
  ROOM_FULL: 409,
  SLOW_MODE: 429,
  RATE_LIMITED: 429,
  STORAGE_FULL: 507,
  INTERNAL: 500,
};

/** The one error type features throw; the error handler and socket handler turn it into a body. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfter?: number,
    status?: number,
  ) {
    super(message);
    this.status = status ?? DEFAULT_STATUS[code] ?? 400;
  }

  toBody(): ErrorBody {
    return this.retryAfter === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfter: this.retryAfter };
  }
}
