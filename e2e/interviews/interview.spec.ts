/**
 * An interview from invite to replay in real Chromium: the host creates a session, the candidate
 * joins with the one-time link and an observer with theirs, the candidate writes code and runs the
 * tests (everyone sees the results), the host writes notes and a scorecard that never reach the
 * candidate's or the observer's browser (every HTTP body and WebSocket frame they receive is
 * checked), the session ends, the history lists it and the replay scrubs through the typing.
 */
import { expect, test, type Page } from '@playwright/test';
import { docShot, newUserViaApi, type User } from '../fixtures.js';

const SECRET = 'PRIVATE-NOTE-91c2 hesitant on complexity';
// One line, typed key by key (no auto-indentation in the way; closing brackets are typed over).
const SOLUTION =
  'function twoSum(nums, target) { const seen = new Map(); for (let i = 0; i < nums.length; i++) { if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i]; seen.set(nums[i], i); } return []; }';

/** Records every response body and WebSocket frame a page receives. */
function capture(u: User): string[] {
  const got: string[] = [];
  u.page.on('response', async (r) => {
    // Our own JavaScript chunks name the scorecard's fields; data is what must never carry them.
    if (new URL(r.url()).pathname.startsWith('/assets/')) return;
    try {
      got.push(`${r.url()} ${await r.text()}`);
    } catch {
      /* bodies of redirects and aborted requests */
    }
  });
  u.page.on('websocket', (ws) => ws.on('framereceived', (f) => got.push(typeof f.payload === 'string' ? f.payload : f.payload.toString('latin1'))));
  return got;
}

const editor = (p: Page) => p.locator('.cm-content');

