/**
 * Live documents in real Chromium: three people type into the same note at once and end with the
 * same text, each seeing the others' named cursors; one goes offline, keeps typing, comes back
 * and everything merges; the preview renders Markdown without raw HTML.
 */
import { expect, test, type Page } from '@playwright/test';
import { docShot, newUserViaApi, type User } from '../fixtures.js';

async function roomOf(owner: User, members: User[], name: string): Promise<number> {
  const r = await owner.context.request.post('/api/rooms', { data: { name } });
  expect(r.status()).toBe(201);
  const { room } = (await r.json()) as { room: { id: number; code: string } };
  for (const m of members) {
    const j = await m.context.request.post(`/api/rooms/${room.id}/join`, { data: { code: room.code } });
    expect(j.status(), await j.text()).toBe(200);
  }
  return room.id;
}

const editor = (p: Page) => p.locator('.cm-content');
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

async function createNote(page: Page, roomId: number, title: string): Promise<number> {
  await page.goto(`/rooms/${roomId}?a=docs`);
  // The Docs chunk (CodeMirror + Yjs) loads on first open: generous on a loaded machine.
  await expect(page.getByTestId('docs-stage')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('doc-new-note').click();
  await page.getByTestId('doc-title-input').fill(title);
  await page.getByTestId('doc-create-submit').click();
  await expect(page.getByTestId('doc-title')).toHaveText(title);
  await expect(page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 30_000 });
  return Number(new URL(page.url()).searchParams.get('doc'));
}

async function openDoc(page: Page, roomId: number, docId: number) {
  await page.goto(`/rooms/${roomId}?a=docs&doc=${docId}`);
  await expect(page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 60_000 });
  await expect(editor(page)).toBeVisible();
}

test('three people type into one note at once, converge, and see each other’s cursors', async ({ browser }) => {
  const [a, b, c] = await Promise.all([newUserViaApi(browser, 'docA'), newUserViaApi(browser, 'docB'), newUserViaApi(browser, 'docC')]);
  const roomId = await roomOf(a, [b, c], 'Notes together');
  const docId = await createNote(a.page, roomId, 'Week 1');
  await Promise.all([openDoc(b.page, roomId, docId), openDoc(c.page, roomId, docId)]);

  // Everyone sees the two others as present.
  for (const u of [a, b, c]) await expect(u.page.getByTestId('doc-person')).toHaveCount(2);

  // One line each (typing at the very same spot would interleave the runs, as any CRDT does).
  await editor(a.page).click();
  await a.page.keyboard.type('A:\nB:\nC:');
  for (const u of [b, c]) await expect.poll(() => editorText(u.page)).toBe('A:\nB:\nC:');
  const lines = { A: 'alpha line from A', B: 'bravo line from B', C: 'charlie line from C' };
  await Promise.all(
    ([[a, 'A', 0], [b, 'B', 1], [c, 'C', 2]] as const).map(async ([u, k, row]) => {
      await editor(u.page).click();
      await u.page.keyboard.press('Control+Home');
      for (let i = 0; i < row; i++) await u.page.keyboard.press('ArrowDown');
      await u.page.keyboard.press('End');
      await u.page.keyboard.type(` ${lines[k]}`, { delay: 15 });
    }),
  );
  for (const u of [a, b, c]) await expect(u.page.getByTestId('doc-status')).toHaveText('Saved');
  await expect.poll(async () => new Set(await Promise.all([a, b, c].map((u) => editorText(u.page)))).size).toBe(1);
  const final = await editorText(a.page);
  expect(final).toBe(`A: ${lines.A}\nB: ${lines.B}\nC: ${lines.C}`);

  // Remote cursors carry the other people's names.
  await expect(a.page.locator('.cm-ySelectionCaret')).toHaveCount(2);
  const names = await a.page.locator('.cm-ySelectionInfo').allTextContents();
  expect(names.sort()).toEqual([b.username, c.username].sort());

  // The export is what everyone sees.
  const exported = await a.context.request.get(`/api/rooms/${roomId}/documents/${docId}/export`);
  expect((await exported.text()).trim()).toBe(final.trim());
  for (const u of [a, b, c]) await u.context.close();
});

test('an offline browser keeps typing, comes back and merges; the preview stays safe', async ({ browser }) => {
  const [a, b] = await Promise.all([newUserViaApi(browser, 'offA'), newUserViaApi(browser, 'offB')]);
  const roomId = await roomOf(a, [b], 'On a train');
  const docId = await createNote(a.page, roomId, 'Trip notes');
  await openDoc(b.page, roomId, docId);

  await editor(a.page).click();
  await a.page.keyboard.type('# Plan\n\n');
  await expect.poll(() => editorText(b.page)).toContain('# Plan');

  await b.context.setOffline(true);
  await expect(b.page.getByTestId('doc-status')).toHaveText(/Offline/, { timeout: 30_000 });
  await editor(b.page).click();
  await b.page.keyboard.press('Control+Home');
  await b.page.keyboard.type('written offline\n');
  await a.page.keyboard.press('Control+End');
  await a.page.keyboard.type('| Day | Topic |\n|---|---|\n| Mon | Graphs |\n');
  await expect(a.page.getByTestId('doc-status')).toHaveText('Saved');

  await b.context.setOffline(false);
  await expect(b.page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 30_000 });
  await expect.poll(async () => (await editorText(a.page)) === (await editorText(b.page))).toBe(true);
  const merged = await editorText(a.page);
  expect(merged).toContain('written offline');
  expect(merged).toContain('| Mon | Graphs |');

  // The preview renders headings, task boxes and tables; HTML stays text.
  await a.page.keyboard.press('Control+End');
  await a.page.keyboard.type('<img src=x onerror="window.pwned=1">\n\n- [x] done');
  const preview = a.page.getByTestId('doc-preview');
  await expect(preview.locator('h1')).toHaveText('Plan');
  await expect(preview.locator('input[type=checkbox]')).toHaveCount(1);
  await expect(preview.locator('table td').first()).toHaveText('Mon');
  await expect(preview).toContainText('<img src=x');
  await expect(preview.locator('img')).toHaveCount(0);
  expect(await a.page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await docShot(a.page, 'docs/screenshots/documents-note.png');
  for (const u of [a, b]) await u.context.close();
});
