/**
 * Chess screenshots (desktop 1280×800 and phone 390×844, light and dark) into .tmp/screens/ for a
 * person to look at: the games list, the new-game dialog and a game in progress.
 * Only with SCREENS=1: `SCREENS=1 E2E_PORT=3410 npx playwright test e2e/chess/screens`.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { User } from '../fixtures.js';
import { board, challenge, clickMove, gotoApp, moveList, openChess, roomWith, yourTurn } from './helpers.js';

test.skip(!process.env.SCREENS, 'set SCREENS=1 to take screenshots');

const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;
const SCHEMES = ['light', 'dark'] as const;

/** Like fixtures' newUser, but survives a rebuild of client/dist by someone else mid-run. */
async function register(browser: Browser, prefix: string): Promise<User> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const username = `${prefix}_${Date.now().toString(36).slice(-6)}`;
  await gotoApp(page, '/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
  return { context, page, username, dialogs: [] };
}

async function shoot(browser: Browser, name: string, username: string, path: string, then?: (page: Page) => Promise<void>) {
  for (const size of SIZES) {
    for (const scheme of SCHEMES) {
      const context = await browser.newContext({ viewport: size.viewport, colorScheme: scheme, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await gotoApp(page, '/login');
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect(page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
      await gotoApp(page, path);
      await expect(page.getByTestId('chess-stage')).toBeVisible();
      await page.waitForTimeout(600);
      if (then) await then(page);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `.tmp/screens/chess-${name}-${size.name}-${scheme}.png` });
      await context.close();
    }
  }
}

async function play(line: [Page, string, string, string][], watchers: Page[]) {
  for (const [page, from, to, san] of line) {
    await yourTurn(page);
    await clickMove(page, from, to);
    for (const p of watchers) await expect(moveList(p)).toContainText(san);
  }
}

test('chess screenshots', async ({ browser }) => {
  test.setTimeout(300_000);
  const ada = await register(browser, 'ada');
  const bob = await register(browser, 'bob');
  const cyd = await register(browser, 'cyd');
  const roomId = await roomWith(ada, [bob, cyd], 'Chess club');
  for (const u of [ada, bob, cyd]) {
    await gotoApp(u.page, `/rooms/${roomId}`);
    await openChess(u.page);
  }

  // A finished game for the "recent" list: Cyd mates Bob.
  await challenge(cyd.page, { opponent: bob.username, color: 'Black', tc: 'Untimed' });
  await bob.page.getByTestId('challenge').getByRole('button', { name: 'Accept' }).click();
  await expect(board(cyd.page)).toBeVisible();
  await play(
    [
      [bob.page, 'f2', 'f3', 'f3'],
      [cyd.page, 'e7', 'e5', 'e5'],
      [bob.page, 'g2', 'g4', 'g4'],
      [cyd.page, 'd8', 'h4', 'Qh4#'],
    ],
    [bob.page, cyd.page],
  );
  await expect(cyd.page.getByTestId('result')).toBeVisible();
  for (const u of [bob, cyd]) await u.page.getByRole('button', { name: 'Back to the games' }).click();

  // A game in progress: Ada (White) against Bob, 5+3, with captures on both sides.
  await challenge(ada.page, { opponent: bob.username, color: 'White', tc: '5+3' });
  await bob.page.getByTestId('challenge').getByRole('button', { name: 'Accept' }).click();
  await expect(board(ada.page)).toBeVisible();
  const gameId = Number(new URL(bob.page.url()).searchParams.get('g'));
  await play(
    [
      [ada.page, 'e2', 'e4', 'e4'],
      [bob.page, 'e7', 'e5', 'e5'],
      [ada.page, 'g1', 'f3', 'Nf3'],
      [bob.page, 'b8', 'c6', 'Nc6'],
      [ada.page, 'd2', 'd4', 'd4'],
      [bob.page, 'e5', 'd4', 'exd4'],
      [ada.page, 'f3', 'd4', 'Nxd4'],
      [bob.page, 'c6', 'd4', 'Nxd4'],
      [ada.page, 'd1', 'd4', 'Qxd4'],
    ],
    [ada.page, bob.page],
  );
  // And an open seat waiting in the list.
  await challenge(cyd.page, { opponent: null, color: 'Random', tc: '10+5' });

  await shoot(browser, 'list', cyd.username, `/rooms/${roomId}?a=chess`);
  await shoot(browser, 'new-game', ada.username, `/rooms/${roomId}?a=chess`, async (page) => {
    await page.getByRole('button', { name: 'New game' }).first().click();
    await page.getByRole('dialog', { name: 'New chess game' }).locator('label').filter({ hasText: bob.username }).click();
  });
  await shoot(browser, 'game', bob.username, `/rooms/${roomId}?a=chess&g=${gameId}`, async (page) => {
    await expect(board(page)).toBeVisible();
    await page.locator('[data-square="f8"]').click();
  });
  for (const u of [ada, bob, cyd]) await u.context.close();
});