test('host → candidate invite → code → tests → private scorecard → end → history → replay', async ({ browser }) => {
  // Four browsers on a busy 2-core machine: about 5 minutes here.
  test.setTimeout(600_000);
  const [host, cand, obs, thief] = await Promise.all([newUserViaApi(browser, 'ivHost'), newUserViaApi(browser, 'ivCand'), newUserViaApi(browser, 'ivObs'), newUserViaApi(browser, 'ivThief')]);
  const candSeen = capture(cand);
  const obsSeen = capture(obs);

  // The host starts a session from the lobby's Interviews page.
  await host.page.goto('/');
  await host.page.getByTestId('nav-interviews').first().click();
  await expect(host.page.getByTestId('interviews-page')).toBeVisible({ timeout: 60_000 });
  await host.page.getByTestId('new-session-name').fill('Frontend loop');
  await host.page.getByTestId('new-session-problem').selectOption({ label: 'Two Sum (easy)' });
  await host.page.getByTestId('new-session-language').selectOption('javascript');
  await host.page.getByTestId('new-session-submit').click();
  await expect(host.page.getByTestId('session-role')).toHaveText('Interviewer', { timeout: 60_000 });
  const candidateLink = (await host.page.getByTestId('invite-candidate').textContent())!;
  const observerLink = (await host.page.getByTestId('invite-observer').textContent())!;
  expect(candidateLink).toContain('/session/');

  // The candidate accepts the one-time invite; the link then belongs to them.
  await cand.page.goto(candidateLink);
  await expect(cand.page.getByTestId('session-role')).toHaveText('Candidate', { timeout: 60_000 });
  await expect(cand.page).not.toHaveURL(/invite=/);
  await thief.page.goto(candidateLink);
  await expect(thief.page.getByTestId('session-error')).toContainText('already been used', { timeout: 60_000 });
  await obs.page.goto(observerLink);
  await expect(obs.page.getByTestId('session-role')).toHaveText('Observer', { timeout: 60_000 });
  await expect(cand.page.getByTestId('session-problem')).toContainText('indices');

  // The candidate writes a solution; everyone sees it; the observer cannot edit or run.
  await expect(cand.page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 60_000 });
  await editor(cand.page).click();
  await cand.page.keyboard.press('Control+A');
  await cand.page.keyboard.press('Delete');
  await cand.page.keyboard.type(SOLUTION);
  await expect(cand.page.getByTestId('doc-status')).toHaveText('Saved', { timeout: 30_000 });
  await expect(editor(obs.page)).toContainText('seen.set(nums[i], i)', { timeout: 30_000 });
  await expect(obs.page.getByTestId('run-tests')).toHaveCount(0);
  await expect(obs.page.locator('.readonly')).toBeVisible();

  // Timer, started by the host, runs for everyone.
  await host.page.getByTestId('timer-start').click();
  await expect(cand.page.getByTestId('session-timer')).not.toHaveText(/0:00$/, { timeout: 20_000 });

  await cand.page.getByTestId('run-tests').click();
  for (const u of [cand, host, obs]) await expect(u.page.getByTestId('test-summary')).toContainText('5 / 5 passed', { timeout: 60_000 });
  await docShot(cand.page, 'docs/screenshots/interview-session-candidate.png');

  // The host's private notes and scorecard.
  await host.page.getByRole('tab', { name: 'Notes' }).click();
  await host.page.getByTestId('private-notes').fill(SECRET);
  await host.page.getByTestId('rate-coding-3').click();
  await host.page.getByTestId('rate-communication-4').click();
  await host.page.getByTestId('private-recommendation').selectOption('yes');
  await host.page.getByTestId('private-save').click();
  await expect(host.page.getByTestId('private-state')).toHaveText('Saved');
  await docShot(host.page, 'docs/screenshots/interview-session-host.png');
  await expect(cand.page.getByRole('tab', { name: 'Notes' })).toHaveCount(0);
  // The candidate keeps working after the notes exist (a run shared with everyone).
  await cand.page.getByTestId('run-tests').click();
  await expect(obs.page.getByTestId('test-summary')).toContainText('5 / 5 passed');

  // The host ends the session.
  await host.page.getByTestId('session-end').click();
  await host.page.getByRole('dialog').getByRole('button', { name: 'End interview' }).click();
  await expect(host.page.getByTestId('session-ended')).toBeVisible();
  await expect(cand.page.getByText('This interview has ended')).toBeVisible({ timeout: 30_000 });
  await cand.page.reload();
  await expect(cand.page.getByTestId('session-error')).toBeVisible({ timeout: 60_000 });

  // Nothing the candidate or the observer received held the notes or the scorecard.
  for (const seen of [candSeen, obsSeen]) {
    const all = seen.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain('PRIVATE-NOTE');
    expect(all).not.toMatch(/recommendation|scorecard/i);
  }
  for (const u of [cand, obs]) await expect(u.page.locator('body')).not.toContainText('PRIVATE-NOTE');

  // History lists the session with its results and scorecard.
  await host.page.goto('/interviews');
  const row = host.page.getByTestId('history-row').first();
  await expect(row).toContainText('Two Sum');
  await expect(row).toContainText(cand.username);
  await expect(row.getByTestId('history-tests')).toContainText('5/5');
  await expect(row.getByTestId('history-score')).toContainText('Yes');

  // The replay scrubs through the typing, with the runs marked.
  await row.getByTestId('history-replay').click();
  await expect(host.page.getByTestId('replay-page')).toBeVisible();
  await expect(host.page.getByTestId('replay-code')).toContainText('seen.set(nums[i], i)');
  await expect(host.page.getByTestId('replay-run-mark')).toHaveCount(2);
  const slider = host.page.getByTestId('replay-slider');
  const max = Number(await slider.getAttribute('max'));
  expect(max).toBeGreaterThan(10);
  await slider.fill('1');
  await expect(host.page.getByTestId('replay-code')).toContainText('function twoSum(nums, target)');
  await expect(host.page.getByTestId('replay-code')).not.toContainText('seen.set');
  // Step by step forwards: the text grows keystroke by keystroke (cursor samples are steps too).
  const lengths: number[] = [];
  for (let i = 0; i < 10; i++) {
    await host.page.getByTestId('replay-next').click();
    lengths.push(((await host.page.getByTestId('replay-code').textContent()) ?? '').length);
  }
  expect(new Set(lengths).size).toBeGreaterThan(1);
  await slider.fill(String(max));
  await expect(host.page.getByTestId('replay-code')).toContainText('return [];');
  await docShot(host.page, 'docs/screenshots/interview-replay.png');
  for (const u of [host, cand, obs, thief]) await u.context.close();
});
