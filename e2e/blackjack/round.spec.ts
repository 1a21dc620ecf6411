import { expect, test } from '@playwright/test';
import { bet, netOf, readOutcome, settled, standUntilSettled, tableWith } from './table.js';

test('two players and a spectator play a round of blackjack and all see the same outcome', async ({ browser }) => {
  test.setTimeout(120_000);
  const { users } = await tableWith(browser, 'ada', 'bob', 'cat');
  const [ada, bob, cat] = users as [typeof users[0], typeof users[0], typeof users[0]];

  // Everyone sees an empty table; a newcomer starts with 1,000 chips.
  for (const u of users) {
    await expect(u.page.getByTestId('bj-bankroll')).toHaveText('1,000');
    await expect(u.page.getByTestId('bj-banner')).toContainText('Take a seat to play');
  }

  // The owner changes the table between rounds; members cannot.
  await expect(bob.page.getByRole('button', { name: 'Table settings' })).toHaveCount(0);
  await ada.page.getByRole('button', { name: 'Table settings' }).click();
  const settings = ada.page.getByRole('dialog', { name: 'Table settings' });
  await settings.getByLabel('Minimum bet').fill('20');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings).toBeHidden();
  await expect(cat.page.getByText('bets 20–500')).toBeVisible();

  // Ada takes first base (seat 1), Bob seat 4; the spectator sees both sit down.
  await ada.page.getByTestId('bj-sit-0').click();
  await expect(bob.page.getByTestId('bj-seat-0')).toContainText(ada.username);
  await bob.page.getByTestId('bj-sit-3').click();
  await expect(cat.page.getByTestId('bj-seat-0')).toContainText(ada.username);
  await expect(cat.page.getByTestId('bj-seat-3')).toContainText(bob.username);
  await expect(cat.page.getByTestId('bj-sit-3')).toHaveCount(0);
  await expect(cat.page.getByTestId('bj-dock')).toContainText('You are watching');
  await expect(cat.page.getByTestId('bj-bet-controls')).toHaveCount(0);

  // Ada bets 60 (10 + 50): the betting window opens for everyone, with a countdown.
  await bet(ada.page, 10, 50);
  await expect(ada.page.getByTestId('bj-bet-placed')).toBeVisible();
  await expect(ada.page.getByTestId('bj-bankroll')).toHaveText('940');
  await expect(cat.page.getByTestId('bj-banner')).toContainText(/Bets close in \d+/);
  await expect(cat.page.getByTestId('bj-seat-0')).toContainText('60');

  // Bob bets 100: everyone seated has bet, so the round is dealt at once.
  await bet(bob.page, 100);
  for (const u of users) await expect(u.page.getByTestId('bj-seat-3').getByTestId('bj-hand').first().locator('[data-card]')).toHaveCount(2);
  // The hole card stays face down until the dealer plays (unless the dealer had blackjack).
  const backs = cat.page.getByTestId('bj-dealer-cards').locator('[data-card="back"]');
  await expect.poll(async () => (await backs.count()) === 1 || (await settled(cat.page))).toBe(true);

  // Each player acts on their turn only (Bob with the keyboard shortcut); the spectator never can.
  const [adaMoves, bobMoves] = await Promise.all([standUntilSettled(ada.page), standUntilSettled(bob.page, { keyboard: true }), expect.poll(() => settled(cat.page), { timeout: 45_000 }).toBe(true)]);
  expect(adaMoves + bobMoves).toBeLessThanOrEqual(2);
  await expect(cat.page.getByTestId('bj-actions')).toHaveCount(0);

  // All three see the same dealer cards, dealer total and results.
  const seen = await Promise.all(users.map((u) => readOutcome(u.page, [0, 3])));
  expect(seen[0]!.dealer.length).toBeGreaterThanOrEqual(2);
  expect(seen[0]!.dealer).not.toContain('back');
  expect(seen[0]!.dealerTotal).toMatch(/^\d+$/);
  expect(seen[0]!.seats[0]!.length).toBeGreaterThanOrEqual(1);
  expect(seen[0]!.seats[3]!.length).toBeGreaterThanOrEqual(1);
  for (const r of [...seen[0]!.seats[0]!, ...seen[0]!.seats[3]!]) expect(r).toMatch(/^(Blackjack!|Win|Push|Lose|Bust|Surrender) [+−±]\d+/);
  expect(seen[1]).toEqual(seen[0]);
  expect(seen[2]).toEqual(seen[0]);

  // Bankrolls follow the results (insurance was declined).
  await expect(ada.page.getByTestId('bj-bankroll')).toHaveText((1000 + netOf(seen[0]!.seats[0]!)).toLocaleString('en-US'));
  await expect(bob.page.getByTestId('bj-bankroll')).toHaveText((1000 + netOf(seen[0]!.seats[3]!)).toLocaleString('en-US'));
  await expect(cat.page.getByTestId('bj-bankroll')).toHaveText('1,000');

  // The hand history shows the round to the spectator too.
  await cat.page.getByRole('button', { name: /History/ }).click();
  await expect(cat.page.locator('#bj-stats li').first()).toBeVisible();
  await cat.page.getByRole('tab', { name: 'Room leaderboard' }).click();
  await expect(cat.page.locator('#bj-stats')).toContainText(ada.username);

  for (const u of users) await u.context.close();
});
