/**
 * A member reports a message and a person; the room's owner (a moderator) sees the badge, opens
 * the Reports tab, deletes the message and mutes the sender from the queue.
 */
import { expect, test } from '@playwright/test';
import { message, newUser, newUserViaApi, sharedRoom, docShot } from '../fixtures.js';

test('a member reports; a moderator deletes the message and mutes the sender', async ({ browser }) => {
  const mod = await newUser(browser, 'mod');
  const reporter = await newUserViaApi(browser, 'rep');
  await reporter.page.goto('/');
  const roomId = await sharedRoom(mod.page, reporter.page, 'Report hall');

  // The spammer acts over the API only (a third browser page is not needed to be reported).
  const spammer = await newUserViaApi(browser, 'spam');
  const code = (await (await mod.context.request.get(`/api/rooms/${roomId}`)).json()).room.code as string;
  expect((await spammer.context.request.post(`/api/rooms/${roomId}/join`, { data: { code } })).status()).toBe(200);
  const spam = 'Buy cheap followers at spam.example';
  expect((await spammer.context.request.post(`/api/rooms/${roomId}/messages`, { data: { text: spam } })).status()).toBe(201);

  // The member reports the message from its toolbar.
  const msg = message(reporter.page, spam);
  await msg.hover();
  await msg.getByRole('button', { name: 'Report message' }).click();
  const dialog = reporter.page.getByRole('dialog', { name: 'Report message' });
  await dialog.getByLabel('Spam').check();
  await dialog.getByLabel(/Anything the moderators should know/).fill('Third time today');
  await dialog.getByRole('button', { name: 'Send report' }).click();
  await expect(reporter.page.getByText('Thanks, your report was sent')).toBeVisible();
  // Plain members have no Reports tab.
  await expect(reporter.page.getByRole('button', { name: /^Reports/ })).toHaveCount(0);

  // The moderator sees the badge arrive live and opens the queue.
  await expect(mod.page.getByTestId('badge-reports')).toHaveText(/^1/);
  await mod.page.getByRole('button', { name: /^Reports/ }).click();
  const queue = mod.page.getByTestId('report-queue');
  await queue.getByRole('button', { name: /Spam/ }).first().click();
  await expect(queue.getByTestId('report-message')).toContainText(spam);
  await expect(queue.getByText('Third time today')).toBeVisible();
  await queue.getByRole('button', { name: 'Delete message' }).click();
  await expect(queue.getByTestId('report-action')).toContainText('deleted the message');
  await expect(message(reporter.page, spam)).toHaveCount(0);
  await expect(mod.page.getByTestId('badge-reports')).toHaveCount(0);

  // The member reports the person from the member list; the moderator mutes them from the queue.
  const spammerName = spammer.username;
  await reporter.page.getByRole('button', { name: `Actions for ${spammerName}` }).click();
  await reporter.page.getByRole('menuitem', { name: 'Report…' }).click();
  const dialog2 = reporter.page.getByRole('dialog', { name: `Report ${spammerName}` });
  await dialog2.getByLabel('Harassment').check();
  await dialog2.getByRole('button', { name: 'Send report' }).click();
  await expect(mod.page.getByTestId('badge-reports')).toHaveText(/^1/);
  await queue.getByRole('button', { name: /Harassment/ }).click();
  await queue.getByLabel('Duration of a mute or ban').selectOption({ label: '15 minutes' });
  await queue.getByRole('button', { name: 'Mute' }).click();
  await expect(queue.getByTestId('report-action')).toContainText('muted them for 15 minutes');
  const refused = await spammer.context.request.post(`/api/rooms/${roomId}/messages`, { data: { text: 'still here' } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe('MUTED');

  await queue.getByRole('tab', { name: 'Closed' }).click();
  await expect(queue.getByRole('button', { name: /Harassment/ })).toBeVisible();
  await queue.getByRole('button', { name: /Spam/ }).click();
  await docShot(mod.page, 'docs/screenshots/reports-queue.png');

  for (const u of [mod, reporter, spammer]) await u.context.close();
});
