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

test('study screenshots', async ({ browser }) => {
  test.setTimeout(120_000);
  const a = await newUser(browser, 'ada');
  const b = await newUser(browser, 'bob');
  const room = await createRoom(a.page, 'Organic chemistry', 'Finals prep: reactions, mechanisms and past papers.');
  await b.page.goto(`/r/${room.code}`);
  await b.page.getByRole('button', { name: 'Join room' }).click();
  await expect(b.page).toHaveURL(/\/rooms\/\d+/);
  await a.page.goto(`/rooms/${room.id}`);
  await send(a.page, 'Pomodoro in 2 minutes, then past paper 2019.');
  await a.page.getByRole('tab', { name: /To-dos/ }).click();
  for (const t of ['Read chapter 7: SN1 vs SN2', 'Past paper 2019, questions 1-4', 'Flashcards: named reactions', 'Email Prof. Ruiz about the lab']) {
    await a.page.getByTestId('todo-input').fill(t);
    await a.page.getByTestId('todo-input').press('Enter');
  }
  await a.page.getByRole('checkbox', { name: 'Done: Read chapter 7: SN1 vs SN2' }).check();
  await a.page.getByTestId('todo').filter({ hasText: 'Past paper' }).getByTestId('todo-text').click();
  await a.page.getByLabel('Assignee').selectOption({ label: b.username });
  await a.page.getByLabel('Due date').fill('2020-01-01');
  await a.page.getByRole('button', { name: 'Save', exact: true }).click();
  await a.page.getByTestId('timer-card').getByRole('button', { name: 'Start' }).click();
  await a.page.getByLabel("What's your goal for this session?").fill('Finish the SN2 mechanisms');
  await a.page.getByRole('button', { name: 'Set', exact: true }).click();
  await b.page.getByLabel("What's your goal for this session?").fill('Past paper Q1-2');
  await b.page.getByRole('button', { name: 'Set', exact: true }).click();
  await a.page.goto('/');
  await a.page.getByRole('button', { name: 'Alarms' }).click();
  const dialog = a.page.getByRole('dialog', { name: 'Timers & alarms' });
  await dialog.getByLabel('Label').fill('Tea');
  await dialog.getByRole('button', { name: 'Start timer' }).click();
  await dialog.getByRole('radio', { name: 'Alarm' }).check({ force: true });
  await dialog.getByLabel('Time', { exact: true }).fill('07:30');
  await dialog.getByLabel('Repeat').selectOption('weekdays');
  await dialog.getByLabel('Label').fill('Morning review');
  await dialog.getByRole('button', { name: 'Set alarm' }).click();
  await expect(dialog.getByTestId('alarm')).toHaveCount(2);

  for (const size of SIZES) {
    for (const scheme of SCHEMES) {
      const tag = `${size.name}-${scheme}`;
      const context = await browser.newContext({ viewport: size.viewport, colorScheme: scheme, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto('/login');
      await page.getByLabel('Username').fill(a.username);
      await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect(page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
      await page.goto(`/rooms/${room.id}`);
      await expect(page.getByTestId('timer-chip')).toBeVisible();
      if (size.name === 'phone') {
        await page.screenshot({ path: `.tmp/screens/study-room-closed-${tag}.png` });
        await page.getByTestId('timer-chip').click();
      }
      await page.waitForTimeout(300);
      await page.screenshot({ path: `.tmp/screens/study-room-${tag}.png` });
      await page.getByRole('tab', { name: /To-dos/ }).click();
      if (size.name === 'phone') await page.getByTestId('todo').first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: `.tmp/screens/study-todos-${tag}.png` });
      await page.getByRole('tab', { name: /Ranking/ }).click();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `.tmp/screens/study-ranking-${tag}.png` });
      await page.goto('/stats');
      await expect(page.getByTestId('stat-streak')).toBeVisible();
      await page.screenshot({ path: `.tmp/screens/study-stats-${tag}.png`, fullPage: true });
      // The same page with two busy weeks (the server's numbers are stubbed: focus time takes real minutes).
      await page.route('**/api/stats/me', (route) => {
        const day = (i: number) => new Date(Date.now() - (13 - i) * 86_400_000).toISOString().slice(0, 10);
        const minutes = [50, 75, 0, 100, 125, 25, 0, 0, 150, 200, 75, 50, 100, 25];
        void route.fulfill({
          json: { todayMin: 25, weekMin: 450, monthMin: 1210, totalMin: 4875, streakDays: 6, timeZone: 'Europe/Paris', daily: minutes.map((m, i) => ({ day: day(i), minutes: m })) },
        });
      });
      await page.reload();
      await expect(page.getByTestId('stat-streak')).toContainText('6 days');
      await page.screenshot({ path: `.tmp/screens/study-stats-sample-${tag}.png`, fullPage: true });
      await page.unroute('**/api/stats/me');
      await page.goto('/todos');
      await page.getByTestId('todo-input').fill('Buy lab goggles');
      await page.getByTestId('todo-input').press('Enter');
      await expect(page.getByTestId('todo')).toHaveCount(1 + Number(scheme === 'dark') + Number(size.name === 'phone') * 2);
      await page.screenshot({ path: `.tmp/screens/study-my-todos-${tag}.png` });
      await page.goto('/');
      if (size.name === 'phone') {
        await page.getByRole('button', { name: 'Study tools' }).click();
        await page.screenshot({ path: `.tmp/screens/study-menu-${tag}.png` });
        await page.getByRole('menuitem', { name: 'Timers & alarms' }).click();
      } else {
        await page.screenshot({ path: `.tmp/screens/study-lobby-${tag}.png` });
        await page.getByRole('button', { name: 'Alarms' }).click();
      }
      await expect(page.getByRole('dialog', { name: 'Timers & alarms' }).getByTestId('alarm')).toHaveCount(2);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `.tmp/screens/study-alarms-${tag}.png` });
      await context.close();
    }
  }
});
