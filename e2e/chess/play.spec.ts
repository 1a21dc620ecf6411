import { expect, test } from '@playwright/test';
import { board, challenge, clickMove, drag, moveList, openChess, roomWith, users, yourTurn } from './helpers.js';

test('two members play fool’s mate by dragging pieces; a third member watches it live', async ({ browser }) => {
  test.setTimeout(150_000);
  const [ada, bob, cyd] = await users(browser, 'ada', 'bob', 'cyd');
  const roomId = await roomWith(ada, [bob, cyd]);
  await ada.page.goto(`/rooms/${roomId}`);
  for (const u of [ada, bob, cyd]) await openChess(u.page);
  await expect(ada.page.getByText('No games yet')).toBeVisible();

  // Ada challenges Bob (she plays White, 3+2); Bob sees the challenge live, with a toast too.
  await challenge(ada.page, { opponent: bob.username, color: 'White', tc: '3+2' });
  const item = bob.page.getByTestId('challenge').filter({ hasText: `${ada.username} challenged you` });
  await expect(item).toContainText('3+2');
  await expect(bob.page.getByText(`${ada.username} challenges you to a game`)).toBeVisible();
  await expect(cyd.page.getByTestId('challenge')).toContainText(`${ada.username} challenged ${bob.username}`);
  await item.getByRole('button', { name: 'Accept' }).click();

  // Both players are taken to the board, each with their own colour at the bottom.
  await expect(board(bob.page)).toHaveAttribute('aria-label', /Black at the bottom/);
  await expect(board(ada.page)).toHaveAttribute('aria-label', /White at the bottom/);
  await expect(ada.page.getByText('You have', { exact: false })).toBeVisible();
  await expect(ada.page.getByTestId('clock-w')).toHaveText('3:00');

  // Cyd sees the game in the list with a live thumbnail and opens it as a spectator.
  const card = cyd.page.locator('[data-testid^="live-game-"]');
  await expect(card).toBeVisible();
  await card.click();
  await expect(cyd.page.getByText('watching')).toBeVisible();

  const plies: [typeof ada, string, string, string][] = [
    [ada, 'f2', 'f3', 'f3'],
    [bob, 'e7', 'e5', 'e5'],
    [ada, 'g2', 'g4', 'g4'],
    [bob, 'd8', 'h4', 'Qh4#'],
  ];
  for (const [who, from, to, san] of plies) {
    await yourTurn(who.page);
    await drag(who.page, from, to);
    for (const u of [ada, bob, cyd]) await expect(moveList(u.page)).toContainText(san);
  }
  await expect(cyd.page.locator('[data-square="h4"]')).toHaveAttribute('aria-label', 'h4, black queen');
  await expect(cyd.page.locator('[data-square="e1"]')).toHaveAttribute('aria-label', 'e1, white king, in check');
  await expect(cyd.page.getByTestId('announcer')).toContainText('Black played Qh4, checkmate');
  for (const u of [ada, bob, cyd]) {
    await expect(u.page.getByTestId('result')).toContainText('Black wins');
    await expect(u.page.getByTestId('result')).toContainText('By checkmate');
  }
  // The clock started after Black's first move and stopped at the end; the spectator cannot move.
  await expect(cyd.page.getByRole('button', { name: 'Resign' })).toHaveCount(0);
  await expect(ada.page.getByRole('button', { name: 'Rematch' })).toBeVisible();

  // History navigation: back to the start and forward again with the keyboard.
  await cyd.page.getByRole('button', { name: 'First position' }).click();
  await expect(cyd.page.locator('[data-square="f2"]')).toHaveAttribute('aria-label', 'f2, white pawn');
  await cyd.page.keyboard.press('ArrowRight');
  await expect(cyd.page.locator('[data-square="f3"]')).toHaveAttribute('aria-label', 'f3, white pawn');
  await cyd.page.keyboard.press('ArrowDown');
  await expect(cyd.page.locator('[data-square="h4"]')).toHaveAttribute('aria-label', 'h4, black queen');

  // Back in the list, the result is among the recent games; the PGN downloads.
  await cyd.page.getByRole('button', { name: 'Back to the games' }).click();
  await expect(cyd.page.getByRole('heading', { name: 'Recent games' })).toBeVisible();
  await expect(cyd.page.getByText('Black wins · by checkmate')).toBeVisible();
  const gameId = Number(new URL(ada.page.url()).searchParams.get('g'));
  const pgn = await cyd.page.request.get(`/api/games/${gameId}/pgn`);
  expect(await pgn.text()).toContain('Qh4#');

  for (const u of [ada, bob, cyd]) await u.context.close();
});

