/** Helpers shared by the end-to-end specs. */
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { E2E_ADMIN } from './global-setup.js';
import { callFlags } from './chromium.js';

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

// ---- calls (e2e/calls, e2e/sfu): real Chromium with fake camera, microphone and screen ----

export { callFlags };

/** A `test` whose browsers run with the call flags (only the call specs need them). */
export function callTest(flags: string[] = callFlags()) {
  return base.extend({
    launchOptions: [async ({ launchOptions }, use) => use({ ...launchOptions, args: [...(launchOptions.args ?? []), ...flags] }), { scope: 'worker' }],
  });
}

/** `host` creates a room over the API and the guests join it; returns its id. */
export async function callRoomFor(host: User, guests: User[], name = 'Call room'): Promise<number> {
  const r = await host.page.request.post('/api/rooms', { data: { name } });
  expect(r.status()).toBe(201);
  const roomId = (await r.json()).room.id as number;
  for (const g of guests) expect((await g.page.request.post(`/api/rooms/${roomId}/join`, { data: {} })).status()).toBe(200);
  return roomId;
}

/** Opens the room's Call panel (page errors and console errors go to the test output). */
export async function openCall(page: Page, roomId: number, timeout = 60_000): Promise<void> {
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && console.log(`[console] ${m.text()}`));
  await page.goto(`/rooms/${roomId}?a=call`);
  await expect(page.getByRole('heading', { name: 'Call', exact: true })).toBeVisible({ timeout });
}

/** The remote participants' tiles on a page, and one user's tile (found by name: layouts reorder tiles). */
export const remoteTiles = (page: Page) => page.locator('[data-testid="call-tile"][data-self="false"]');
export const remoteTileOf = (page: Page, user: User) => remoteTiles(page).filter({ hasText: user.username });

// ---- documents, code pads and interview sessions ----

/** The shared editor (CodeMirror's content element). */
export const editorOf = (page: Page) => page.locator('.cm-content');

/** Replaces the whole text of the open pad and waits until the server has stored it. */
export async function replaceCode(page: Page, code: string): Promise<void> {
  await editorOf(page).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
  await expect(page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 30_000 });
}

/** `a` creates a room (over the API) and `b` joins it; returns the room's id. */
export async function roomOfTwo(a: User, b: User, name: string): Promise<number> {
  const r = await a.context.request.post('/api/rooms', { data: { name } });
  expect(r.status()).toBe(201);
  const { room } = (await r.json()) as { room: { id: number; code: string } };
  expect((await b.context.request.post(`/api/rooms/${room.id}/join`, { data: { code: room.code } })).status()).toBe(200);
  return room.id;
}

/** Opens the room's documents stage and creates a note or a code pad (in `language`); returns the document's id. */
export async function createDoc(page: Page, roomId: number, title: string, kind: 'note' | 'pad', language?: string): Promise<number> {
  await page.goto(`/rooms/${roomId}?a=docs`);
  await expect(page.getByTestId('docs-stage')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId(kind === 'note' ? 'doc-new-note' : 'doc-new-pad').click();
  await page.getByTestId('doc-title-input').fill(title);
  if (language) await page.getByLabel('Language').selectOption(language);
  await page.getByTestId('doc-create-submit').click();
  if (language) await expect(page.getByTestId('doc-language')).toHaveValue(language, { timeout: 30_000 });
  else await expect(page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 30_000 });
  return Number(new URL(page.url()).searchParams.get('doc'));
}

/** Opens a document of the room in `page` and waits until it is synced. */
export async function openDoc(page: Page, roomId: number, docId: number): Promise<void> {
  await page.goto(`/rooms/${roomId}?a=docs&doc=${docId}`);
  await expect(page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 60_000 });
}

/**
 * `host` creates an interview session over the API (a bank problem by title) and `candidate`
 * accepts the one-time invite in the browser; both end on the session page. Returns its id.
 */
export async function interviewOfTwo(host: User, candidate: User, name: string, problemTitle: string, language: 'javascript' | 'typescript' | 'python'): Promise<string> {
  const { problems } = (await (await host.context.request.get('/api/interview-problems')).json()) as { problems: { id: number; title: string }[] };
  const problem = problems.find((p) => p.title === problemTitle);
  expect(problem, problemTitle).toBeTruthy();
  const r = await host.context.request.post('/api/interviews', { data: { name, problemId: problem!.id, language } });
  expect(r.status()).toBe(201);
  const { session, invites } = (await r.json()) as { session: { id: string }; invites: { candidate: string } };
  await host.page.goto(`/session/${session.id}`);
  await expect(host.page.getByTestId('session-role')).toHaveText('Interviewer', { timeout: 60_000 });
  await candidate.page.goto(`/session/${session.id}?invite=${invites.candidate}`);
  await expect(candidate.page.getByTestId('session-role')).toHaveText('Candidate', { timeout: 60_000 });
  await expect(candidate.page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 60_000 });
  return session.id;
}
