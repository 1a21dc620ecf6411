/**
 * Document history in real Chromium, two people: one writes, names a version, rewrites, then
 * opens the history, reads the old version and its diff against now, and restores it; the other
 * person's open editor shows the restored text live.
 */
import { expect, test, type Page } from '@playwright/test';
import { createDoc, docShot, editorOf as editor, newUserViaApi, openDoc, roomOfTwo } from '../fixtures.js';

/** The editor's text without the remote cursors' name labels (widgets inside the lines). */
const editorText = (p: Page) =>
  editor(p).evaluate((el) =>
    [...el.querySelectorAll('.cm-line')]
      .map((line) => {
        const copy = line.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('.cm-ySelectionCaret').forEach((w) => w.remove());
        return (copy.textContent ?? '').replace(/\u2060|\u200b/g, '');
      })
      .join('\n'),
  );

test('name a version, edit on, view it with its diff, restore it: the other editor follows', async ({ browser }) => {
  test.setTimeout(300_000); // two browsers, each loading the editor chunk, on a loaded 2-core machine
  const [a, b] = await Promise.all([newUserViaApi(browser, 'histA'), newUserViaApi(browser, 'histB')]);
  const roomId = await roomOfTwo(a, b, 'History room');
  const room = { id: roomId };
  const doc = await (await a.context.request.get(`/api/rooms/${room.id}/documents`)).json();
  expect(doc.documents).toEqual([]);

  // A creates the note; B opens it.
  const docId = await createDoc(a.page, room.id, 'Plan', 'note');
  await openDoc(b.page, room.id, docId);

  await editor(a.page).click();
  await a.page.keyboard.type('# Plan\n\nstep one\nkeep this');
  await expect(a.page.getByTestId('doc-status')).toHaveText('Saved');
  await expect.poll(() => editorText(b.page)).toBe('# Plan\n\nstep one\nkeep this');

  // Name it.
  await a.page.getByTestId('doc-history').click();
  await expect(a.page.getByTestId('doc-history-panel')).toBeVisible();
  await a.page.getByTestId('doc-version-name').fill('First draft');
  await a.page.getByTestId('doc-version-save').click();
  await expect(a.page.getByTestId('doc-version')).toHaveText(/First draft/);
  await a.page.getByTestId('doc-history-close').click();

  // Edit more: line two rewritten.
  await editor(a.page).click();
  await a.page.keyboard.press('Control+Home');
  await a.page.keyboard.press('ArrowDown');
  await a.page.keyboard.press('ArrowDown');
  await a.page.keyboard.press('Shift+End');
  await a.page.keyboard.type('totally different');
  await expect(a.page.getByTestId('doc-status')).toHaveText('Saved');
  await expect.poll(() => editorText(b.page)).toBe('# Plan\n\ntotally different\nkeep this');

  // View the version: the diff against now, then its text.
  await a.page.getByTestId('doc-history').click();
  await a.page.getByTestId('doc-version').click();
  const diff = a.page.getByTestId('doc-diff');
  await expect(diff.locator('.row.del')).toHaveText(['−step one']);
  await expect(diff.locator('.row.add')).toHaveText(['+totally different']);
  await expect(a.page.getByTestId('doc-diff-summary')).toContainText('1 line added, 1 removed');
  await docShot(a.page, 'docs/screenshots/documents-history.png');
  await a.page.getByRole('tab', { name: 'Text then' }).click();
  await expect(a.page.getByTestId('doc-version-text')).toHaveText('# Plan\n\nstep one\nkeep this');

  // Restore it: B's open editor follows live.
  await a.page.getByTestId('doc-version-restore').click();
  await a.page.getByRole('dialog').getByRole('button', { name: 'Restore' }).click();
  await expect.poll(() => editorText(b.page)).toBe('# Plan\n\nstep one\nkeep this');
  // The timeline shows the restore by A, and still has the rewrite before it.
  await expect(a.page.getByTestId('doc-session').first()).toContainText('restored “First draft”');
  await a.page.getByTestId('doc-history-close').click();
  await expect.poll(() => editorText(a.page)).toBe('# Plan\n\nstep one\nkeep this');

  // B, reading the history, sees the same.
  await b.page.getByTestId('doc-history').click();
  await expect(b.page.getByTestId('doc-session').first()).toContainText('histA');
  await expect(b.page.getByTestId('doc-session').first()).toContainText('restored “First draft”');
  await b.page.setViewportSize({ width: 390, height: 844 });
  await b.page.getByTestId('doc-version').click();
  await expect(b.page.getByTestId('doc-diff-summary')).toContainText('same as this version');
  await docShot(b.page, 'docs/screenshots/documents-history-phone.png');
});
