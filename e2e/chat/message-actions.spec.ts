import { expect, test } from '@playwright/test';
import { message, newUser, send, sharedRoom } from '../fixtures.js';

test('reply, react, edit with the Up arrow, delete, typing, mentions', async ({ browser }) => {
  const a = await newUser(browser, 'amy');
  const b = await newUser(browser, 'ben');
  await sharedRoom(a.page, b.page, 'Physics lab');

  await send(a.page, 'Who has the lab sheet?');
  const original = message(b.page, 'Who has the lab sheet?');
  await expect(original).toBeVisible();

  // Typing is shown to the other person.
  await b.page.getByLabel('Write a message').pressSequentially('I do', { delay: 30 });
  await expect(a.page.getByTestId('typing-indicator')).toContainText(`${b.username} is typing`);
  await b.page.getByLabel('Write a message').fill('');

  // B replies: the quote shows above the reply on both sides.
  await original.hover();
  await original.getByRole('button', { name: 'Reply' }).click();
  await expect(b.page.getByText(`Replying to ${a.username}`)).toBeVisible();
  await send(b.page, `I have it @${a.username}`);
  const reply = message(a.page, 'I have it');
  await expect(reply.getByRole('button', { name: /Who has the lab sheet\?/ })).toBeVisible();
  // The mention of A stands out for A.
  await expect(reply).toHaveClass(/mentioned/);
  await expect(reply.locator('.md-mention.me')).toHaveText(`@${a.username}`);

  // A reacts; B sees the count and adds the same reaction; A toggles it off again.
  await reply.hover();
  await reply.getByRole('button', { name: 'Add reaction' }).click();
  await a.page.getByRole('button', { name: 'React with 🎉' }).click();
  const bReaction = message(b.page, 'I have it').getByRole('button', { name: /^🎉 1/ });
  await expect(bReaction).toHaveAttribute('aria-pressed', 'false');
  await bReaction.click();
  const aReaction = reply.getByRole('button', { name: /^🎉 2/ });
  await expect(aReaction).toHaveAttribute('aria-pressed', 'true');
  await aReaction.click();
  await expect(message(b.page, 'I have it').getByRole('button', { name: /^🎉 1/ })).toHaveAttribute('aria-pressed', 'true');

  // A edits their last message with the Up arrow; B sees the new text and "(edited)".
  const box = a.page.getByLabel('Write a message');
  await box.click();
  await box.press('ArrowUp');
  await expect(a.page.getByText('Editing message')).toBeVisible();
  await a.page.getByRole('textbox', { name: 'Edit message' }).fill('Who has the lab sheet for Thursday?');
  await a.page.getByRole('textbox', { name: 'Edit message' }).press('Enter');
  const edited = message(b.page, 'for Thursday?');
  await expect(edited).toBeVisible();
  await expect(edited.getByText('(edited)')).toBeVisible();

  // B deletes their reply after confirming; both see "Message deleted".
  const own = message(b.page, 'I have it');
  await own.hover();
  await own.getByRole('button', { name: 'Delete message' }).click();
  await b.page.getByRole('dialog', { name: 'Delete message?' }).getByRole('button', { name: 'Delete' }).click();
  for (const u of [a, b]) await expect(u.page.getByTestId('message').filter({ hasText: 'Message deleted' })).toHaveCount(1);
  await expect(message(a.page, 'I have it')).toHaveCount(0);

  await a.context.close();
  await b.context.close();
});

test('lobby unread counts rise live and clear after reading', async ({ browser }) => {
  const a = await newUser(browser, 'cat');
  const b = await newUser(browser, 'dan');
  const roomId = await sharedRoom(a.page, b.page, 'History essays');

  // A goes back to the lobby; B writes twice.
  await a.page.getByRole('link', { name: 'Back to the lobby' }).click();
  const mine = a.page.getByRole('region', { name: 'My rooms' });
  const card = mine.getByTestId(`room-card-${roomId}`);
  await expect(card).toBeVisible();
  await send(b.page, 'First draft is in the folder.');
  await send(b.page, 'Second thought: cite Hobsbawm.');
  await expect(card.getByLabel('2 unread messages')).toBeVisible();

  // Opening the room shows the "new" divider; back in the lobby the badge is gone.
  await card.click();
  await expect(a.page.getByRole('separator', { name: 'New messages' })).toBeVisible();
  await expect(message(a.page, 'cite Hobsbawm')).toBeVisible();
  await a.page.getByRole('link', { name: 'Back to the lobby' }).click();
  await expect(card).toBeVisible();
  await expect(card.getByLabel(/unread messages/)).toHaveCount(0);

  // Public search finds the room by part of its name (debounced).
  await a.page.getByLabel('Search public rooms').fill('essay');
  await expect(a.page.getByRole('region', { name: 'Public rooms' }).getByTestId(`room-card-${roomId}`)).toBeVisible();
  await a.page.getByLabel('Search public rooms').fill('zzz-no-such-room');
  await expect(a.page.getByText('No public rooms match')).toBeVisible();

  await a.context.close();
  await b.context.close();
});
