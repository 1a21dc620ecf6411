/** The notification centre's part of the socket contract (merged into events.ts). Reads and writes go over HTTP. */
import type { Notification } from './notifications.js';

export type NotificationsPersonalEvents = {
  /** To one user: a new notification (or an unread one that folded another in: same id, new text/count). */
  'notify:new': (fact: { notification: Notification; unread: number }) => void;
  /** To one user: notifications were marked read (on another tab or device); `ids` null means all. */
  'notify:read': (fact: { ids: number[] | null; unread: number }) => void;
};
