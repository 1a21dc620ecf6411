/**
 * Notifications outside the page: the Notification API while the tab is hidden, and Web Push (a
 * service worker, /sw.js) so a closed tab still gets them. Both are turned on together, from a
 * click (browsers only ask for permission after a user action), and remembered per browser.
 */
import { reactive } from 'vue';
import { http } from '../../lib/http';

/** Remembered per browser and per user: the next person to sign in here starts with it off. */
let pref = 'cr.notify.device.0';

export type PermissionState = NotificationPermission | 'unsupported';

export const device = reactive({
  permission: (typeof Notification === 'undefined' ? 'unsupported' : Notification.permission) as PermissionState,
  /** The user turned notifications on for this browser (and has not turned them off). */
  enabled: false,
  /** Push subscription of this browser: on, off, or unavailable (no service worker / server has push off). */
  push: 'off' as 'on' | 'off' | 'unavailable',
  busy: false,
  error: '',
});

const swSupported = () => typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof window !== 'undefined' && 'PushManager' in window;

let registration: Promise<ServiceWorkerRegistration | null> | null = null;
function worker(): Promise<ServiceWorkerRegistration | null> {
  if (!swSupported()) return Promise.resolve(null);
  registration ??= navigator.serviceWorker.register('/sw.js').catch(() => null);
  return registration;
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

async function subscribePush(): Promise<void> {
  const reg = await worker();
  const key = await http.get<{ enabled: boolean; publicKey: string | null }>('/api/push/key');
  if (!reg || !key.enabled || !key.publicKey) {
    device.push = 'unavailable';
    return;
  }
  let sub = await reg.pushManager.getSubscription();
  if (!sub) {
    // A browser that cannot reach its push service may never answer: give up after a while.
    const subscribing = reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key.publicKey) });
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('push subscribe timed out')), 15_000));
    sub = await Promise.race([subscribing, timeout]);
  }
  await http.post('/api/push/subscriptions', sub.toJSON());
  device.push = 'on';
}

async function unsubscribePush(): Promise<void> {
  const reg = await worker();
  const sub = await reg?.pushManager.getSubscription();
  if (sub) {
    await http.post('/api/push/unsubscribe', { endpoint: sub.endpoint }).catch(() => {});
    await sub.unsubscribe().catch(() => false);
  }
  device.push = 'off';
}

/** Turns notifications on for this browser. Call from a click: it may ask for permission. */
export async function enableDeviceNotifications(): Promise<void> {
  if (device.permission === 'unsupported') return;
  device.busy = true;
  device.error = '';
  try {
    device.permission = await Notification.requestPermission();
    if (device.permission !== 'granted') return;
    device.enabled = true;
    localStorage.setItem(pref, 'on');
    await subscribePush().catch(() => {
      // Browser notifications still work while a tab is open.
      device.push = 'unavailable';
    });
  } finally {
    device.busy = false;
  }
}

export async function disableDeviceNotifications(): Promise<void> {
  device.busy = true;
  try {
    device.enabled = false;
    localStorage.removeItem(pref);
    await unsubscribePush().catch(() => {});
  } finally {
    device.busy = false;
  }
}

/** After sign-in: re-register the worker and refresh this browser's subscription (keys may have rotated). */
export function resumeDeviceNotifications(userId: number): void {
  pref = `cr.notify.device.${userId}`;
  device.enabled = localStorage.getItem(pref) === 'on';
  if (!device.enabled || device.permission !== 'granted') return;
  void subscribePush().catch(() => {
    device.push = 'unavailable';
  });
}

/** Stops pushes to this browser on log-out, so the next person here does not get them (the dead endpoint is dropped by the server on its first 410). */
export function forgetDevicePush(): void {
  device.enabled = false;
  void worker()
    .then((reg) => reg?.pushManager.getSubscription())
    .then((sub) => sub?.unsubscribe())
    .catch(() => {});
  device.push = 'off';
}

/** Shows a browser notification while the tab is hidden (the same tag as a push: never twice). */
export async function showDeviceNotification(n: { id: number; title: string; body: string; url: string }, onClick: () => void): Promise<void> {
  if (!device.enabled || device.permission !== 'granted' || !document.hidden) return;
  const options = { body: n.body, tag: `n-${n.id}`, icon: '/favicon.svg', data: { id: n.id, url: n.url } };
  const reg = await worker();
  if (reg) return reg.showNotification(n.title, options);
  const shown = new Notification(n.title, options);
  shown.onclick = () => {
    window.focus();
    onClick();
  };
}

/** Clicks on notifications the service worker showed (it focuses this tab and says where to go). */
export function onWorkerOpen(fn: (id: number | null, url: string) => void): void {
  if (!swSupported()) return;
  navigator.serviceWorker.addEventListener('message', (e: MessageEvent) => {
    const d = e.data as { type?: string; id?: number | null; url?: string } | null;
    if (d?.type === 'notification:open' && typeof d.url === 'string' && d.url.startsWith('/')) fn(d.id ?? null, d.url);
  });
}
