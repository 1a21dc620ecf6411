/**
 * Issue 17 item 15: an alarm that rang on one device is not "missed" on the next device, and
 * several alarms missed by every device make one compact toast, shown once.
 */
import { expect, test, type Browser } from '@playwright/test';
import { newUser, type User } from '../fixtures.js';

test.describe.configure({ timeout: 120_000 });

async function device(browser: Browser, user: User) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
  return { context, page };
}

type AlarmDto = { id: number; label: string; lastFiredAt: number | null; seenAt: number | null };
const alarmsOf = async (u: { context: User['context'] }) => ((await (await u.context.request.get('/api/alarms')).json()) as { alarms: AlarmDto[] }).alarms;
const openAlarmsDialog = async (page: User['page']) => {
  await page.getByRole('button', { name: 'Alarms', exact: true }).click();
  return page.getByRole('dialog', { name: 'Timers & alarms' });
};

test('an alarm rung on the laptop is not shown as missed on the phone', async ({ browser }) => {
  const laptop = await newUser(browser, 'al');
  // A 3-second timer, rung by the open laptop.
  expect((await laptop.context.request.post('/api/alarms', { data: { kind: 'countdown', label: 'Tea', minutes: 0.05 } })).status()).toBe(201);
  await laptop.page.reload();
  await expect(laptop.page.locator('.toast').filter({ hasText: "Tea — time's up" })).toBeVisible({ timeout: 30_000 });
  await expect.poll(async () => (await alarmsOf(laptop))[0]?.seenAt ?? null, { timeout: 15_000 }).not.toBeNull();

  const phone = await device(browser, laptop);
  const dialog = await openAlarmsDialog(phone.page);
  await expect(dialog.getByTestId('alarm').filter({ hasText: 'Tea' })).toBeVisible();
  await expect(phone.page.locator('.toast').filter({ hasText: 'Missed' })).toHaveCount(0);
  await phone.context.close();
  await laptop.context.close();
});

test('three alarms missed everywhere make one toast, once', async ({ browser }) => {
  const u = await newUser(browser, 'am');
  // Nobody is looking while they go off.
  await u.page.goto('about:blank');
  for (const label of ['Stretch', 'Water', 'Call mum']) {
    expect((await u.context.request.post('/api/alarms', { data: { kind: 'countdown', label, minutes: 0.05 } })).status()).toBe(201);
  }
  await expect.poll(async () => (await alarmsOf(u)).filter((a) => a.lastFiredAt !== null).length, { timeout: 30_000 }).toBe(3);

  const phone = await device(browser, u);
  const toasts = phone.page.locator('.toast');
  await expect(toasts.filter({ hasText: '3 alarms went off while you were away' })).toBeVisible();
  await expect(toasts).toHaveCount(1);
  await phone.page.setViewportSize({ width: 390, height: 844 });
  await phone.page.screenshot({ path: '/tmp/ux-missed-390.png' });
  await expect.poll(async () => (await alarmsOf(u)).filter((a) => a.seenAt !== null).length).toBe(3);

  // The next device has nothing to report.
  const tablet = await device(browser, u);
  const dialog = await openAlarmsDialog(tablet.page);
  await expect(dialog.getByTestId('alarm').filter({ hasText: 'Call mum' })).toBeVisible();
  await expect(tablet.page.locator('.toast').filter({ hasText: /Missed|went off/ })).toHaveCount(0);
  await tablet.context.close();
  await phone.context.close();
  await u.context.close();
});
