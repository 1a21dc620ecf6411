/**
 * Runs code in a sandboxed Worker in this browser and collects its console output (and, with
 * `tests`, each test case's return value), terminating the Worker at the time limit. JavaScript
 * and TypeScript get a fresh Worker per run (runner.worker.ts). Python loads Pyodide once, only
 * when a Python run is asked for, into a Worker kept warm between runs (python-runner.worker.ts);
 * the time limit starts once Python is up. With tests, each case has its own limit: a case that
 * runs over it is "Time limit exceeded", its Worker is terminated (the only way to stop a busy
 * thread) and a fresh one runs the code again and goes on from the next case. Nothing runs on the server.
 */
import { CASE_TIME_LIMIT_MS, PYODIDE_LOAD_LIMIT_MS, PYODIDE_VERSION, RUN_LINE_MAX, RUN_OUTPUT_LINES_MAX, RUN_TIME_LIMIT_MS } from '@protocol/docs-constants.js';
import type { FromSandbox, SandboxLine, SandboxTests, ToSandbox } from './sandboxMessages';

export type SandboxLanguage = 'javascript' | 'typescript' | 'python';
export interface CaseOutcome {
  index: number;
  /** The function's return value as JSON. */
  got?: string;
  error?: string;
  ms: number;
}
export interface SandboxResult {
  language: SandboxLanguage;
  status: 'ok' | 'error' | 'timeout';
  durationMs: number;
  lines: SandboxLine[];
  cases: CaseOutcome[];
}
export interface SandboxOptions {
  onLine?: (l: SandboxLine) => void;
  onCase?: (c: CaseOutcome) => void;
  /** 'loading' while Python downloads and starts (first Python run only), then 'running'. */
  onPhase?: (phase: 'loading' | 'running') => void;
  /** The top level's limit (a plain run: the whole run's). */
  limitMs?: number;
  /** With tests: each case's own limit. */
  caseLimitMs?: number;
  tests?: SandboxTests;
}

/** Starting a JavaScript Worker (module load) may take this long before the run's own limit starts. */
const WORKER_START_LIMIT_MS = 60_000;

export const PYODIDE_BASE = `/pyodide/${PYODIDE_VERSION}/`;
const PYODIDE_FILES = ['pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'] as const;

let pythonFiles: Promise<Record<string, ArrayBuffer>> | null = null;
let warmPython: Promise<Worker> | null = null;

function fetchPythonFiles(): Promise<Record<string, ArrayBuffer>> {
  pythonFiles ??= Promise.all(
    PYODIDE_FILES.map(async (f) => {
      const r = await fetch(PYODIDE_BASE + f);
      if (!r.ok) throw new Error(`${f}: HTTP ${r.status}`);
      return [f, await r.arrayBuffer()] as const;
    }),
  )
    .then((entries) => Object.fromEntries(entries))
    .catch((err: unknown) => {
      pythonFiles = null;
      throw err;
    });
  return pythonFiles;
}

/** A Python Worker with Pyodide loaded (the same one for later runs until one times out). */
function pythonWorker(onLine: (l: SandboxLine) => void): Promise<Worker> {
  warmPython ??= (async () => {
    const files = await fetchPythonFiles();
    const worker = new Worker(new URL('./python-runner.worker.ts', import.meta.url), { type: 'module', name: 'code-pad-python' });
    return new Promise<Worker>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`Python did not start within ${PYODIDE_LOAD_LIMIT_MS / 1000} s.`)), PYODIDE_LOAD_LIMIT_MS);
      const fail = (err: Error) => {
        clearTimeout(timer);
        worker.terminate();
        reject(err);
      };
      worker.onmessage = (e: MessageEvent<FromSandbox>) => {
        if (e.data.type === 'line') onLine(e.data.line);
        else if (e.data.type === 'ready') {
          clearTimeout(timer);
          resolve(worker);
        } else if (e.data.type === 'done') fail(new Error('Python could not be loaded.'));
      };
      worker.onerror = (e) => fail(new Error(e.message || 'Python could not be loaded.'));
      const base = new URL(PYODIDE_BASE, location.origin).href;
      // Copies: the page keeps its own for the next Worker.
      worker.postMessage({ type: 'init', base, files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.slice(0)])) } satisfies ToSandbox);
    });
  })().catch((err: unknown) => {
    warmPython = null;
    throw err;
  });
  return warmPython;
}

/** True once Python has been loaded in this tab (the next Python run starts at once). */
export const pythonLoaded = () => warmPython !== null;

