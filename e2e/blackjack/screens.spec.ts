/**
 * Screenshots of the blackjack table (betting, in play, settled) at desktop and phone sizes, light
 * and dark, into .tmp/screens/ for a person to look at. Only with SCREENS=1.
 */
import { expect, test, type Page } from '@playwright/test';
import { bet, settled, standUntilSettled, tableWith } from './table.js';

test.skip(!process.env.SCREENS, 'set SCREENS=1 to take screenshots');

const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const;

async function shoot(page: Page, name: string) {
  for (const size of SIZES) {
    await page.setViewportSize(size.viewport);
    // The member list starts open on a desktop and covers the page on a phone: close it there.
    const hide = page.getByRole('button', { name: 'Hide members' });
    if (size.name === 'phone' && (await hide.isVisible())) await hide.click();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(250);
      await page.screenshot({ path: `.tmp/screens/bj-${name}-${size.name}-${scheme}.png` });
    }
  }
  await page.setViewportSize(SIZES[0].viewport);
  const show = page.getByRole('button', { name: 'Show members' });
  if (await show.isVisible()) await show.click();
}

test('blackjack screenshots', async ({ browser }) => {
  test.setTimeout(180_000);
  const { users } = await tableWith(browser, 'ada', 'bob', 'cat');
  const [ada, bob, cat] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
  await shoot(cat.page, 'empty');

  await ada.page.getByTestId('bj-sit-0').click();
  await expect(bob.page.getByTestId('bj-sit-0')).toHaveCount(0);
  await bob.page.getByTestId('bj-sit-3').click();
  await expect(ada.page.getByTestId('bj-sit-3')).toHaveCount(0);
  await bet(ada.page, 50, 10);
  await bob.page.getByRole('button', { name: 'Add 100', exact: true }).click();
  await bob.page.getByRole('button', { name: 'Add 50', exact: true }).click();
  await shoot(bob.page, 'betting');

  await bob.page.getByTestId('bj-deal-me-in').click();
  await expect.poll(async () => (await ada.page.getByTestId('bj-actions').isVisible()) || (await settled(ada.page)), { timeout: 20_000 }).toBe(true);
  await shoot(ada.page, 'play');
  await shoot(cat.page, 'play-spectator');

  await Promise.all([standUntilSettled(ada.page), standUntilSettled(bob.page)]);
  await expect.poll(() => settled(cat.page), { timeout: 20_000 }).toBe(true);
  await shoot(ada.page, 'settled');
  await cat.page.getByRole('button', { name: /History/ }).click();
  await expect(cat.page.locator('#bj-stats li').first()).toBeVisible();
  await shoot(cat.page, 'settled-stats');

  for (const u of users) await u.context.close();
});
