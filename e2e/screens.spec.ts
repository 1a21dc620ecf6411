/**
 * Screenshots of the main pages at desktop and phone sizes, light and dark, for a person to look
 * at (written to .tmp/screens/). Runs only with SCREENS=1: `SCREENS=1 npx playwright test screens`.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { message, newUser, send } from './fixtures.js';

test.skip(!process.env.SCREENS, 'set SCREENS=1 to take screenshots');

const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;
const SCHEMES = ['light', 'dark'] as const;

async function shoot(browser: Browser, name: string, path: string, login?: { username: string }) {
  for (const size of SIZES) {
    for (const scheme of SCHEMES) {
      const context = await browser.newContext({ viewport: size.viewport, colorScheme: scheme, deviceScaleFactor: 1 });
      const page = await context.newPage();
      if (login) {
        await page.goto('/login');
        await page.getByLabel('Username').fill(login.username);
        await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
        await page.getByRole('button', { name: 'Log in' }).click();
        await expect(page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
      }
      await page.goto(path);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(400);
      await page.screenshot({ path: `.tmp/screens/${name}-${size.name}-${scheme}.png` });
      await context.close();
    }
  }
}

async function createRoom(page: Page, name: string, description: string, passcode = '') {
  await page.goto('/');
  await page.getByRole('button', { name: 'Create room' }).click();
  const d = page.getByRole('dialog', { name: 'Create a room' });
  await d.getByLabel('Name').fill(name);
  await d.getByLabel('Description').fill(description);
  if (passcode) await d.getByLabel('Passcode').fill(passcode);
  await d.getByRole('button', { name: 'Create room' }).click();
  const ready = page.getByRole('dialog', { name: 'Your room is ready' });
  const code = (await ready.getByTestId('invite-code').textContent())!.trim();
  await ready.getByRole('button', { name: 'Done' }).click();
  return { id: Number(/\/rooms\/(\d+)/.exec(page.url())![1]), code };
}

test('screenshots', async ({ browser }) => {
  test.setTimeout(180_000);
  await shoot(browser, 'login', '/login');

  const a = await newUser(browser, 'ada');
  const b = await newUser(browser, 'bob');
  const room = await createRoom(a.page, 'Organic chemistry', 'Finals prep: reactions, mechanisms and past papers.', 'benzene');
  await createRoom(a.page, 'Late-night maths', 'Calculus II problem sets, quiet focus.');
  await createRoom(b.page, 'Spanish conversation', '');

  await b.page.goto(`/r/${room.code}`);
  await b.page.getByLabel('Passcode').fill('benzene');
  await b.page.getByRole('button', { name: 'Join room' }).click();
  await expect(b.page).toHaveURL(/\/rooms\/\d+/);

  await a.page.goto(`/rooms/${room.id}`);
  await send(a.page, 'Morning! Plan for today: **SN1 vs SN2**, then past paper 2019.');
  await send(b.page, `Sounds good @${a.username}. I'll start with the mechanisms.`);
  await send(a.page, 'Here is the rate law:\n```\nrate = k[RX][Nu-]\n```');
  await send(b.page, 'See https://en.wikipedia.org/wiki/SN2_reaction for the *backside attack* diagram');
  await send(b.page, '<img src=x onerror=alert(1)>');
  await expect(message(a.page, 'backside attack')).toBeVisible();
  await message(a.page, 'backside attack').hover();
  await message(a.page, 'backside attack').getByRole('button', { name: 'Add reaction' }).click();
  await a.page.getByRole('button', { name: 'React with 👍' }).click();
  await message(b.page, 'rate law').hover();
  await message(b.page, 'rate law').getByRole('button', { name: 'Reply' }).click();
  await send(b.page, 'Is that second order overall?');
  await expect(message(a.page, 'second order')).toBeVisible();

  // Dialogs and menus, as the owner sees them.
  for (const [size, scheme] of [
    [SIZES[0], 'light'],
    [SIZES[1], 'dark'],
  ] as const) {
    const context = await browser.newContext({ viewport: size.viewport, colorScheme: scheme });
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Username').fill(a.username);
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.goto(`/rooms/${room.id}`);
    await expect(message(page, 'second order')).toBeVisible();
    const tag = `${size.name}-${scheme}`;
    if (size.name === 'phone') await page.getByRole('button', { name: 'Show members' }).click();
    await page.getByRole('button', { name: `Actions for ${b.username}` }).click();
    await page.screenshot({ path: `.tmp/screens/member-menu-${tag}.png` });
    await page.keyboard.press('Escape');
    const hide = page.getByRole('button', { name: 'Hide members' });
    if (size.name === 'phone' && (await hide.isVisible())) await hide.click();
    await page.getByRole('button', { name: 'Room settings' }).click();
    await page.screenshot({ path: `.tmp/screens/settings-${tag}.png` });
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Your profile and settings' }).click();
    await page.screenshot({ path: `.tmp/screens/profile-${tag}.png` });
    await page.keyboard.press('Escape');
    await page.goto('/');
    await page.getByRole('button', { name: 'Create room' }).click();
    await page.screenshot({ path: `.tmp/screens/create-${tag}.png` });
    await context.close();
  }

  await shoot(browser, 'lobby', '/', { username: a.username });
  await shoot(browser, 'room', `/rooms/${room.id}`, { username: a.username });
  const c = await newUser(browser, 'cy');
  await shoot(browser, 'invite', `/r/${room.code}`, { username: c.username });
  await shoot(browser, 'lobby-empty', '/', { username: c.username });
});