test('click-to-move, a takeback, and promotion with the picker', async ({ browser }) => {
  test.setTimeout(150_000);
  const [eve, fay] = await users(browser, 'eve', 'fay');
  const roomId = await roomWith(eve, [fay], 'Promotion practice');
  await eve.page.goto(`/rooms/${roomId}?a=chess`);
  await fay.page.goto(`/rooms/${roomId}?a=chess`);
  // An open seat, untimed: Fay takes it.
  await challenge(eve.page, { opponent: null, color: 'White', tc: 'Untimed' });
  await fay.page.getByTestId('challenge').getByRole('button', { name: 'Join' }).click();
  await expect(board(eve.page)).toHaveAttribute('aria-label', /White at the bottom/);
  await expect(board(fay.page)).toHaveAttribute('aria-label', /Black at the bottom/);

  const line: [typeof eve, string, string, string][] = [
    [eve, 'a2', 'a4', 'a4'],
    [fay, 'b7', 'b5', 'b5'],
    [eve, 'a4', 'b5', 'axb5'],
    [fay, 'a7', 'a6', 'a6'],
  ];
  for (const [who, from, to, san] of line) {
    await yourTurn(who.page);
    await clickMove(who.page, from, to);
    await expect(moveList(eve.page)).toContainText(san);
    await expect(moveList(fay.page)).toContainText(san);
  }
  // Legal-move hints: a selected pawn shows its destinations.
  await eve.page.locator('[data-square="b5"]').click();
  await expect(eve.page.locator('[data-square="a6"]')).toHaveAttribute('aria-label', 'a6, black pawn, capture');
  await expect(eve.page.locator('[data-square="b6"]')).toHaveAttribute('aria-label', 'b6, legal move');
  await eve.page.locator('[data-square="b5"]').click();

  // Fay asks to take back a6; Eve accepts; Fay plays Bb7 instead... then a6 again.
  await fay.page.getByRole('button', { name: 'Takeback' }).click();
  await eve.page.getByRole('alert').filter({ hasText: 'asks to take back a move' }).getByRole('button', { name: 'Accept' }).click();
  await expect(moveList(fay.page)).not.toContainText('a6');
  await yourTurn(fay.page);
  await clickMove(fay.page, 'a7', 'a6');
  await expect(moveList(eve.page)).toContainText('a6');

  for (const [who, from, to, san] of [
    [eve, 'b5', 'a6', 'bxa6'],
    [fay, 'c8', 'b7', 'Bb7'],
    [eve, 'a6', 'b7', 'axb7'],
    [fay, 'b8', 'c6', 'Nc6'],
  ] as const) {
    await yourTurn(who.page);
    await clickMove(who.page, from, to);
    await expect(moveList(eve.page)).toContainText(san);
  }
  // b7xa8: the picker opens; Eve under-promotes to a knight.
  await yourTurn(eve.page);
  await clickMove(eve.page, 'b7', 'a8');
  await eve.page.getByRole('button', { name: 'Promote to knight' }).click();
  await expect(moveList(fay.page)).toContainText('bxa8=N');
  await expect(fay.page.locator('[data-square="a8"]')).toHaveAttribute('aria-label', 'a8, white knight');
  await expect(fay.page.getByTestId('announcer')).toContainText('White played bxa8, promotes to knight');

  // Fay resigns (with a confirmation).
  await fay.page.getByRole('button', { name: 'Resign' }).click();
  await fay.page.getByRole('dialog', { name: 'Resign this game?' }).getByRole('button', { name: 'Resign' }).click();
  await expect(eve.page.getByTestId('result')).toContainText('White wins');
  await expect(eve.page.getByTestId('result')).toContainText('By resignation');

  for (const u of [eve, fay]) await u.context.close();
});

test('draw offers (declined, then accepted) and a rematch with colours swapped', async ({ browser }) => {
  test.setTimeout(150_000);
  const [gus, hal] = await users(browser, 'gus', 'hal');
  const roomId = await roomWith(gus, [hal], 'Draw club');
  await gus.page.goto(`/rooms/${roomId}?a=chess`);
  await hal.page.goto(`/rooms/${roomId}?a=chess`);
  await challenge(gus.page, { opponent: hal.username, color: 'White', tc: 'Untimed' });
  await hal.page.getByTestId('challenge').getByRole('button', { name: 'Accept' }).click();
  await expect(board(gus.page)).toHaveAttribute('aria-label', /White at the bottom/);
  for (const [who, from, to, san] of [
    [gus, 'e2', 'e4', 'e4'],
    [hal, 'e7', 'e5', 'e5'],
  ] as const) {
    await yourTurn(who.page);
    await clickMove(who.page, from, to);
    await expect(moveList(gus.page)).toContainText(san);
  }
  const offer = (u: typeof gus) => u.page.getByRole('alert').filter({ hasText: 'offers a draw' });
  await gus.page.getByRole('button', { name: 'Offer draw' }).click();
  await expect(gus.page.getByText('Draw offer sent')).toBeVisible();
  await offer(hal).getByRole('button', { name: 'Decline' }).click();
  await expect(gus.page.getByText('Your opponent declined a draw.')).toBeVisible();
  await hal.page.getByRole('button', { name: 'Offer draw' }).click();
  await offer(gus).getByRole('button', { name: 'Accept' }).click();
  for (const u of [gus, hal]) {
    await expect(u.page.getByTestId('result')).toContainText('Draw');
    await expect(u.page.getByTestId('result')).toContainText('By agreement');
  }
  const firstGame = new URL(gus.page.url()).searchParams.get('g');

  await hal.page.getByRole('button', { name: 'Rematch' }).click();
  await expect(hal.page.getByText('Rematch offered')).toBeVisible();
  await gus.page.getByRole('alert').filter({ hasText: 'wants a rematch' }).getByRole('button', { name: 'Accept' }).click();
  // Both follow the new game, colours swapped.
  await expect(board(gus.page)).toHaveAttribute('aria-label', /Black at the bottom/);
  await expect(board(hal.page)).toHaveAttribute('aria-label', /White at the bottom/);
  await expect(gus.page).not.toHaveURL(new RegExp(`g=${firstGame}$`));
  await expect(hal.page.getByText('Your move')).toBeVisible();
  await drag(hal.page, 'd2', 'd4');
  await expect(moveList(gus.page)).toContainText('d4');

  for (const u of [gus, hal]) await u.context.close();
});
