/**
 * The room laid out for a phone (390x844: one pane at a time, tabs scrolled into view, stages that
 * fit) and for a desktop (1280x800: collapsible, resizable side panels that are remembered, a chess
 * board sized by the room it has). Regression for issue 17 items 18, 19, 17 and 21.
 * With SCREENS=1 it also saves screenshots into .tmp/screens/layout-*.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { send } from '../fixtures.js';
import { board, challenge, openChess, roomWith, users } from '../chess/helpers.js';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const shots = !!process.env.SCREENS;

async function shot(page: Page, name: string): Promise<void> {
  if (shots) await page.screenshot({ path: `.tmp/screens/layout-${name}.png` });
}

/** The element's box lies inside the viewport (fully visible without scrolling). */
async function expectInViewport(page: Page, el: Locator): Promise<void> {
  const vp = page.viewportSize()!;
  await expect(el).toBeVisible();
  await expect
    .poll(async () => {
      const b = await el.boundingBox();
      return !!b && b.x >= -0.5 && b.y >= -0.5 && b.x + b.width <= vp.width + 0.5 && b.y + b.height <= vp.height + 0.5;
    }, { message: 'element inside the viewport' })
    .toBe(true);
}

const tabs = (page: Page) => page.getByRole('navigation', { name: 'Room activities' });
const paneBar = (page: Page) => page.getByRole('navigation', { name: 'Room view' });

test('phone 390x844: one pane at a time, the active tab in view, chess clocks and Resign above the fold, blackjack seats fit, Jump to present clear of the composer', async ({ browser }) => {
  test.setTimeout(150_000);
  const [ada, bob] = await users(browser, 'ada', 'bob');
  for (const u of [ada, bob]) await u.page.setViewportSize(PHONE);
  const roomId = await roomWith(ada, [bob], 'Phone room');
  await ada.page.goto(`/rooms/${roomId}`);
  await bob.page.goto(`/rooms/${roomId}`);

  // The chat fills the screen; the pane bar sits at the bottom.
  await expectInViewport(ada.page, paneBar(ada.page));
  await expectInViewport(ada.page, ada.page.getByLabel('Write a message'));

  // Many messages, then scrolled up: "Jump to present" does not cover the composer.
  for (let i = 1; i <= 24; i++) await send(bob.page, `Line ${i} of the revision notes`);
  await expect(ada.page.getByTestId('message').filter({ hasText: 'Line 24 of' })).toBeVisible();
  await ada.page.getByRole('log', { name: 'Messages' }).evaluate((el) => el.scrollTo({ top: 0 }));
  const jump = ada.page.getByRole('button', { name: /Jump to present|new message/ });
  await expect(jump).toBeVisible();
  const jumpBox = (await jump.boundingBox())!;
  const composerBox = (await ada.page.getByLabel('Write a message').boundingBox())!;
  expect(jumpBox.y + jumpBox.height).toBeLessThanOrEqual(composerBox.y);
  await shot(ada.page, 'phone-chat');
  await jump.click();

  // Choosing the last tab scrolls it into view; the stage replaces the chat.
  await paneBar(ada.page).getByRole('button', { name: 'Activities' }).click();
  const live = tabs(ada.page).getByRole('button', { name: 'Live', exact: true });
  await live.click();
  await expect(live).toHaveAttribute('aria-pressed', 'true');
  await expectInViewport(ada.page, live);
  await expect(ada.page.getByLabel('Write a message')).toBeHidden();

  // A message while the activity is shown: the Chat button gets a badge.
  await send(bob.page, 'Are you coming to the library?');
  await expect(paneBar(ada.page).getByTestId('chat-unseen')).toHaveText(/^1/);

  // Chess: the first tab scrolls back into view; a game's clocks and Resign are visible with the board.
  const chessTab = tabs(ada.page).getByRole('button', { name: 'Chess', exact: true });
  await chessTab.click();
  await expectInViewport(ada.page, chessTab);
  await expect(ada.page.getByRole('heading', { name: 'Chess', level: 2, exact: true })).toBeVisible();
  await bob.page.goto(`/rooms/${roomId}?a=chess`);
  await challenge(ada.page, { opponent: bob.username, color: 'White', tc: '3+2' });
  await bob.page.getByTestId('challenge').getByRole('button', { name: 'Accept' }).click();
  for (const u of [ada, bob]) {
    await expect(board(u.page)).toBeVisible();
    await expectInViewport(u.page, board(u.page));
    await expectInViewport(u.page, u.page.getByTestId('clock-w'));
    await expectInViewport(u.page, u.page.getByTestId('clock-b'));
    await expectInViewport(u.page, u.page.getByRole('button', { name: /^(Resign|Abort)$/ }).first());
  }
  await shot(ada.page, 'phone-chess');

  // Blackjack: every seat fits the width.
  await tabs(ada.page).getByRole('button', { name: 'Blackjack', exact: true }).click();
  await expect(ada.page.getByTestId('bj-felt')).toHaveAttribute('aria-busy', 'false');
  // Every free-seat button, then the taken seat, fits the width.
  const sits = ada.page.getByRole('group', { name: 'Free seats' }).getByRole('button');
  await expect(sits.first()).toBeVisible();
  for (let i = 0; i < (await sits.count()); i++) await expectInViewport(ada.page, sits.nth(i));
  await sits.last().click();
  const seats = ada.page.locator('[data-testid^="bj-seat-"]:visible');
  await expect(seats.first()).toBeVisible();
  for (let i = 0; i < (await seats.count()); i++) {
    const b = (await seats.nth(i).boundingBox())!;
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(PHONE.width + 0.5);
  }
  await expectInViewport(ada.page, ada.page.getByRole('button', { name: 'Add 10', exact: true }));
  await shot(ada.page, 'phone-blackjack');

  // People: the member list fills the screen, reached from the pane bar.
  await paneBar(ada.page).getByRole('button', { name: 'People' }).click();
  await expectInViewport(ada.page, ada.page.getByTestId(`member-${bob.username}`));
  await paneBar(ada.page).getByRole('button', { name: /Chat/ }).click();
  await expect(paneBar(ada.page).getByTestId('chat-unseen')).toHaveCount(0);
  await expectInViewport(ada.page, ada.page.getByLabel('Write a message'));
});

