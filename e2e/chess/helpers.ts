/** Chess helpers for the end-to-end specs: rooms with members, challenges, moving pieces. */
import { expect, type Browser, type Page } from '@playwright/test';
import { newUser, type User } from '../fixtures.js';

/** `owner` creates an open room and every other user joins it by the invite link. */
export async function roomWith(owner: User, others: User[], name = 'Chess club'): Promise<number> {
  await owner.page.getByRole('button', { name: 'Create room' }).click();
  const create = owner.page.getByRole('dialog', { name: 'Create a room' });
  await create.getByLabel('Name').fill(name);
  await create.getByRole('button', { name: 'Create room' }).click();
  await expect(owner.page).toHaveURL(/\/rooms\/\d+/);
  const roomId = Number(/\/rooms\/(\d+)/.exec(owner.page.url())![1]);
  const ready = owner.page.getByRole('dialog', { name: 'Your room is ready' });
  const link = await ready.getByTestId('invite-link').inputValue();
  await ready.getByRole('button', { name: 'Done' }).click();
  for (const u of others) {
    await gotoApp(u.page, new URL(link).pathname);
    await u.page.getByRole('button', { name: 'Join room' }).click();
    await expect(u.page).toHaveURL(new RegExp(`/rooms/${roomId}`));
  }
  return roomId;
}

export async function users<N extends string[]>(browser: Browser, ...prefixes: N): Promise<{ [K in keyof N]: User }> {
  const out: User[] = [];
  for (const p of prefixes) out.push(await newUser(browser, p));
  return out as { [K in keyof N]: User };
}

/** Opens the chess stage of the room the page is in. */
export async function openChess(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Room activities' }).getByRole('button', { name: /Chess$/ }).click();
  await expect(page.getByRole('heading', { name: 'Chess', level: 2, exact: true })).toBeVisible();
}

/** Sends a challenge from the "New game" dialog. */
export async function challenge(page: Page, opts: { opponent: string | null; color: 'White' | 'Black' | 'Random'; tc: string }): Promise<void> {
  await page.getByRole('button', { name: 'New game' }).first().click();
  const d = page.getByRole('dialog', { name: 'New chess game' });
  const option = (text: string) => d.locator('label').filter({ hasText: text }).first();
  await option(opts.opponent ?? 'Open seat').click();
  await option(opts.tc).click();
  await option(opts.color).click();
  await d.getByRole('button', { name: opts.opponent ? `Challenge ${opts.opponent}` : 'Open a seat' }).click();
  await expect(d).toBeHidden();
}

export function board(page: Page) {
  return page.getByRole('grid', { name: /^Chess board/ });
}

/** The centre of a square in page coordinates, from the board's box and orientation. */
export async function squareCenter(page: Page, sq: string): Promise<{ x: number; y: number }> {
  const b = board(page);
  const box = (await b.boundingBox())!;
  const label = (await b.getAttribute('aria-label')) ?? '';
  const white = label.includes('White at the bottom');
  const file = sq.charCodeAt(0) - 97;
  const rank = Number(sq[1]) - 1;
  const col = white ? file : 7 - file;
  const row = white ? 7 - rank : rank;
  return { x: box.x + ((col + 0.5) * box.width) / 8, y: box.y + ((row + 0.5) * box.height) / 8 };
}

/** Drags a piece with the mouse: press on one square centre, move in steps, release on another. */
export async function drag(page: Page, from: string, to: string): Promise<void> {
  const a = await squareCenter(page, from);
  const b = await squareCenter(page, to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + (b.x - a.x) / 3, a.y + (b.y - a.y) / 3, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
}

/** Click-to-move: click the piece, then its destination. */
export async function clickMove(page: Page, from: string, to: string): Promise<void> {
  await page.locator(`[data-square="${from}"]`).click();
  await expect(page.locator(`[data-square="${from}"]`)).toHaveAttribute('aria-selected', 'true');
  await page.locator(`[data-square="${to}"]`).click();
}

export function moveList(page: Page) {
  return page.getByTestId('move-list');
}

/** Waits until the page's player may move (timed games first show the first-move countdown). */
export async function yourTurn(page: Page): Promise<void> {
  await expect(page.getByText(/^(Your move|You have \d+ s to make the first move)$/)).toBeVisible();
}

/**
 * page.goto that waits out a moment without client/dist/index.html (another engineer's build
 * empties it while the shared webServer runs).
 */
export async function gotoApp(page: Page, path: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const res = await page.goto(path);
    if (res && res.status() < 400 && (await page.locator('#app').count())) return;
    await page.waitForTimeout(2000);
  }
  throw new Error(`could not load ${path}`);
}
