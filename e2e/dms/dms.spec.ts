/**
 * Issue 13 #1: direct messages between three people who share a room — a 1:1 both ways with the
 * typing indicator and unread badges arriving live, then a group conversation of three.
 */
import { expect, test, type Page } from '@playwright/test';
import { message, newUserViaApi, send, type User } from '../fixtures.js';

test.describe.configure({ mode: 'serial', timeout: 180_000 });

let ann: User;
let bob: User;
let cat: User;
let roomId: number;

test.beforeAll(async ({ browser }) => {
  [ann, bob, cat] = await Promise.all([newUserViaApi(browser, 'ann'), newUserViaApi(browser, 'bob'), newUserViaApi(browser, 'cat')]);
  const created = await ann.context.request.post('/api/rooms', { data: { name: 'Library' } });
  expect(created.status()).toBe(201);
  const room = (await created.json()).room as { id: number; code: string };
  roomId = room.id;
  for (const u of [bob, cat]) expect((await u.context.request.post(`/api/rooms/${room.id}/join`, { data: { code: room.code } })).status()).toBe(200);
});
test.afterAll(async () => {
  for (const u of [ann, bob, cat]) await u?.context.close();
});

const navBadge = (page: Page) => page.getByTestId('dm-nav-unread');
const listItem = (page: Page, ...usernames: string[]) => page.getByTestId(`dm-item-${usernames.join('-')}`);

