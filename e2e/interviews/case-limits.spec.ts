/**
 * "Run tests" with a time limit per test case, in JavaScript and in Python: the candidate's code
 * never returns for one case; that case is reported as "Time limit exceeded", the other cases still
 * run, and the interviewer sees the same results.
 */
import { expect, test } from '@playwright/test';
import { docShot, interviewOfTwo, newUserViaApi, replaceCode } from '../fixtures.js';

// Two Sum's cases: only the second one has three numbers.
const JS = [
  'console.log("top level runs");',
  'function twoSum(nums, target) {',
  '  if (nums.length === 3) while (true) {}',
  '  const seen = new Map();',
  '  for (let i = 0; i < nums.length; i++) { if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i]; seen.set(nums[i], i); }',
  '  return [];',
  '}',
].join('\n');
const PY = [
  'def twoSum(nums, target):',
  '    if len(nums) == 3:',
  '        while True:',
  '            pass',
  '    seen = {}',
  '    for i, n in enumerate(nums):',
  '        if target - n in seen:',
  '            return [seen[target - n], i]',
  '        seen[n] = i',
  '    return []',
].join('\n');

// Python loads twice here (first run, then a fresh Worker after the runaway case): minutes on a busy machine.
test.setTimeout(900_000);
test('a runaway test case is stopped at its own limit and the others still run (JavaScript, Python)', async ({ browser }) => {
  const [host, cand] = await Promise.all([newUserViaApi(browser, 'tlHost'), newUserViaApi(browser, 'tlCand')]);

  for (const [language, code] of [['javascript', JS], ['python', PY]] as const) {
    await interviewOfTwo(host, cand, `Limits ${language}`, 'Two Sum', language);
    await replaceCode(cand.page, code);
    await cand.page.getByTestId('run-tests').click();
    for (const u of [cand, host]) {
      await expect(u.page.getByTestId('test-summary')).toContainText('4 / 5 passed', { timeout: 600_000 });
      const rows = u.page.getByTestId('test-case');
      await expect(rows).toHaveCount(5);
      await expect(rows.nth(1)).toContainText('Time limit exceeded');
      for (const i of [0, 2, 3, 4]) await expect(rows.nth(i)).toHaveClass(/pass/);
    }
    // The top level ran again in the fresh Worker, but its output is shown once.
    if (language === 'javascript') await expect(host.page.getByTestId('test-results').locator('.output')).toHaveText('top level runs');
    if (language === 'javascript') await docShot(cand.page, 'docs/screenshots/interview-case-time-limit.png');
  }
});
