/** Helpers shared by the end-to-end specs. */
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { E2E_ADMIN } from './global-setup.js';

let counter = 0;

/** A fresh valid username (3-24 chars) per call and run. */
export function uniqueName(prefix: string): string {
  counter += 1;
  const suffix = `${Date.now().toString(36).slice(-5)}${process.pid.toString(36).slice(-2)}${counter}`;
  return `${prefix}_${suffix}`.slice(0, 24);
}

export interface User {
  context: BrowserContext;
  page: Page;
  username: string;
  /** Messages of any `alert()`/`confirm()` the page tried to open. */
  dialogs: string[];
}

/** A new browser context (own cookies) and page that records and dismisses `alert()`/`confirm()`. */
async function freshContext(browser: Browser): Promise<Pick<User, 'context' | 'page' | 'dialogs'>> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { context, page, dialogs };
}

/** A new browser context (own cookies) with a freshly registered user, left on the lobby. */
export async function newUser(browser: Browser, prefix: string): Promise<User> {
  const { context, page, dialogs } = await freshContext(browser);
  const username = uniqueName(prefix);
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
  return { context, page, username, dialogs };
}

/**
 * Like {@link newUser}, but registers over the API (the sign-up form is covered by other specs):
 * quicker on a busy machine, so specs that need many browsers spend their budget on what they test.
 */
export async function newUserViaApi(browser: Browser, prefix: string): Promise<User> {
  const { context, page, dialogs } = await freshContext(browser);
  const username = uniqueName(prefix);
  const res = await context.request.post('/api/auth/register', { data: { username, password: 'correct horse battery' } });
  expect(res.status(), await res.text()).toBe(201);
  return { context, page, username, dialogs };
}

/** Types a message into the composer and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByLabel('Write a message');
  await box.fill(text);
  await box.press('Enter');
}

/** The rendered message whose text contains `text`. */
export function message(page: Page, text: string) {
  return page.getByTestId('message').filter({ hasText: text });
}

/** A creates an open room (no passcode) in the UI; B joins it through the lobby's code box. Both end up inside it. */
export async function sharedRoom(a: Page, b: Page, name: string): Promise<number> {
  await a.getByRole('button', { name: 'Create room' }).click();
  const create = a.getByRole('dialog', { name: 'Create a room' });
  await create.getByLabel('Name').fill(name);
  await create.getByRole('button', { name: 'Create room' }).click();
  const ready = a.getByRole('dialog', { name: 'Your room is ready' });
  const code = (await ready.getByTestId('invite-code').textContent())!.trim();
  await ready.getByRole('button', { name: 'Done' }).click();
  const roomId = Number(/\/rooms\/(\d+)/.exec(a.url())![1]);

  await b.getByLabel('Join with a code').fill(code.toLowerCase());
  await b.getByRole('button', { name: 'Join', exact: true }).click();
  await b.getByRole('button', { name: 'Join room' }).click();
  await expect(b).toHaveURL(new RegExp(`/rooms/${roomId}$`));
  return roomId;
}

/** A fresh browser context signed in as the instance admin (registered by global-setup.ts). */
export async function adminUser(browser: Browser): Promise<User> {
  const { context, page, dialogs } = await freshContext(browser);
  const res = await context.request.post('/api/auth/login', { data: E2E_ADMIN });
  expect(res.status(), await res.text()).toBe(200);
  return { context, page, username: E2E_ADMIN.username, dialogs };
}

/**
 * Saves a screenshot for the docs (docs/screenshots/...) only when SCREENS=1: a normal test run
 * never rewrites tracked files.
 */
export async function docShot(page: Page, path: string, opts: { fullPage?: boolean } = {}): Promise<void> {
  if (process.env.SCREENS) await page.screenshot({ path, ...opts });
}
