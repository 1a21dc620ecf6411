/**
 * The room laid out for a phone (390x844: one pane at a time, tabs scrolled into view, stages that
 * fit) and for a desktop (1280x800: collapsible, resizable side panels that are remembered, a chess
 * board sized by the room it has). Regression for issue 17 items 18, 19, 17 and 21.
 * With SCREENS=1 it also saves screenshots into .tmp/screens/layout-*.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { message, send } from '../fixtures.js';
import { board, challenge, openChess, roomWith, users } from '../chess/helpers.js';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const shots = !!process.env.SCREENS;

async function shot(page: Page, name: string): Promise<void> {
  if (shots) await page.screenshot({ path: `.tmp/screens/layout-${name}.png` });
}

/**
 * The element is on screen without scrolling: its box lies inside the viewport and what is drawn
 * at its centre is the element itself (not clipped away by a nested scroll area, not covered).
 */
async function expectInViewport(page: Page, el: Locator): Promise<void> {
  const vp = page.viewportSize()!;
  await expect(el).toBeVisible();
  await expect
    .poll(async () => {
      const b = await el.boundingBox();
      if (!b || b.x < -0.5 || b.y < -0.5 || b.x + b.width > vp.width + 0.5 || b.y + b.height > vp.height + 0.5) return 'outside the viewport';
      const hit = await el.evaluate((node, [x, y]) => {
        const top = document.elementFromPoint(x!, y!);
        return !!top && (node === top || node.contains(top) || top.contains(node));
      }, [b.x + b.width / 2, b.y + b.height / 2]);
      return hit ? 'on screen' : 'clipped or covered';
    }, { message: 'element on screen' })
    .toBe('on screen');
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
  // (Under the chat rate limit of 15 per 10 s: long messages fill the screen instead.)
  const notes = 'mechanisms, nucleophiles, leaving groups, solvents, rates and the rest of the revision notes';
  for (let i = 1; i <= 12; i++) await send(bob.page, `Line ${i}: ${notes}`);
  await expect(ada.page.getByTestId('message').filter({ hasText: 'Line 12:' })).toBeVisible();
  await ada.page.getByRole('log', { name: 'Messages' }).evaluate((el) => el.scrollTo({ top: 0 }));
  const jump = ada.page.getByRole('button', { name: /Jump to present|new message/ });
  await expect(jump).toBeVisible();
  const jumpBox = (await jump.boundingBox())!;
  const composerBox = (await ada.page.getByLabel('Write a message').boundingBox())!;
  expect(jumpBox.y + jumpBox.height).toBeLessThanOrEqual(composerBox.y);
  await shot(ada.page, 'phone-chat');
  await jump.click();

  // The activities pane replaces the chat; a message meanwhile gives the Chat button a badge.
  await paneBar(ada.page).getByRole('button', { name: 'Activities' }).click();
  await expect(ada.page.getByLabel('Write a message')).toBeHidden();
  await send(bob.page, 'Are you coming to the library?');
  await expect(paneBar(ada.page).getByTestId('chat-unseen')).toHaveText('1 new');

  // A link to the last tab: it is scrolled into view (no click: a click would scroll it by itself).
  await ada.page.goto(`/rooms/${roomId}?a=live`);
  const live = tabs(ada.page).getByRole('button', { name: /Live$/ });
  await expect(live).toHaveAttribute('aria-pressed', 'true');
  await expectInViewport(ada.page, live);
  await shot(ada.page, 'phone-live');

  // Chess: a game's clocks and Resign are on screen together with the board.
  const chessTab = tabs(ada.page).getByRole('button', { name: /Chess$/ });
  await chessTab.click();
  await expect(chessTab).toHaveAttribute('aria-pressed', 'true');
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
  await tabs(ada.page).getByRole('button', { name: /Blackjack$/ }).click();
  await expect(ada.page.getByTestId('bj-felt')).toHaveAttribute('aria-busy', 'false');
  // Every free-seat button, then the taken seat, fits the width.
  const sits = ada.page.getByRole('group', { name: 'Free seats' }).getByRole('button');
  await expect(sits.first()).toBeVisible();
  for (let i = 0; i < (await sits.count()); i++) await expectInViewport(ada.page, sits.nth(i));
  await sits.last().click();
  const seats = ada.page.locator('[data-testid^="bj-seat-"]:visible');
  await expect(seats.first()).toBeVisible();
  for (let i = 0; i < (await seats.count()); i++) await expectInViewport(ada.page, seats.nth(i));
  await expectInViewport(ada.page, ada.page.getByRole('button', { name: 'Add 10', exact: true }));
  await shot(ada.page, 'phone-blackjack');

  // Every stage fits the width: nothing scrolls sideways.
  const names = await tabs(ada.page).getByRole('button').allInnerTexts();
  for (const name of names.map((n) => n.trim())) {
    await tabs(ada.page).getByRole('button', { name, exact: true }).click();
    const stage = ada.page.getByTestId('room-stage');
    await expect(stage).toHaveAttribute('aria-label', name);
    await expect(stage.getByRole('heading', { level: 2 }).first()).toBeVisible();
    await expect.poll(() => stage.evaluate((el) => el.scrollWidth - el.clientWidth), { message: `${name} fits the width` }).toBeLessThanOrEqual(1);
  }

  // People: the member list fills the screen, reached from the pane bar.
  await paneBar(ada.page).getByRole('button', { name: 'People' }).click();
  await expectInViewport(ada.page, ada.page.getByTestId(`member-${bob.username}`));
  await paneBar(ada.page).getByRole('button', { name: /Chat/ }).click();
  await expect(paneBar(ada.page).getByTestId('chat-unseen')).toHaveCount(0);
  await expect(message(ada.page, 'Are you coming to the library?')).toBeVisible();
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
  if (shots) {
    await page.getByRole('button', { name: 'Show members' }).click();
    await tabs(page).getByRole('button', { name: /Live$/ }).click();
    await expect(page.getByRole('separator', { name: 'Members panel width' })).toBeVisible();
    await shot(page, 'desktop-live');
  }
});

