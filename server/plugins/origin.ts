/**
 * Pure: may a request with this Origin act? Requests without an Origin header (same-origin GETs,
 * non-browser clients) are allowed; browsers always send Origin on cross-site writes and WebSocket
 * upgrades, so a foreign page cannot ride a user's cookie.
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return !!host && new URL(origin).host === host;
  } catch {
    return false;
  }
}
