/**
 * Issue 13 item 2: search finds a message by a partial word and "jump to message" opens the room
 * scrolled to it (history loaded around it, beyond the latest page) with the message highlighted.
 */
import { expect, request, test } from '@playwright/test';
import { message, newUserViaApi, uniqueName, type User, docShot } from '../fixtures.js';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let amy: User;

test.afterAll(async () => {
  await amy?.context.close();
});

test('search finds a message by a partial word and jumps to it', async ({ browser, baseURL }) => {
  amy = await newUserViaApi(browser, 'amy');
  const api = amy.context.request;
  const created = await api.post('/api/rooms', { data: { name: 'Linear algebra' } });
  expect(created.status()).toBe(201);
  const room = (await created.json()).room as { id: number; code: string };
  const target = await api.post(`/api/rooms/${room.id}/messages`, { data: { text: 'An eigenvector is only scaled by the map' } });
  expect(target.status()).toBe(201);

  // More than one page of later messages, from helpers (each within the per-user chat rate).
  for (let h = 0; h < 4; h++) {
    const helper = await request.newContext({ baseURL });
    const r = await helper.post('/api/auth/register', { data: { username: uniqueName(`h${h}`), password: 'correct horse battery' } });
    expect(r.status()).toBe(201);
    expect((await helper.post(`/api/rooms/${room.id}/join`, { data: { code: room.code } })).status()).toBe(200);
    for (let i = 0; i < 14; i++) {
      expect((await helper.post(`/api/rooms/${room.id}/messages`, { data: { text: `filler ${h}-${i}` } })).status()).toBe(201);
    }
    await helper.dispose();
  }

  const page = amy.page;
  await page.goto('/');
  // The shortcut listens once the app has started: wait for the header it lives in.
  await expect(page.getByRole('link', { name: 'Search messages' })).toBeVisible();
  await page.keyboard.press('Control+k');
  await expect(page).toHaveURL(/\/search$/);
  const box = page.getByRole('searchbox', { name: 'Search messages' });
  await expect(box).toBeFocused();
  await box.fill('eigenv');
  const hit = page.getByTestId('search-hit').filter({ hasText: 'Linear algebra' });
  await expect(hit).toHaveCount(1);
  await expect(hit.locator('mark')).toHaveText('eigenvector');
  await docShot(page, 'docs/screenshots/search-results.png');

  await hit.click();
  await expect(page).toHaveURL(new RegExp(`/rooms/${room.id}`));
  const target_ = message(page, 'An eigenvector is only scaled');
  await expect(target_).toBeVisible();
  await expect(target_).toHaveClass(/highlighted/);
  await expect(target_).toBeInViewport();
  // The present is one click away.
  await page.getByRole('button', { name: /Jump to present/ }).click();
  await expect(message(page, 'filler 3-13')).toBeVisible();
});
