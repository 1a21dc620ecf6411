/**
 * Issue 14 item 1 (instance settings), on a private server so the shared one keeps open
 * registration and no banner: invite-only registration with an admin-made code, and an
 * announcement banner that appears live on another user's open page and can be dismissed.
 */
import { expect, test, type Browser, type BrowserContext } from '@playwright/test';
import { docShot } from '../fixtures.js';
import { startIsolatedServer, type IsolatedServer } from '../isolated-server.js';

let server: IsolatedServer;
test.beforeAll(async () => {
  server = await startIsolatedServer(2);
});
test.afterAll(async () => {
  await server?.stop();
});

async function signedIn(browser: Browser, username: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: server.url });
  const res = await context.request.post('/api/auth/register', { data: { username, password: 'correct horse battery' } });
  expect(res.status(), await res.text()).toBe(201);
  return context;
}

test('invite-only registration with a code, and a live announcement banner', async ({ browser }) => {
  // The first account on the fresh server is its admin.
  const adminCtx = await signedIn(browser, 'founder');
  const memberCtx = await signedIn(browser, 'member');
  const admin = await adminCtx.newPage();
  await admin.goto('/admin/settings');
  await expect(admin.getByRole('heading', { name: 'Settings' })).toBeVisible();

  // Invite-only, and a code for a newcomer.
  await admin.getByRole('radio', { name: /Invite-only/ }).check();
  await admin.getByRole('button', { name: 'Save registration' }).click();
  await expect(admin.getByText('Registration updated')).toBeVisible();
  await admin.getByLabel('Note').fill('for newbie');
  await admin.getByLabel('Uses').fill('1');
  await admin.getByRole('button', { name: 'Make invite code' }).click();
  const code = (await admin.getByTestId('invite-code-made').textContent())!.trim();
  expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  await expect(admin.getByRole('table', { name: 'Invite codes' }).getByRole('row')).toHaveCount(2);

  // The register page asks for the code; a wrong one is refused with a clear message.
  const guestCtx = await browser.newContext({ baseURL: server.url });
  const guest = await guestCtx.newPage();
  await guest.goto('/register');
  await guest.getByLabel('Username').fill('newbie');
  await guest.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await guest.getByLabel('Invite code').fill('AAAA-BBBB-CCCC');
  await guest.getByRole('button', { name: 'Create account' }).click();
  await expect(guest.getByRole('alert')).toHaveText('That invite code is not valid (wrong, used up or expired).');
  await guest.getByLabel('Invite code').fill(code.toLowerCase());
  await docShot(guest, 'docs/screenshots/register-invite.png');
  await guest.getByRole('button', { name: 'Create account' }).click();
  await expect(guest.getByRole('heading', { name: 'Your rooms' })).toBeVisible();

  // A member's open page gets the banner live when the admin publishes it.
  const member = await memberCtx.newPage();
  await member.goto('/');
  await expect(member.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
  await expect(member.getByTestId('announcement')).toHaveCount(0);
  await admin.getByRole('textbox', { name: 'Message', exact: true }).fill('Maintenance tonight at 22:00 UTC');
  await admin.getByRole('button', { name: 'Publish announcement' }).click();
  await expect(member.getByTestId('announcement')).toHaveText(/Maintenance tonight at 22:00 UTC/);
  await docShot(admin, 'docs/screenshots/admin-settings.png', { fullPage: true });
  await docShot(member, 'docs/screenshots/announcement.png');

  // Dismissed in this browser, and it stays dismissed after a reload.
  await member.getByRole('button', { name: 'Dismiss announcement' }).click();
  await expect(member.getByTestId('announcement')).toHaveCount(0);
  await member.reload();
  await expect(member.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
  await expect(member.getByTestId('announcement')).toHaveCount(0);

  // Closed: the register page says so and the button is off.
  await admin.getByRole('radio', { name: /Closed/ }).check();
  await admin.getByRole('button', { name: 'Save registration' }).click();
  await expect(admin.getByText('Registration updated')).toBeVisible();
  const lateCtx = await browser.newContext({ baseURL: server.url });
  const late = await lateCtx.newPage();
  await late.goto('/register');
  await expect(late.getByText('Registration is closed on this server.')).toBeVisible();
  await expect(late.getByRole('button', { name: 'Create account' })).toBeDisabled();
  for (const c of [adminCtx, memberCtx, guestCtx, lateCtx]) await c.close();
});