test('desktop 1280x800: chat and members panels collapse and resize (remembered), and the chess board grows into the room', async ({ browser }) => {
  test.setTimeout(120_000);
  const [ada, bob] = await users(browser, 'ada', 'bob');
  const roomId = await roomWith(ada, [bob], 'Desk room');
  await bob.page.goto(`/rooms/${roomId}?a=chess`);
  await ada.page.goto(`/rooms/${roomId}`);
  await openChess(ada.page);
  await challenge(ada.page, { opponent: bob.username, color: 'White', tc: '3+2' });
  await bob.page.getByTestId('challenge').getByRole('button', { name: 'Accept' }).click();
  const page = ada.page;
  await expect(board(page)).toBeVisible();
  await shot(page, 'desktop-chess-panels');
  const before = (await board(page).boundingBox())!.width;

  // Keyboard: the chat's splitter widens the chat with the arrow keys.
  const splitter = page.getByRole('separator', { name: 'Chat width' });
  const w0 = Number(await splitter.getAttribute('aria-valuenow'));
  await splitter.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(splitter).toHaveAttribute('aria-valuenow', String(w0 + 16));

  // Collapse both side panels: the board takes the room (at least 600 px here).
  const hideChat = page.getByRole('button', { name: 'Hide chat' });
  await expect(hideChat).toHaveAttribute('aria-expanded', 'true');
  await hideChat.click();
  await expect(page.getByRole('button', { name: 'Show chat' })).toHaveAttribute('aria-expanded', 'false');
  await page.getByRole('button', { name: 'Hide members' }).click();
  await expect(page.getByRole('button', { name: 'Show members' })).toHaveAttribute('aria-expanded', 'false');
  await expect.poll(async () => (await board(page).boundingBox())!.width).toBeGreaterThanOrEqual(600);
  const after = (await board(page).boundingBox())!.width;
  expect(after).toBeGreaterThan(before);
  // Clocks and actions stay on screen beside the bigger board.
  await expectInViewport(page, page.getByTestId('clock-w'));
  await expectInViewport(page, page.getByRole('button', { name: /^(Resign|Abort)$/ }).first());
  await shot(page, 'desktop-chess-wide');

  // The choice is remembered across a reload.
  await page.reload();
  await expect(board(page)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Show chat' })).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('button', { name: 'Show members' })).toBeVisible();
  await page.getByRole('button', { name: 'Show chat' }).click();
  await expect(page.getByRole('separator', { name: 'Chat width' })).toHaveAttribute('aria-valuenow', String(w0 + 16));
});
