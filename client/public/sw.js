/*
 * Commonroom's service worker: shows Web Push notifications (the server sends JSON:
 * { id, kind, title, body, url }) and opens their place when clicked. Plain JS, served as /sw.js.
 * A page that is being looked at shows its own toast, so a push is not shown then. Pages show
 * browser notifications with the same tag (`n-<id>`), so one notification never appears twice.
 */
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = {};
  }
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      if (windows.some((w) => w.visibilityState === 'visible' && w.focused)) return;
      await self.registration.showNotification(String(data.title || 'Commonroom'), {
        body: String(data.body || ''),
        tag: `n-${Number(data.id) || 0}`,
        icon: '/favicon.svg',
        data: { id: Number(data.id) || null, url: typeof data.url === 'string' ? data.url : '/' },
      });
    })(),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const target = new URL(typeof data.url === 'string' ? data.url : '/', self.location.origin);
  // Only ever our own pages.
  if (target.origin !== self.location.origin) return;
  const path = target.pathname + target.search;
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const tab = windows[0];
      if (tab) {
        await tab.focus();
        tab.postMessage({ type: 'notification:open', id: data.id, url: path });
        return;
      }
      await self.clients.openWindow(path + (path.includes('?') ? '&' : '?') + `n=${Number(data.id) || ''}`);
    })(),
  );
});
