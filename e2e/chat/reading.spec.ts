/**
 * Issue 17 items 11, 13, 16: what a reader sees as messages arrive — no false "new messages"
 * banner at the bottom of a short history, typing shown right after a send, markdown rendered
 * whole and safely.
 */
import { expect, test } from '@playwright/test';
import { message, newUser, send, sharedRoom, type User } from '../fixtures.js';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let amy: User;
let ben: User;

test.beforeAll(async ({ browser }) => {
  amy = await newUser(browser, 'amy');
  ben = await newUser(browser, 'ben');
  await sharedRoom(amy.page, ben.page, 'Reading room');
});
test.afterAll(async () => {
  await amy?.context.close();
  await ben?.context.close();
});

test('messages that arrive while the reader is at the bottom of a short history are not "new" (item 11)', async () => {
  for (const t of ['first arrival', 'second arrival', 'third arrival']) await send(amy.page, t);
  await expect(message(ben.page, 'third arrival')).toBeVisible();
  await expect(ben.page.getByRole('button', { name: 'Jump to first unread' })).toHaveCount(0);
  await expect(ben.page.getByRole('separator', { name: 'New messages' })).toHaveCount(0);

  // Coming back later, the room was read: still no divider.
  await ben.page.reload();
  await expect(message(ben.page, 'third arrival')).toBeVisible();
  await expect(ben.page.getByRole('separator', { name: 'New messages' })).toHaveCount(0);
  await expect(ben.page.getByRole('button', { name: 'Jump to first unread' })).toHaveCount(0);
});

test('typing right after sending is shown at once (item 16)', async () => {
  await send(amy.page, 'one more thing');
  await expect(message(ben.page, 'one more thing')).toBeVisible();
  // One keystroke right after the send: before the fix it was swallowed by the 2.5 s throttle.
  await amy.page.getByLabel('Write a message').press('a');
  await expect(ben.page.getByTestId('typing-indicator')).toContainText(`${amy.username} is typing`);
  await amy.page.getByLabel('Write a message').fill('');
});

test('links, lists and strikethrough render whole; unsafe links stay text (item 13)', async () => {
  await send(amy.page, 'Read [the **guide**](https://example.com/guide) or [this](javascript:alert(1))\n- milk\n- eggs\n\n~~cancelled~~ <b>raw</b>');
  const m = message(ben.page, 'Read');
  await expect(m).toBeVisible();
  const link = m.getByRole('link', { name: 'the guide' });
  await expect(link).toHaveAttribute('href', 'https://example.com/guide');
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow');
  await expect(link.locator('strong')).toHaveText('guide');
  await expect(m.getByRole('link')).toHaveCount(1);
  await expect(m).toContainText('[this](javascript:alert(1))');
  await expect(m.getByRole('list').getByRole('listitem')).toHaveText(['milk', 'eggs']);
  await expect(m.locator('s')).toHaveText('cancelled');
  await expect(m).toContainText('<b>raw</b>');
  await expect(m.locator('b')).toHaveCount(0);
});