/** Starts a sandbox Worker for the language (Python: the warm one, loading it first if needed); null when it did not start. */
async function acquireWorker(language: SandboxLanguage, addLine: (l: SandboxLine) => void, onPhase?: (p: 'loading' | 'running') => void): Promise<Worker | null> {
  if (language === 'python') {
    if (!pythonLoaded()) onPhase?.('loading');
    try {
      return await pythonWorker(addLine);
    } catch (err) {
      addLine({ stream: 'err', text: err instanceof Error ? err.message : String(err) });
      return null;
    }
  }
  const worker = new Worker(new URL('./runner.worker.ts', import.meta.url), { type: 'module', name: 'code-pad-runner' });
  // The time limit is for the user's code: wait until the Worker has started (its own limit).
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), WORKER_START_LIMIT_MS);
    worker.onmessage = (e: MessageEvent<FromSandbox>) => {
      if (e.data.type !== 'ready') return;
      clearTimeout(timer);
      resolve(true);
    };
    worker.onerror = () => {
      clearTimeout(timer);
      resolve(false);
    };
  });
  if (started) return worker;
  worker.terminate();
  addLine({ stream: 'err', text: 'The sandbox did not start.' });
  return null;
}

/** How one Worker's pass ended: finished, or stopped in the top level or in case `index`. */
type Pass = { status: 'ok' | 'error' | 'timeout' } | { status: 'case-timeout'; index: number };

export async function runInSandbox(code: string, language: SandboxLanguage, opts: SandboxOptions = {}): Promise<SandboxResult> {
  const limitMs = opts.limitMs ?? RUN_TIME_LIMIT_MS;
  const caseLimitMs = opts.caseLimitMs ?? CASE_TIME_LIMIT_MS;
  const lines: SandboxLine[] = [];
  const cases: CaseOutcome[] = [];
  const addLine = (l: SandboxLine) => {
    const line = { stream: l.stream, text: l.text.slice(0, RUN_LINE_MAX) };
    if (lines.length < RUN_OUTPUT_LINES_MAX * 4) lines.push(line);
    opts.onLine?.(line);
  };
  const addCase = (c: CaseOutcome) => {
    cases.push(c);
    opts.onCase?.(c);
  };
  const total = opts.tests?.cases.length ?? 0;
  let from = 0;
  let ran = 0;
  let status: SandboxResult['status'] = 'ok';
  // One pass per Worker: a case over its own limit costs that Worker; the next one goes on from the following case.
  for (;;) {
    const worker = await acquireWorker(language, addLine, opts.onPhase);
    if (!worker) return { language, status: 'error', durationMs: ran, lines, cases };
    opts.onPhase?.('running');
    const t0 = performance.now();
    const pass = await onePass(worker, from > 0);
    ran += Math.round(performance.now() - t0);
    if (pass.status !== 'case-timeout') {
      status = pass.status;
      break;
    }
    addCase({ index: pass.index, error: `Time limit exceeded (${caseLimitMs / 1000} s)`, ms: caseLimitMs });
    from = pass.index + 1;
    if (from >= total) break;
  }
  return { language, status, durationMs: ran, lines: lines.slice(-RUN_OUTPUT_LINES_MAX), cases };

  /** Runs the code (and the cases from `from`) in one Worker; `again`: the top level already printed its output once. */
  function onePass(worker: Worker, again: boolean): Promise<Pass> {
    return new Promise((resolve) => {
      let finished = false;
      let inCases = false;
      let next = from;
      let timer: ReturnType<typeof setTimeout>;
      const arm = (ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => (inCases ? finish({ status: 'case-timeout', index: next }) : finish({ status: 'timeout' })), ms);
      };
      const finish = (p: Pass) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        const stopped = p.status === 'timeout' || p.status === 'case-timeout';
        if (language !== 'python' || stopped) worker.terminate();
        if (language === 'python' && stopped) warmPython = null;
        if (p.status === 'timeout') addLine({ stream: 'err', text: `Stopped after ${limitMs / 1000} s (time limit).` });
        resolve(p);
      };
      arm(limitMs);
      worker.onmessage = (e: MessageEvent<FromSandbox>) => {
        const m = e.data;
        if (m.type === 'line') {
          if (!again || inCases) addLine(m.line);
        } else if (m.type === 'setup') {
          inCases = true;
          arm(caseLimitMs);
        } else if (m.type === 'case') {
          addCase({ index: m.index, ms: m.ms, ...(m.got !== undefined ? { got: m.got.slice(0, 20_000) } : {}), ...(m.error !== undefined ? { error: m.error.slice(0, RUN_LINE_MAX) } : {}) });
          next = m.index + 1;
          arm(caseLimitMs);
        } else if (m.type === 'done') finish({ status: m.status });
      };
      worker.onerror = (e) => {
        addLine({ stream: 'err', text: e.message || 'The code could not be started.' });
        if (language === 'python') warmPython = null;
        finish({ status: 'error' });
      };
      const tests = opts.tests ? { ...opts.tests, from } : undefined;
      worker.postMessage({ type: 'run', code, language, ...(tests ? { tests } : {}) } satisfies ToSandbox);
    });
  }
}
