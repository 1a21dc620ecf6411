/**
 * "Run tests": the pad's code runs in this browser's sandbox (the same Worker and time limit as a
 * plain run), the function under test is called with each case's arguments, and the return values
 * are compared here with the expected ones. The result is then shared with the session.
 */
import type { Problem, TestRunInput } from '@protocol/interviews.js';
import type { InterviewLanguage } from '@protocol/interviews-constants.js';
import { runInSandbox } from '../documents/sandbox';
import { sameResult } from './compare';

export async function runTests(problem: Problem, code: string, language: InterviewLanguage, onPhase?: (p: 'loading' | 'running') => void): Promise<TestRunInput> {
  const result = await runInSandbox(code, language, {
    tests: { fn: problem.functionName, cases: problem.tests.map((t) => ({ input: t.input })) },
    ...(onPhase ? { onPhase } : {}),
  });
  const cases = result.cases
    .filter((c) => c.index < problem.tests.length)
    .map((c) => ({
      index: c.index,
      pass: c.error === undefined && sameResult(c.got, problem.tests[c.index]!.expected, problem.compare),
      ...(c.got !== undefined ? { got: c.got.slice(0, 500) } : {}),
      ...(c.error !== undefined ? { error: c.error.slice(0, 500) } : {}),
      ms: Math.min(c.ms, 600_000),
    }));
  const output = result.lines.map((l) => l.text).join('\n').slice(0, 2_000);
  return { language, status: result.status, durationMs: Math.min(result.durationMs, 600_000), cases, output };
}
