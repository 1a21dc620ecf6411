/** Issue 13 item 4: a room owner creates an API token in room settings; a bot posts with it and the message appears live with a BOT badge. */
import { expect, request, test } from '@playwright/test';
import { message, newUserViaApi, type User, docShot } from '../fixtures.js';

test.describe.configure({ timeout: 120_000 });

let amy: User;
test.afterAll(async () => {
  await amy?.context.close();
});

test('a bot token posts a message that appears live', async ({ browser, baseURL }) => {
  amy = await newUserViaApi(browser, 'amy');
  const created = await amy.context.request.post('/api/rooms', { data: { name: 'Bot room' } });
  const room = (await created.json()).room as { id: number };
  const page = amy.page;
  await page.goto(`/rooms/${room.id}`);
  await page.getByRole('button', { name: 'Room settings' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Token name').fill('CI bot');
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const secret = (await dialog.getByTestId('token-secret').textContent())!.trim();
  expect(secret).toMatch(/^crt_/);
  await docShot(page, 'docs/screenshots/integrations-token.png');
  await page.keyboard.press('Escape');

  const bot = await request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${secret}` } });
  const r = await bot.post('/api/bot/messages', { data: { text: 'Build 42 passed <b>not bold</b>' } });
  expect(r.status(), await r.text()).toBe(201);
  await bot.dispose();
  const m = message(page, 'Build 42 passed');
  await expect(m).toBeVisible();
  await expect(m).toContainText('<b>not bold</b>');
  await expect(m.getByText('BOT', { exact: true })).toBeVisible();
  await expect(m).toContainText('CI bot');
});
