/**
 * Issue 17 items 20 and 22: contrast of key text measured in the browser, the skip link, the 404
 * page's header, the searchable time-zone picker, and where a first-time visitor lands.
 */
import { expect, test, type Locator } from '@playwright/test';
import { newUser, send, sharedRoom } from '../fixtures.js';

test.describe.configure({ timeout: 120_000 });

/** WCAG contrast of an element's text colour against the first opaque background behind it. */
async function contrastOf(el: Locator): Promise<number> {
  return el.evaluate((node) => {
    const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const fg = rgb(getComputedStyle(node).color);
    let bg = [255, 255, 255];
    for (let e: Element | null = node; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3]! > 0.9)) {
        bg = c.slice(0, 3);
        break;
      }
    }
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    return (a! + 0.05) / (b! + 0.05);
  });
}

test('a first-time visitor lands on "Create account" with one line on what this is; a returning one on "Log in" (item 22)', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/register$/);
  await expect(page.getByRole('button', { name: 'Create account' })).toBeVisible();
  await expect(page.getByText('A private study room for your group')).toBeVisible();
  await page.screenshot({ path: '/tmp/ux-first-visit-1280.png' });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: '/tmp/ux-first-visit-390.png' });

  // An invite link on a first visit also offers an account first, and keeps where it goes.
  await page.goto('/r/ABCDEF');
  await expect(page).toHaveURL(/\/register\?next=(%2F|\/)r(%2F|\/)ABCDEF$/);

  await page.getByLabel('Username').fill(`fv_${Date.now().toString(36)}`);
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/:\d+\/r\/ABCDEF$/);
  await page.goto('/');
  await page.getByRole('button', { name: 'Your profile and settings' }).click();
  await page.getByRole('button', { name: 'Log out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await context.close();
});

test('skip link first in tab order, 404 page with the app header (item 20)', async ({ browser }) => {
  const u = await newUser(browser, 'sk');
  await u.page.reload();
  await expect(u.page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
  await u.page.keyboard.press('Tab');
  const skip = u.page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await u.page.keyboard.press('Enter');
  await expect(u.page.locator('main')).toBeFocused();

  await u.page.goto('/no/such/page');
  await expect(u.page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(u.page.getByRole('banner').getByRole('link', { name: 'Commonroom lobby' })).toBeVisible();
  await expect(u.page.getByRole('button', { name: 'Your profile and settings' })).toBeVisible();
  await u.page.screenshot({ path: '/tmp/ux-404-1280.png' });
  await u.page.setViewportSize({ width: 390, height: 844 });
  await u.page.screenshot({ path: '/tmp/ux-404-390.png' });
  await u.context.close();
});

test('meta text, keyboard hints, orange avatars and board coordinates reach AA; time zones are searchable with offsets (item 20)', async ({
  browser,
}) => {
  // Contrast checks, a chess game between two browsers and the profile dialog: room on a loaded machine.
  test.setTimeout(240_000);
  const a = await newUser(browser, 'ca');
  const b = await newUser(browser, 'cb');
  // An orange avatar: white initials on it were 3.1:1.
  expect((await a.page.request.patch('/api/me', { data: { avatarColor: '#f4a261' } })).ok()).toBe(true);
  await sharedRoom(a.page, b.page, 'Contrast');
  await a.page.reload();
  await send(b.page, 'hello there');
  const msg = a.page.getByTestId('message').filter({ hasText: 'hello there' });
  await expect(msg).toBeVisible();
  expect(await contrastOf(msg.locator('time'))).toBeGreaterThanOrEqual(4.5);
  const kbd = a.page.locator('kbd').first();
  await expect(kbd).toBeVisible();
  expect(await contrastOf(kbd)).toBeGreaterThanOrEqual(4.5);
  expect(await contrastOf(a.page.locator('.keys'))).toBeGreaterThanOrEqual(4.5);
  const face = a.page.getByRole('button', { name: 'Your profile and settings' }).locator('.face');
  expect(await contrastOf(face)).toBeGreaterThanOrEqual(4.5);

  // Chess coordinates.
  await a.page.getByRole('button', { name: /Chess/ }).first().click();
  await a.page.getByRole('button', { name: 'New game' }).first().click();
  const d = a.page.getByRole('dialog', { name: 'New chess game' });
  await d.locator('label').filter({ hasText: b.username }).first().click();
  await d.locator('label').filter({ hasText: 'Untimed' }).first().click();
  await d.getByRole('button', { name: `Challenge ${b.username}` }).click();
  await b.page.getByRole('button', { name: /Chess/ }).first().click();
  await b.page.getByRole('button', { name: 'Accept' }).first().click();
  const coord = a.page.locator('.coord');
  await expect(coord.first()).toBeVisible();
  for (const i of [0, 1, 2]) expect(await contrastOf(coord.nth(i))).toBeGreaterThanOrEqual(4.5);
  await a.page.screenshot({ path: '/tmp/ux-board-1280.png' });

  // Time zone: search by city and by offset.
  await a.page.getByRole('button', { name: 'Your profile and settings' }).click();
  const profile = a.page.getByRole('dialog', { name: 'Your profile' });
  const search = profile.getByRole('searchbox', { name: 'Search time zones' });
  await search.fill('kolkata');
  await expect(profile.getByText('1 match')).toBeVisible();
  await search.press('Enter');
  await expect(profile.getByLabel('Time zone', { exact: true })).toHaveValue('Asia/Kolkata');
  await expect(profile.getByLabel('Time zone', { exact: true }).locator('option:checked')).toHaveText('(UTC+05:30) Asia/Kolkata');
  await search.fill('+5:45');
  await expect(profile.getByLabel('Time zone', { exact: true }).locator('option', { hasText: 'Kathmandu' })).toHaveCount(1);
  await a.page.screenshot({ path: '/tmp/ux-tz-1280.png' });
  await a.page.setViewportSize({ width: 390, height: 844 });
  await a.page.screenshot({ path: '/tmp/ux-tz-390.png' });
  await profile.getByRole('button', { name: 'Save' }).click();
  await expect(profile).toBeHidden();
  expect(((await (await a.page.request.get('/api/me')).json()) as { user: { timeZone: string } }).user.timeZone).toBe('Asia/Kolkata');
  await a.context.close();
  await b.context.close();
});
