/**
 * "Notify me on this device": permission from a click, the service worker registered, and the
 * worker shows a push after the tab is closed. The push is delivered to the worker through the
 * DevTools protocol (ServiceWorker.deliverPushMessage): no real push service is contacted.
 */
import { expect, test } from '@playwright/test';
import { gotoApp, users } from '../chess/helpers.js';

test.setTimeout(120_000);

test('the device switch registers the service worker; a push reaches a closed tab as a notification', async ({ browser, baseURL }) => {
  const [ada] = await users(browser, 'ada');
  await ada.context.grantPermissions(['notifications'], { origin: baseURL! });
  const cdp = await ada.context.newCDPSession(ada.page);
  await cdp.send('ServiceWorker.enable');
  const registrationId = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const r = registrations.find((x) => x.scopeURL.startsWith(baseURL!) && !x.isDeleted);
      if (r) resolve(r.registrationId);
    });
  });

  await gotoApp(ada.page, '/');
  await ada.page.getByTestId('bell').click();
  const panel = ada.page.getByRole('dialog', { name: 'Notifications' });
  const toggle = panel.getByRole('switch', { name: 'Notify me on this device' });
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  // Headless Chromium has no push service to subscribe with: browser notifications still work.
  await expect(panel.getByText(/^On(,| while)/)).toBeVisible({ timeout: 30_000 });
  const id = await registrationId;

  // The tab is closed; a push arrives for the worker.
  const blank = await ada.context.newPage();
  await ada.page.close();
  const cdp2 = await ada.context.newCDPSession(blank);
  await cdp2.send('ServiceWorker.enable');
  await cdp2.send('ServiceWorker.deliverPushMessage', {
    origin: new URL(baseURL!).origin,
    registrationId: id,
    data: JSON.stringify({ id: 77, kind: 'mention', title: 'bob mentioned you in Study hall', body: 'see you at 5', url: '/rooms/1?m=3' }),
  });

  // Back in the app: the worker showed it, tagged with the notification id.
  const page = await ada.context.newPage();
  await gotoApp(page, '/');
  await expect
    .poll(async () => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => `${n.tag}|${n.title}|${n.body}`)), { timeout: 15_000 })
    .toContain('n-77|bob mentioned you in Study hall|see you at 5');
});
