/**
 * Tells the server whether this tab is in use: idle after 5 minutes without input or while the
 * tab is hidden, online again on the next activity. Only changes are sent.
 */
import { command, isConnected, onConnected } from './socket';

export const IDLE_AFTER_MS = 5 * 60_000;
const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'mousemove'] as const;

let status: 'online' | 'idle' = 'online';
let idleTimer: ReturnType<typeof setTimeout> | undefined;
let lastActivity = 0;

function send(): void {
  if (isConnected()) command('presence:set', { status }).catch(() => {});
}

function set(next: 'online' | 'idle'): void {
  if (next === status) return;
  status = next;
  send();
}

function onActivity(): void {
  if (document.hidden) return;
  const now = Date.now();
  // mousemove fires constantly: re-arm the timer at most every few seconds.
  if (status === 'online' && now - lastActivity < 5000) return;
  lastActivity = now;
  set('online');
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => set('idle'), IDLE_AFTER_MS);
}

function onVisibility(): void {
  if (document.hidden) set('idle');
  else {
    lastActivity = 0;
    onActivity();
  }
}

/** The server marks a socket online when it enters a room; repeat our real status afterwards. */
export function reassertPresence(): void {
  if (status === 'idle') send();
}

export function startPresenceReporting(): () => void {
  for (const ev of ACTIVITY_EVENTS) window.addEventListener(ev, onActivity, { passive: true });
  document.addEventListener('visibilitychange', onVisibility);
  const off = onConnected(() => reassertPresence());
  onVisibility();
  return () => {
    for (const ev of ACTIVITY_EVENTS) window.removeEventListener(ev, onActivity);
    document.removeEventListener('visibilitychange', onVisibility);
    clearTimeout(idleTimer);
    off();
  };
}
