import type { AdminAlert } from './health.js';

/** Personal events of the health feature: only instance admins receive them. */
export type HealthPersonalEvents = {
  /** A real-time alert (event-loop lag, low disk, FFmpeg crash loop, failed sign-in burst). */
  'admin:alert': (alert: AdminAlert) => void;
};
