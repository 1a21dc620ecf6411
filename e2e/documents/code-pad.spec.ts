/**
 * The code pad in real Chromium: a TypeScript pad runs in a sandboxed Worker in the runner's
 * browser and the output reaches the other person; an endless loop is stopped at the time limit
 * while the editor stays usable; the sandbox has no network.
 */
import { expect, test, type Page } from '@playwright/test';
import { docShot, newUserViaApi } from '../fixtures.js';

const editor = (p: Page) => p.locator('.cm-content');

async function replaceCode(page: Page, code: string) {
  await editor(page).click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // insertText: no auto-indentation or bracket closing in the way.
  await page.keyboard.insertText(code);
  await expect(page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 30_000 });
}

test('run TypeScript in the sandbox, share the output, stop an endless loop, no network', async ({ browser }) => {
  const [a, b] = await Promise.all([newUserViaApi(browser, 'padA'), newUserViaApi(browser, 'padB')]);
  const r = await a.context.request.post('/api/rooms', { data: { name: 'Pairing' } });
  const { room } = (await r.json()) as { room: { id: number; code: string } };
  expect((await b.context.request.post(`/api/rooms/${room.id}/join`, { data: { code: room.code } })).status()).toBe(200);

  await a.page.goto(`/rooms/${room.id}?a=docs`);
  await expect(a.page.getByTestId('docs-stage')).toBeVisible({ timeout: 60_000 });
  await a.page.getByTestId('doc-new-pad').click();
  await a.page.getByTestId('doc-title-input').fill('Two sum');
  await a.page.getByLabel('Language').selectOption('typescript');
  await a.page.getByTestId('doc-create-submit').click();
  await expect(a.page.getByTestId('doc-language')).toHaveValue('typescript', { timeout: 30_000 });
  const docId = Number(new URL(a.page.url()).searchParams.get('doc'));

  await b.page.goto(`/rooms/${room.id}?a=docs&doc=${docId}`);
  await expect(b.page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 60_000 });

  await replaceCode(
    a.page,
    [
      'function twoSum(nums: number[], target: number): number[] {',
      '  const seen = new Map<number, number>();',
      '  for (let i = 0; i < nums.length; i++) {',
      '    const j = seen.get(target - nums[i]);',
      '    if (j !== undefined) return [j, i];',
      '    seen.set(nums[i], i);',
      '  }',
      '  return [];',
      '}',
      'console.log(twoSum([2, 7, 11, 15], 9));',
      'console.error("typeof document:", typeof document);',
    ].join('\n'),
  );
  await a.page.getByTestId('doc-run').click();
  await expect(a.page.getByTestId('doc-console-output')).toContainText('[0,1]');
  // The other person sees the same output, and who ran it.
  await expect(b.page.getByTestId('doc-console-output')).toContainText('[0,1]');
  await expect(b.page.getByTestId('doc-console-output')).toContainText('typeof document: undefined');
  await expect(b.page.getByTestId('doc-run-meta')).toContainText(`${a.username} ran it`);
  await docShot(a.page, 'docs/screenshots/documents-code-pad.png');

  // No network from the sandbox, even to our own origin.
  await replaceCode(a.page, 'try { await fetch("/api/me"); console.log("NETWORK OK"); } catch (e) { console.log("blocked:", String(e)); }\ntry { new WebSocket("ws://127.0.0.1:1"); console.log("WS OK"); } catch (e) { console.log("ws blocked"); }');
  await a.page.getByTestId('doc-run').click();
  await expect(a.page.getByTestId('doc-console-output')).toContainText('blocked:');
  await expect(a.page.getByTestId('doc-console-output')).toContainText('ws blocked');
  await expect(a.page.getByTestId('doc-console-output')).not.toContainText('NETWORK OK');

  // An endless loop is stopped at the time limit; the editor kept working meanwhile.
  await replaceCode(a.page, 'while (true) {}');
  await a.page.getByTestId('doc-run').click();
  await editor(a.page).click();
  await a.page.keyboard.press('Control+End');
  await a.page.keyboard.type(' // still typing');
  await expect(editor(a.page)).toContainText('still typing');
  await expect(a.page.getByTestId('doc-run-meta')).toContainText('timed out', { timeout: 20_000 });
  await expect(b.page.getByTestId('doc-console-output')).toContainText('time limit');
  for (const u of [a, b]) await u.context.close();
});