test('icons: the activity tabs are SVG icons (no emoji text), reactions render as the shipped emoji images, header icons are labelled and distinct', async ({ browser }) => {
  const [ada, bob] = await users(browser, 'ada', 'bob');
  const roomId = await roomWith(ada, [bob], 'Icon room');
  const page = ada.page;
  await page.goto(`/rooms/${roomId}`);

  // Tabs: an svg each and no emoji characters (they need a font that not every machine has).
  const tabButtons = tabs(page).getByRole('button');
  await expect(tabButtons.first()).toBeVisible();
  for (let i = 0; i < (await tabButtons.count()); i++) {
    const t = tabButtons.nth(i);
    await expect(t.locator('svg')).toHaveCount(1);
    expect(await t.innerText()).not.toMatch(/\p{Extended_Pictographic}/u);
  }
  // The blackjack stage title too.
  await tabs(page).getByRole('button', { name: /Blackjack$/ }).click();
  await expect(page.getByRole('heading', { name: 'Blackjack', level: 2 })).not.toContainText(/\p{Extended_Pictographic}/u);
  await tabs(page).getByRole('button', { name: 'Chat', exact: true }).click();

  // Reactions: the picker and the chips are images from the shipped set, decoded (not boxes).
  await send(bob.page, 'Flashcards are done');
  const msg = page.getByTestId('message').filter({ hasText: 'Flashcards are done' });
  await msg.hover();
  await msg.getByRole('button', { name: 'Add reaction' }).click();
  const picker = page.getByRole('group', { name: 'Pick a reaction' });
  const picks = picker.getByRole('button');
  await expect(picks).toHaveCount(8);
  for (let i = 0; i < 8; i++) {
    const img = picks.nth(i).locator('img');
    await expect(img).toHaveAttribute('src', /^data:image\/svg\+xml|\.svg$/);
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
    expect(await picks.nth(i).innerText()).toBe('');
  }
  await picker.getByRole('button', { name: /React with 🔥/ }).click();
  const chip = message(bob.page, 'Flashcards are done').getByRole('button', { name: /^🔥 1/ });
  await expect(chip.locator('img')).toBeVisible();
  await expect.poll(() => chip.locator('img').evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);

  // Header: every icon-only control has an accessible name and a tooltip.
  const header = page.locator('header.room-header');
  const controls = header.locator('button, a');
  for (let i = 0; i < (await controls.count()); i++) {
    const c = controls.nth(i);
    if (!(await c.isVisible())) continue;
    const text = (await c.innerText()).trim();
    if (text) continue;
    expect(await c.getAttribute('aria-label'), await c.evaluate((el) => el.outerHTML.slice(0, 120))).toBeTruthy();
    expect(await c.getAttribute('title'), await c.evaluate((el) => el.outerHTML.slice(0, 120))).toBeTruthy();
  }
  // Distinct icons: room settings vs timer settings, study tools vs the timer clock.
  const d = (l: Locator) => l.locator('svg path').first().getAttribute('d');
  const roomSettings = await d(page.getByRole('button', { name: 'Room settings' }));
  const timerSettings = await d(page.getByRole('button', { name: 'Timer settings' }));
  expect(roomSettings).not.toBe(timerSettings);
  const studyTools = await d(page.getByRole('button', { name: 'Study tools' }));
  const timerChip = await d(page.getByTestId('timer-chip'));
  expect(studyTools).not.toBe(timerChip);
});
