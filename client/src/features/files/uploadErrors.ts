/**
 * What an upload error means for the upload list (pure: no tus-js-client, no DOM).
 *
 * - `refused`: the server said no to this file (too big, room quota, read-only folder, no right to
 *   upload, the upload is gone). Final: shown as "Failed" with the server's reason, never retried,
 *   and the upload URL remembered in the browser is dropped, so neither a reload nor picking the
 *   file again resumes it.
 * - `interrupted`: the network dropped, the server had a passing problem (5xx) or its disk is full
 *   (507, the bytes are kept). The upload stays resumable: Resume continues from the server's offset.
 */
export type UploadFailure = 'refused' | 'interrupted';

/** Statuses that say "try again later", not "no": offset conflicts, locks, rate limits, signed out. */
const TRANSIENT_4XX = new Set([401, 408, 409, 423, 429]);

/** Classifies an HTTP status of a tus answer (0: no answer at all, a network error). */
export function failureOf(status: number): UploadFailure {
  if (status >= 400 && status < 500 && !TRANSIENT_4XX.has(status)) return 'refused';
  return 'interrupted';
}

/**
 * Should tus-js-client retry this by itself (its back-off)? Network errors, conflicts and passing
 * server errors yes; refusals never; 507 (disk full) is shown at once: space is not freed in seconds.
 */
export function retriesByItself(status: number): boolean {
  if (status === 507) return false;
  return failureOf(status) === 'interrupted' && status !== 401;
}

/** The message to show for a failed tus request: the server's own words when it gave some. */
export function failureMessage(status: number, body: string): string {
  if (status === 0) return 'The connection was lost. Resume when you are back online.';
  let json = false;
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } } | null;
    json = true;
    if (typeof parsed?.error?.message === 'string' && parsed.error.message) return parsed.error.message.slice(0, 300);
  } catch {
    /* tus answers in plain text */
  }
  if (status === 404) return 'The server no longer has this upload. Add the file again.';
  if (status === 401) return 'You were signed out. Sign in again, then resume.';
  const text = body.trim();
  if (text && !json && !text.startsWith('<')) return text.slice(0, 200);
  return failureOf(status) === 'refused' ? `The server refused this file (${status}).` : `The server could not take the upload right now (${status}). Resume to try again.`;
}
