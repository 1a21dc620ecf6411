/**
 * Runs a pad's code in a sandboxed Worker (see sandbox.ts) and collects its console output,
 * terminating it at the time limit. Nothing runs on the server.
 */
import { RUN_TIME_LIMIT_MS } from '@protocol/docs-constants.js';
import type { DocRunInput } from '@protocol/docs.js';
import { runInSandbox } from './sandbox';

type Line = DocRunInput['lines'][number];

export async function runCode(code: string, language: DocRunInput['language'], onLine: (l: Line) => void = () => {}, limitMs = RUN_TIME_LIMIT_MS, onPhase?: (phase: 'loading' | 'running') => void): Promise<DocRunInput> {
  const { status, durationMs, lines } = await runInSandbox(code, language, { onLine, limitMs, ...(onPhase ? { onPhase } : {}) });
  return { language, status, durationMs, lines };
}
