import { expect, test } from '@playwright/test';
import { message, newUser, send } from '../fixtures.js';

test('a passcode room: invite, wrong and right passcode, live chat, literal HTML, kick', async ({ browser }) => {
  const a = await newUser(browser, 'ada');
  const b = await newUser(browser, 'bob');

  // A creates a room with a passcode and gets the invite link and code.
  await a.page.getByRole('button', { name: 'Create room' }).click();
  const create = a.page.getByRole('dialog', { name: 'Create a room' });
  await create.getByLabel('Name').fill('Organic chemistry');
  await create.getByLabel('Passcode').fill('benzene-ring');
  await create.getByRole('button', { name: 'Create room' }).click();
  await expect(a.page).toHaveURL(/\/rooms\/\d+/);
  const roomId = Number(/\/rooms\/(\d+)/.exec(a.page.url())![1]);

  const ready = a.page.getByRole('dialog', { name: 'Your room is ready' });
  const code = (await ready.getByTestId('invite-code').textContent())!.trim();
  expect(code).toMatch(/^[A-Z0-9]{6}$/);
  const link = await ready.getByTestId('invite-link').inputValue();
  expect(link).toMatch(new RegExp(`/r/${code}$`));
  await ready.getByRole('button', { name: 'Done' }).click();

  // B opens the invite link: a wrong passcode is refused with a visible error.
  await b.page.goto(new URL(link).pathname);
  await expect(b.page.getByRole('heading', { name: 'Organic chemistry' })).toBeVisible();
  await b.page.getByLabel('Passcode').fill('not-the-passcode');
  await b.page.getByRole('button', { name: 'Join room' }).click();
  await expect(b.page.getByTestId('join-error')).toContainText('That passcode is not right');
  await expect(b.page).toHaveURL(/\/r\/[A-Z0-9]{6}$/);

  // The right one admits B, and A sees B arrive without reloading.
  await b.page.getByLabel('Passcode').fill('benzene-ring');
  await b.page.getByRole('button', { name: 'Join room' }).click();
  await expect(b.page).toHaveURL(new RegExp(`/rooms/${roomId}$`));
  await expect(b.page.getByRole('heading', { level: 1, name: 'Organic chemistry' })).toBeVisible();
  await expect(a.page.getByTestId(`member-${b.username}`)).toBeVisible();

  // Chat both ways, live.
  await send(a.page, 'Hello from Ada, shall we start with **alkenes**?');
  await expect(message(b.page, 'Hello from Ada')).toBeVisible();
  await expect(message(b.page, 'Hello from Ada').locator('strong')).toHaveText('alkenes');
  await send(b.page, 'Yes! Reading chapter 7 now.');
  await expect(message(a.page, 'Reading chapter 7 now.')).toBeVisible();

  // HTML is shown as text: no element, no script.
  const payload = '<img src=x onerror=alert(1)>';
  await send(b.page, payload);
  for (const u of [a, b]) {
    const m = message(u.page, payload);
    await expect(m).toBeVisible();
    await expect(m.locator('img')).toHaveCount(0);
    await expect(m.locator('.rich-text')).toHaveText(payload);
  }
  expect(a.dialogs).toEqual([]);
  expect(b.dialogs).toEqual([]);

  // A kicks B from the member menu.
  await a.page.getByRole('button', { name: `Actions for ${b.username}` }).click();
  await a.page.getByRole('menuitem', { name: 'Kick' }).click();
  await a.page.getByRole('dialog', { name: `Kick ${b.username}?` }).getByRole('button', { name: 'Kick' }).click();

  // B is told at once and loses access.
  await expect(b.page.getByTestId('removed-notice')).toContainText('You were removed from this room');
  await expect(a.page.getByTestId(`member-${b.username}`)).toHaveCount(0);
  await b.page.reload();
  await expect(b.page.getByTestId('not-member')).toBeVisible();
  const res = await b.page.request.get(`/api/rooms/${roomId}/messages`);
  expect(res.status()).toBe(403);

  await a.context.close();
  await b.context.close();
});
