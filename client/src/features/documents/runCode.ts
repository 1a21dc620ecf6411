/**
 * Runs a pad's code in a fresh sandboxed Worker (runner.worker.ts) and collects its console output,
 * terminating it at the time limit. Nothing runs on the server.
 */
import { RUN_LINE_MAX, RUN_OUTPUT_LINES_MAX, RUN_TIME_LIMIT_MS } from '@protocol/docs-constants.js';
import type { DocRunInput } from '@protocol/docs.js';

type Line = DocRunInput['lines'][number];

export function runCode(code: string, language: DocRunInput['language'], onLine: (l: Line) => void = () => {}, limitMs = RUN_TIME_LIMIT_MS): Promise<DocRunInput> {
  return new Promise((resolve) => {
    const lines: Line[] = [];
    const started = performance.now();
    const worker = new Worker(new URL('./runner.worker.ts', import.meta.url), { type: 'module', name: 'code-pad-runner' });
    let finished = false;
    const finish = (status: DocRunInput['status']) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      worker.terminate();
      if (status === 'timeout') lines.push({ stream: 'err', text: `Stopped after ${limitMs / 1000} s (time limit).` });
      resolve({ language, status, durationMs: Math.round(performance.now() - started), lines: lines.slice(-RUN_OUTPUT_LINES_MAX) });
    };
    const timer = setTimeout(() => finish('timeout'), limitMs);
    worker.onmessage = (e: MessageEvent<{ type: 'line'; line: Line } | { type: 'done'; status: 'ok' | 'error' }>) => {
      if (e.data.type === 'line') {
        const line = { stream: e.data.line.stream, text: e.data.line.text.slice(0, RUN_LINE_MAX) };
        if (lines.length < RUN_OUTPUT_LINES_MAX * 4) lines.push(line);
        onLine(line);
      } else finish(e.data.status);
    };
    worker.onerror = (e) => {
      lines.push({ stream: 'err', text: e.message || 'The code could not be started.' });
      finish('error');
    };
    worker.postMessage({ code, language });
  });
}
