/**
 * Issue 14 items 3 and 4: an admin reads the audit entry of a kick that was just done, exports
 * the log as CSV (the download holds the row), and watches the Health page's live figures.
 * A normal user gets the 404 page at both. With SCREENS=1 saves docs/screenshots/admin-*.png.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { adminUser, newUserViaApi, docShot } from '../fixtures.js';

test('an admin finds a fresh kick in the audit log and exports it as CSV', async ({ browser }) => {
  const owner = await newUserViaApi(browser, 'aud_own');
  const member = await newUserViaApi(browser, 'aud_mem');
  const admin = await adminUser(browser);

  const created = await owner.context.request.post('/api/rooms', { data: { name: 'Audit hall' } });
  expect(created.status()).toBe(201);
  const room = (await created.json()).room as { id: number; code: string };
  expect((await member.context.request.post(`/api/rooms/${room.id}/join`, { data: { code: room.code } })).status()).toBe(200);
  const me = (await (await member.context.request.get('/api/me')).json()).user as { id: number };
  expect((await owner.context.request.post(`/api/rooms/${room.id}/members/${me.id}/kick`)).status()).toBe(204);

  // A normal user cannot open the section.
  await owner.page.goto('/admin/audit');
  await expect(owner.page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(owner.page.getByRole('heading', { name: 'Audit log' })).toHaveCount(0);

  const page = admin.page;
  await page.goto('/admin/audit');
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await page.getByLabel('Action').selectOption('room.kick');
  await page.getByLabel('Room id').fill(String(room.id));
  await page.getByRole('button', { name: 'Apply' }).click();
  const row = page.getByTestId('audit-row').filter({ hasText: owner.username });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Kicked');
  await expect(row).toContainText(member.username);
  await expect(row).toContainText('127.0.0.1');
  await docShot(page, 'docs/screenshots/admin-audit-log.png', { fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^commonroom-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toBe('id,time_utc,action,actor_id,actor,target_id,target,room_id,ip,detail');
  expect(lines.slice(1)).toHaveLength(1);
  expect(lines[1]).toContain(`,room.kick,`);
  expect(lines[1]).toContain(`,${owner.username},${me.id},${member.username},${room.id},127.0.0.1,`);

  // On a phone the table becomes labelled rows.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(row).toBeVisible();
  await docShot(page, 'docs/screenshots/admin-audit-log-phone.png', { fullPage: true });

  await Promise.all([owner.context.close(), member.context.close(), admin.context.close()]);
});

test('the Health page shows live figures', async ({ browser }) => {
  const admin = await adminUser(browser);
  const page = admin.page;
  await page.goto('/admin/health');
  await expect(page.getByRole('heading', { name: 'Health' })).toBeVisible();
  await expect(page.getByTestId('health-uptime')).toHaveText(/\d+ (s|min|h|d)/);
  await expect(page.getByTestId('health-cpu')).toHaveText(/^\d+\.\d %$/);
  await expect(page.getByTestId('health-memory')).toHaveText(/\d+(\.\d)? (MB|GB)/);
  await expect(page.getByTestId('health-loop')).toHaveText(/^\d+\.\d \/ \d+\.\d ms$/);
  await expect(page.getByTestId('health-db')).toHaveText(/\d+(\.\d)? (KB|MB|GB)/);
  await expect(page.getByTestId('health-disk')).toHaveText(/\d+(\.\d)? (MB|GB|TB)/);
  // The admin's own page holds a socket: the count is live, and follows a second tab.
  await expect.poll(async () => Number(await page.getByTestId('health-sockets').textContent())).toBeGreaterThanOrEqual(1);
  const before = Number(await page.getByTestId('health-sockets').textContent());
  const other = await admin.context.newPage();
  await other.goto('/');
  await expect.poll(async () => Number(await page.getByTestId('health-sockets').textContent())).toBeGreaterThan(before);
  // Figures refresh on their own.
  const stamp = await page.getByText(/^Updated /).textContent();
  await expect(page.getByText(/^Updated /)).not.toHaveText(stamp!);
  await docShot(page, 'docs/screenshots/admin-health.png', { fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId('health-sockets')).toBeVisible();
  await docShot(page, 'docs/screenshots/admin-health-phone.png', { fullPage: true });
  await admin.context.close();
});
