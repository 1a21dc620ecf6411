/**
 * The replay shows where each person was typing: the interviewer and the candidate both edit the
 * pad, the session ends, and the replay draws each one's named caret at their latest edit; going
 * back to the start shows only the interviewer's (the starter code).
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
  expect(before[1]!.endsWith('// candidate-was-here')).toBe(true);
  await docShot(host.page, 'docs/screenshots/interview-replay-carets.png');

  // At the first step only the starter exists, written by the interviewer.
  await host.page.getByRole('button', { name: 'Back to the start' }).click();
  await host.page.getByTestId('replay-next').click();
  await expect(code).not.toContainText('candidate-was-here');
  await expect(carets).toHaveCount(1);
  await expect(carets.first()).toHaveAttribute('data-name', host.username);
});
