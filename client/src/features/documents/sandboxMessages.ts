/**
 * The messages between the page and a code-pad runner Worker (JavaScript/TypeScript in
 * runner.worker.ts, Python in python-runner.worker.ts). With `tests`, the code is run once, then the
 * named function is called with each case's arguments and its return value posted back as JSON
 * (the page compares it with the expected value: the Worker never sees the expected answers).
 * The Worker posts `setup` once the top level has run, then one `case` per case; the page times
 * each case on its own and replaces a Worker stuck in one (see sandbox.ts).
 */
export type SandboxLine = { stream: 'out' | 'err'; text: string };

export interface SandboxTests {
  /** A plain identifier (checked by the server when the problem is saved). */
  fn: string;
  cases: { input: unknown[] }[];
  /** Start at this case (after a case ran over its time limit, a fresh Worker goes on from the next one). */
  from?: number;
}

export type ToSandbox =
  | { type: 'run'; code: string; language: 'javascript' | 'typescript' | 'python'; tests?: SandboxTests }
  /** Python only: the runtime's files, fetched by the page (the Worker has no network). */
  | { type: 'init'; base: string; files: Record<string, ArrayBuffer> };

export type FromSandbox =
  | { type: 'line'; line: SandboxLine }
  | { type: 'ready' }
  /** Tests: the code's top level has run; the cases start now (each with its own time limit). */
  | { type: 'setup' }
  | { type: 'case'; index: number; got?: string; error?: string; ms: number }
  | { type: 'done'; status: 'ok' | 'error' };

export const IDENTIFIER = /^[A-Za-z_$][\w$]{0,63}$/;
