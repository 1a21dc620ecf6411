import { expect, test, type Page } from '@playwright/test';
import { newUser } from '../fixtures.js';
import { sharedRoom } from './helpers.js';

const texts = (page: Page) => page.getByTestId('todo').getByTestId('todo-text').allTextContents().then((l) => l.map((t) => t.trim()));

test('room to-dos sync both ways: add, check, reorder by keyboard and by drag, edit, delete', async ({ browser }) => {
  const a = await newUser(browser, 'ann');
  const b = await newUser(browser, 'bea');
  await sharedRoom(a.page, b.page, 'Shared to-dos');
  for (const u of [a, b]) await u.page.getByRole('tab', { name: /To-dos/ }).click();

  // A adds three to-dos; B sees them in order.
  const input = a.page.getByTestId('todo-input');
  for (const t of ['Read chapter 3', 'Solve exercises 1-10', 'Flashcards']) {
    await input.fill(t);
    await input.press('Enter');
  }
  await expect.poll(() => texts(b.page)).toEqual(['Read chapter 3', 'Solve exercises 1-10', 'Flashcards']);
  await expect.poll(() => texts(a.page)).toEqual(['Read chapter 3', 'Solve exercises 1-10', 'Flashcards']);

  // B checks one off; A sees it checked.
  await b.page.getByRole('checkbox', { name: 'Done: Read chapter 3' }).check();
  await expect(a.page.getByRole('checkbox', { name: 'Done: Read chapter 3' })).toBeChecked();
  await expect(a.page.getByText('1 of 3 done')).toBeVisible();

  // A moves "Flashcards" to the top with Alt+Up (twice); B sees the new order.
  const flash = a.page.getByTestId('todo').filter({ hasText: 'Flashcards' }).getByTestId('todo-text');
  await flash.focus();
  await a.page.keyboard.press('Alt+ArrowUp');
  await expect(flash).toBeFocused();
  await a.page.keyboard.press('Alt+ArrowUp');
  await expect.poll(() => texts(b.page)).toEqual(['Flashcards', 'Read chapter 3', 'Solve exercises 1-10']);

  // B drags "Solve exercises" to the top; A sees it.
  const solve = b.page.getByTestId('todo').filter({ hasText: 'Solve exercises' });
  const first = b.page.getByTestId('todo').first();
  const box = (await first.boundingBox())!;
  await solve.dragTo(first, { targetPosition: { x: 30, y: 3 } });
  void box;
  await expect.poll(() => texts(a.page)).toEqual(['Solve exercises 1-10', 'Flashcards', 'Read chapter 3']);
  await expect.poll(() => texts(b.page)).toEqual(['Solve exercises 1-10', 'Flashcards', 'Read chapter 3']);

  // A edits inline: new text, assigned to B, due yesterday (overdue).
  await a.page.getByTestId('todo').filter({ hasText: 'Flashcards' }).getByTestId('todo-text').click();
  await a.page.getByLabel('To-do text').fill('Flashcards: chapter 3');
  await a.page.getByLabel('Assignee').selectOption({ label: b.username });
  const y = new Date(Date.now() - 86_400_000);
  const yesterday = `${y.getFullYear()}-${String(y.getMonth() + 1).padStart(2, '0')}-${String(y.getDate()).padStart(2, '0')}`;
  await a.page.getByLabel('Due date').fill(yesterday);
  await a.page.getByRole('button', { name: 'Save', exact: true }).click();
  const edited = b.page.getByTestId('todo').filter({ hasText: 'Flashcards: chapter 3' });
  await expect(edited.getByTestId('todo-due')).toContainText('Overdue');
  await expect(edited).toContainText(b.username);

  // B deletes one from its menu; A sees it go.
  await b.page.getByRole('button', { name: 'Actions for to-do “Read chapter 3”' }).click();
  await b.page.getByRole('menuitem', { name: 'Delete' }).click();
  await expect.poll(() => texts(a.page)).toEqual(['Solve exercises 1-10', 'Flashcards: chapter 3']);

  await a.context.close();
  await b.context.close();
});
