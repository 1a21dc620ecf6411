/**
 * The replay shows where each person was: the interviewer and the candidate both edit the pad, the
 * candidate then selects a word without typing, the session ends, and the replay draws each one's
 * named caret — the interviewer's at their latest edit, the candidate's at their selection, which is
 * drawn too (cursor samples recorded from awareness, ADR 0027); going back to the start shows only
 * the interviewer's caret (the starter code).
 */
import { expect, test } from '@playwright/test';
import { docShot, editorOf, interviewOfTwo, newUserViaApi } from '../fixtures.js';

test.setTimeout(600_000);
test('replay draws each person’s caret where they were typing', async ({ browser }) => {
  const [host, cand] = await Promise.all([newUserViaApi(browser, 'rcHost'), newUserViaApi(browser, 'rcCand')]);
  const id = await interviewOfTwo(host, cand, 'Carets', 'Two Sum', 'javascript');

  // The candidate types at the very end; the interviewer adds a comment on top.
  await editorOf(cand.page).click();
  await cand.page.keyboard.press('Control+End');
  await cand.page.keyboard.insertText('\n// candidate-was-here');
  await expect(cand.page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 30_000 });
  await expect(editorOf(host.page)).toContainText('candidate-was-here', { timeout: 30_000 });
  // The candidate selects "was-here" (no edit): the interviewer sees the selection live…
  for (let i = 0; i < 'was-here'.length; i++) await cand.page.keyboard.press('Shift+ArrowLeft');
  await expect(host.page.locator('.cm-ySelection')).toHaveText('was-here', { timeout: 30_000 });
  await editorOf(host.page).click();
  await host.page.keyboard.press('Control+Home');
  await host.page.keyboard.insertText('// interviewer-note\n');
  await expect(host.page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 30_000 });

  expect((await host.context.request.post(`/api/interviews/${id}/end`, { data: {} })).status()).toBe(200);
  await host.page.goto(`/session/${id}/replay`);
  const code = host.page.getByTestId('replay-code');
  await expect(code).toContainText('candidate-was-here', { timeout: 60_000 });
  const carets = host.page.getByTestId('replay-caret');
  await expect(carets).toHaveCount(2);
  // …and the replay shows it, in the candidate's colour.
  const selection = host.page.getByTestId('replay-selection');
  await expect(selection).toHaveText('was-here');
  await expect(selection).toHaveAttribute('data-by', cand.username);
  // In text order: the interviewer's after the comment at the top, the candidate's after their line.
  await expect(carets.nth(0)).toHaveAttribute('data-name', host.username);
  await expect(carets.nth(1)).toHaveAttribute('data-name', cand.username);
  const before = await code.evaluate((pre) => {
    const marks = [...pre.querySelectorAll('[data-testid="replay-caret"]')];
    const textBefore = (el: Element) => {
      const r = document.createRange();
      r.setStart(pre, 0);
      r.setEndBefore(el);
      return r.toString();
    };
    return marks.map(textBefore);
  });
  expect(before[0]).toBe('// interviewer-note\n');
  // The candidate's caret is the selection's head, where the selecting ended.
  expect(before[1]!.endsWith('// candidate-')).toBe(true);
  await docShot(host.page, 'docs/screenshots/interview-replay-carets.png');

  // At the first step only the starter exists, written by the interviewer.
  await host.page.getByRole('button', { name: 'Back to the start' }).click();
  await host.page.getByTestId('replay-next').click();
  await expect(code).not.toContainText('candidate-was-here');
  await expect(carets).toHaveCount(1);
  await expect(carets.first()).toHaveAttribute('data-name', host.username);
  await expect(selection).toHaveCount(0);
  // Stepping back from the end, the selection goes away at the step that made it: a cursor sample
  // of the candidate's (no edit), drawn between the edits.
  const slider = host.page.getByTestId('replay-slider');
  await slider.fill(String(await slider.getAttribute('max')));
  await expect(selection).toHaveCount(1);
  for (let i = 0; i < 200 && (await selection.count()) > 0; i++) await host.page.getByTestId('replay-prev').click();
  await expect(selection).toHaveCount(0);
  await host.page.getByTestId('replay-next').click();
  await expect(selection).toHaveCount(1);
  await expect(host.page.getByTestId('replay-position')).toContainText(`${cand.username} (cursor)`);
});
