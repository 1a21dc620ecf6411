/** Helpers for the blackjack specs: a room with members, the table open, reading what it shows. */
import { expect, type Browser, type Page } from '@playwright/test';
import { newUser, type User } from '../fixtures.js';

/** The owner creates an open room; the others join by its invite link; everyone opens the table. */
export async function tableWith(browser: Browser, owner: string, ...others: string[]): Promise<{ roomId: number; users: User[] }> {
  const a = await newUser(browser, owner);
  await a.page.getByRole('button', { name: 'Create room' }).click();
  const create = a.page.getByRole('dialog', { name: 'Create a room' });
  await create.getByLabel('Name').fill('Casino night');
  await create.getByRole('button', { name: 'Create room' }).click();
  await expect(a.page).toHaveURL(/\/rooms\/\d+/);
  const roomId = Number(/\/rooms\/(\d+)/.exec(a.page.url())![1]);
  const ready = a.page.getByRole('dialog', { name: 'Your room is ready' });
  const code = (await ready.getByTestId('invite-code').textContent())!.trim();
  await ready.getByRole('button', { name: 'Done' }).click();

  const users = [a];
  for (const name of others) {
    const u = await newUser(browser, name);
    await u.page.goto(`/r/${code}`);
    await u.page.getByRole('button', { name: 'Join room' }).click();
    await expect(u.page).toHaveURL(new RegExp(`/rooms/${roomId}`));
    users.push(u);
  }
  for (const u of users) await openTable(u.page, roomId);
  return { roomId, users };
}

export async function openTable(page: Page, roomId: number): Promise<void> {
  await page.goto(`/rooms/${roomId}?a=blackjack`);
  await expect(page.getByTestId('bj-felt')).toHaveAttribute('aria-busy', 'false');
}

/** Adds chips with the chip buttons and puts the bet on the table. */
export async function bet(page: Page, ...chips: number[]): Promise<void> {
  for (const c of chips) await page.getByRole('button', { name: `Add ${c}`, exact: true }).click();
  await page.getByTestId('bj-deal-me-in').click();
}

/**
 * Plays until the round is settled on this page: declines insurance, and stands whenever it is
 * this player's turn (with the S key when `keyboard`), whatever the cards.
 */
export async function standUntilSettled(page: Page, opts: { keyboard?: boolean; timeoutMs?: number } = {}): Promise<number> {
  const end = Date.now() + (opts.timeoutMs ?? 45_000);
  let moves = 0;
  while (Date.now() < end) {
    if (await settled(page)) return moves;
    const noInsurance = page.getByRole('button', { name: 'No insurance' });
    if (await noInsurance.isVisible().catch(() => false)) await noInsurance.click().catch(() => {});
    const stand = page.getByTestId('bj-actions').getByRole('button', { name: 'Stand', exact: true });
    if ((await stand.isVisible().catch(() => false)) && (await stand.isEnabled().catch(() => false))) {
      if (opts.keyboard) await page.keyboard.press('s');
      else await stand.click().catch(() => {});
      moves++;
      await page.waitForTimeout(150);
    }
    await page.waitForTimeout(150);
  }
  throw new Error('the round did not settle in time');
}

/** Every hand on the felt shows its result and the dealer's cards are all face up. */
export async function settled(page: Page): Promise<boolean> {
  const hands = await page.getByTestId('bj-hand').count();
  const results = await page.getByTestId('bj-hand-result').count();
  const backs = await page.getByTestId('bj-dealer-cards').locator('[data-card="back"]').count();
  return hands > 0 && results === hands && backs === 0;
}

export interface Outcome {
  dealer: (string | null)[];
  dealerTotal: string;
  seats: Record<number, string[]>;
}

/** What the felt says about the round: the dealer's cards and total, each seat's hand results. */
export async function readOutcome(page: Page, seats: number[]): Promise<Outcome> {
  const dealer = await page.getByTestId('bj-dealer-cards').locator('[data-card]').evaluateAll((els) => els.map((e) => e.getAttribute('data-card')));
  const dealerTotal = ((await page.getByTestId('bj-dealer-total').textContent()) ?? '').trim();
  const out: Record<number, string[]> = {};
  for (const s of seats) out[s] = (await page.getByTestId(`bj-seat-${s}`).getByTestId('bj-hand-result').allTextContents()).map((t) => t.trim());
  return { dealer, dealerTotal, seats: out };
}

/** Net chips of result texts like "Win +50", "Lose −50", "Push ±0", "Surrender −25". */
export function netOf(results: string[]): number {
  return results.reduce((n, r) => {
    const m = /([+−])(\d+)/.exec(r);
    return m ? n + (m[1] === '+' ? 1 : -1) * Number(m[2]) : n;
  }, 0);
}
