/**
 * Real-time admin alerts (`admin:alert`, sent only to instance admins): shown as a toast with a
 * link to the Health page. A notification centre subscribes with {@link onAdminAlert} to keep
 * them too; nothing else needs to change.
 */
import type { Router } from 'vue-router';
import type { AdminAlert } from '@protocol/health.js';
import { getSocket } from '../../../lib/socket';
import { toast } from '../../../ui/toasts';

const handlers = new Set<(alert: AdminAlert) => void>();

/** Hear every admin alert (e.g. a notification centre); returns the unsubscribe function. */
export function onAdminAlert(fn: (alert: AdminAlert) => void): () => void {
  handlers.add(fn);
  return () => handlers.delete(fn);
}

export function listenForAdminAlerts(router: Router): void {
  getSocket().on('admin:alert', (alert) => {
    toast({
      kind: 'error',
      key: `admin-alert:${alert.kind}`,
      title: alert.title,
      body: alert.body,
      timeoutMs: 15_000,
      action: { label: 'Open health', run: () => void router.push('/admin/health') },
    });
    for (const fn of handlers) fn(alert);
  });
}
