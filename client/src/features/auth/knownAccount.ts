/**
 * Whether this browser has been signed in before. A visitor without a session lands on "Create
 * account" unless it has: returning people land on "Log in". Only a flag; no name is stored.
 */
const KEY = 'cr.hasAccount';

export function hasKnownAccount(): boolean {
  try {
    return localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

export function rememberAccount(): void {
  try {
    localStorage.setItem(KEY, '1');
  } catch {
    // Storage blocked: first-visit detection just stays off.
  }
}

/** Where a visitor without a session goes first. */
export function guestLanding(): 'login' | 'register' {
  return hasKnownAccount() ? 'login' : 'register';
}