test('a 1:1 both ways: Message from the member list, live unread badges, typing, replies', async () => {
  await Promise.all([bob.page.goto('/'), ann.page.goto(`/rooms/${roomId}`)]);
  await expect(bob.page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
  await expect(bob.page.getByTestId('dm-list')).toContainText('No conversations yet');

  // Ann starts it from the member list.
  await ann.page.getByTestId(`message-${bob.username}`).click();
  await expect(ann.page).toHaveURL(/\/dm\/\d+$/);
  await expect(ann.page.getByTestId('dm-title')).toHaveText(bob.username);
  // No room activities, codes or moderation in a conversation.
  await expect(ann.page.getByRole('navigation', { name: 'Room activities' })).toHaveCount(0);
  await send(ann.page, 'Hi **Bob**, notes from today?');
  await expect(message(ann.page, 'notes from today?')).toBeVisible();

  // Bob, on the lobby, sees the new conversation and its unread count arrive without a reload.
  await expect(navBadge(bob.page)).toHaveText(/^1/);
  await expect(listItem(bob.page, ann.username).getByTestId('dm-unread')).toHaveText(/^1/);
  await expect(listItem(bob.page, ann.username)).toContainText('notes from today?');

  await listItem(bob.page, ann.username).click();
  await expect(message(bob.page, 'notes from today?')).toBeVisible();
  await expect(message(bob.page, 'notes from today?').locator('strong')).toHaveText('Bob');
  await expect(navBadge(bob.page)).toHaveCount(0);
  await expect(bob.page.getByTestId('dm-status')).toHaveText('Online');

  // Typing shows on the other side, both ways.
  await bob.page.getByLabel('Write a message').press('S');
  await expect(ann.page.getByTestId('typing-indicator')).toContainText(`${bob.username} is typing`);
  await bob.page.getByLabel('Write a message').fill('');
  await send(bob.page, 'Sure, sending them now');
  await expect(message(ann.page, 'sending them now')).toBeVisible();
  await ann.page.getByLabel('Write a message').press('T');
  await expect(bob.page.getByTestId('typing-indicator')).toContainText(`${ann.username} is typing`);
  await ann.page.getByLabel('Write a message').fill('');

  // Ann goes back to the lobby; Bob's next message gives her a badge there.
  await ann.page.goto('/');
  await expect(ann.page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
  await send(bob.page, 'Here they are');
  await expect(navBadge(ann.page)).toHaveText(/^1/);
  await expect(listItem(ann.page, bob.username)).toContainText('Here they are');
  await listItem(ann.page, bob.username).click();
  await expect(message(ann.page, 'Here they are')).toBeVisible();
  await expect(navBadge(ann.page)).toHaveCount(0);
});

test('a group conversation of three, started from the new-message dialog', async () => {
  await Promise.all([bob.page.goto('/'), cat.page.goto('/')]);
  await ann.page.getByTestId('dm-new').first().click();
  const dialog = ann.page.getByRole('dialog', { name: 'New message' });
  await dialog.getByLabel('Search people').fill(bob.username.slice(0, 5));
  await dialog.getByTestId(`dm-pick-${bob.username}`).click();
  await dialog.getByLabel('Search people').fill('');
  await dialog.getByTestId(`dm-pick-${cat.username}`).click();
  await dialog.getByTestId('dm-start').click();
  await expect(ann.page).toHaveURL(/\/dm\/\d+$/);
  await expect(ann.page.getByTestId('dm-status')).toContainText('3 people');
  await send(ann.page, 'Study group: quiz on Friday');

  for (const u of [bob, cat]) {
    const others = [ann, bob, cat].filter((x) => x !== u).map((x) => x.username);
    const item = u.page.getByTestId('dm-list').locator(`[data-testid^="dm-item-"]`).filter({ hasText: 'quiz on Friday' });
    await expect(item).toBeVisible();
    await expect(item.getByTestId('dm-unread')).toHaveText(/^1/);
    await expect(item).toContainText(others[0]!);
  }
  await cat.page.getByTestId('dm-list').locator('[data-testid^="dm-item-"]').filter({ hasText: 'quiz on Friday' }).click();
  await expect(message(cat.page, 'quiz on Friday')).toBeVisible();
  await send(cat.page, 'I will bring flashcards');
  await expect(message(ann.page, 'bring flashcards')).toBeVisible();
  await bob.page.getByTestId('dm-list').locator('[data-testid^="dm-item-"]').filter({ hasText: 'flashcards' }).click();
  await expect(message(bob.page, 'quiz on Friday')).toBeVisible();
  await expect(message(bob.page, 'bring flashcards')).toBeVisible();
  if (process.env.SCREENS) {
    await ann.page.screenshot({ path: '.tmp/screens/dm-desktop-group.png' });
    await ann.page.goto('/');
    await expect(ann.page.getByTestId('dm-list')).toContainText('flashcards');
    await ann.page.screenshot({ path: '.tmp/screens/dm-desktop-lobby.png' });
    await bob.page.setViewportSize({ width: 390, height: 780 });
    await bob.page.goto('/dm');
    await expect(bob.page.getByTestId('dm-list')).toContainText('flashcards');
    await bob.page.screenshot({ path: '.tmp/screens/dm-phone-list.png' });
    await bob.page.getByTestId('dm-list').locator('[data-testid^="dm-item-"]').first().click();
    await expect(message(bob.page, 'flashcards')).toBeVisible();
    await bob.page.screenshot({ path: '.tmp/screens/dm-phone-conversation.png' });
    await bob.page.getByRole('button', { name: 'Conversation actions' }).click();
    await bob.page.screenshot({ path: '.tmp/screens/dm-phone-menu.png' });
    await bob.page.keyboard.press('Escape');
    await bob.page.goto('/');
    await expect(bob.page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
    await bob.page.screenshot({ path: '.tmp/screens/dm-phone-lobby.png' });
    await bob.page.goto(`/rooms/${roomId}`);
    await expect(bob.page.getByTestId('dm-nav')).toBeVisible();
    await bob.page.screenshot({ path: '.tmp/screens/dm-phone-room.png' });
    await bob.page.setViewportSize({ width: 1280, height: 800 });
    await ann.page.getByTestId('dm-new').first().click();
    await expect(ann.page.getByTestId(`dm-pick-${bob.username}`)).toBeVisible();
    await ann.page.screenshot({ path: '.tmp/screens/dm-desktop-new.png' });
    await ann.page.keyboard.press('Escape');
  }
});

test('block from the conversation menu: the 1:1 leaves the list and the other side is refused; unblock from the profile', async () => {
  await Promise.all([bob.page.goto('/dm'), ann.page.goto('/dm')]);
  await listItem(bob.page, ann.username).click();
  await bob.page.getByRole('button', { name: 'Conversation actions' }).click();
  await bob.page.getByRole('menuitem', { name: new RegExp(`^Block ${ann.username}`) }).click();
  await bob.page.getByRole('dialog', { name: `Block ${ann.username}?` }).getByRole('button', { name: 'Block', exact: true }).click();
  await expect(bob.page).toHaveURL(/\/dm$/);
  await expect(listItem(bob.page, ann.username)).toHaveCount(0);

  await listItem(ann.page, bob.username).click();
  await send(ann.page, 'are you there?');
  await expect(ann.page.getByText('does not accept messages from you')).toBeVisible();

  await bob.page.getByRole('button', { name: 'Your profile and settings' }).click();
  const profile = bob.page.getByRole('dialog', { name: 'Your profile' });
  await expect(profile.getByTestId('blocked-list')).toContainText(ann.username);
  await profile.getByRole('button', { name: `Unblock ${ann.username}` }).click();
  await expect(profile.getByTestId('blocked-list')).toContainText('Nobody');
  await profile.getByRole('button', { name: 'Cancel' }).click();
  // The conversation comes back, history intact.
  await listItem(bob.page, ann.username).click();
  await expect(message(bob.page, 'Here they are')).toBeVisible();
});

test('a group grows and shrinks: add someone from the menu, someone leaves', async ({ browser }) => {
  const dan = await newUserViaApi(browser, 'dan');
  try {
    const room = (await (await ann.context.request.get(`/api/rooms/${roomId}`)).json()).room as { code: string };
    expect((await dan.context.request.post(`/api/rooms/${roomId}/join`, { data: { code: room.code } })).status()).toBe(200);
    await Promise.all([ann.page.goto('/dm'), cat.page.goto('/dm'), dan.page.goto('/dm')]);
    const group = (page: Page) => page.getByTestId('dm-list').locator('[data-testid^="dm-item-"]').filter({ hasText: 'flashcards' });
    await group(ann.page).click();
    await ann.page.getByRole('button', { name: 'Conversation actions' }).click();
    await ann.page.getByRole('menuitem', { name: /^Add people/ }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'Add people' });
    await expect(dialog.getByTestId(`dm-pick-${bob.username}`)).toHaveCount(0);
    await dialog.getByTestId(`dm-pick-${dan.username}`).click();
    await dialog.getByTestId('dm-start').click();
    await expect(ann.page.getByTestId('dm-status')).toContainText('4 people');
    // Dan gets it live and reads the history.
    await group(dan.page).click();
    await expect(message(dan.page, 'quiz on Friday')).toBeVisible();

    await group(cat.page).click();
    await cat.page.getByRole('button', { name: 'Conversation actions' }).click();
    await cat.page.getByRole('menuitem', { name: 'Leave conversation' }).click();
    await cat.page.getByRole('dialog', { name: 'Leave this conversation?' }).getByRole('button', { name: 'Leave', exact: true }).click();
    await expect(cat.page).toHaveURL(/\/dm$/);
    await expect(group(cat.page)).toHaveCount(0);
    await expect(ann.page.getByTestId('dm-status')).toContainText('3 people');
    await expect(ann.page.getByTestId('dm-title')).not.toContainText(cat.username);
  } finally {
    await dan.context.close();
  }
});
