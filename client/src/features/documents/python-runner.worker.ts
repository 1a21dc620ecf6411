/**
 * Runs a code pad's Python with Pyodide in a dedicated Worker. The runtime's files come from the
 * page as ArrayBuffers (served from our origin under /pyodide/<version>/, never a CDN); the Worker
 * answers Pyodide's own fetches from them and has no network at all (its script is sent with
 * `default-src 'none'`, and fetch/XHR/WebSocket are removed once Python is up). The Worker is kept
 * warm between runs (loading Python takes seconds); each run gets fresh globals, and the page
 * terminates the Worker at the time limit, which also stops an endless loop.
 */
import type { PyodideInterface } from 'pyodide';
import type { PyCallable, PyProxy } from 'pyodide/ffi';
import type { FromSandbox, SandboxLine, ToSandbox } from './sandboxMessages';
import { IDENTIFIER } from './sandboxMessages';

const post = (m: FromSandbox) => (self as unknown as Worker).postMessage(m);
const emit = (stream: SandboxLine['stream']) => (text: string) => post({ type: 'line', line: { stream, text } });

const TYPES: Record<string, string> = { 'pyodide.asm.wasm': 'application/wasm', 'python_stdlib.zip': 'application/zip', 'pyodide-lock.json': 'application/json' };

// Calls the function under test with JSON arguments and returns its result as JSON (tuples and
// sets become lists), so Python values never cross into JavaScript objects.
const HARNESS = `
import json as _json
def _call_case(_f, _args):
    return _json.dumps(_f(*_json.loads(_args)), default=lambda o: sorted(o) if isinstance(o, (set, frozenset)) else list(o))
_call_case
`;

let py: PyodideInterface | null = null;

function lockDown(): void {
  for (const name of ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts', 'indexedDB', 'caches', 'BroadcastChannel']) {
    try {
      Object.defineProperty(self, name, { value: undefined, configurable: false, writable: false });
    } catch {
      /* not present */
    }
  }
}

async function init(base: string, files: Record<string, ArrayBuffer>): Promise<void> {
  // Pyodide fetches its wasm, standard library and lock file: answer from memory, refuse the rest.
  (self as { fetch: typeof fetch }).fetch = async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input), base);
    const name = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    const body = url.href.startsWith(base) ? files[name] : undefined;
    if (!body) throw new TypeError('The sandbox has no network.');
    return new Response(body.slice(0), { headers: { 'content-type': TYPES[name] ?? 'application/octet-stream' } });
  };
  const { loadPyodide } = (await import(/* @vite-ignore */ `${base}pyodide.mjs`)) as typeof import('pyodide');
  py = await loadPyodide({
    indexURL: base,
    lockFileContents: new TextDecoder().decode(files['pyodide-lock.json']),
    packageBaseUrl: base,
    stdout: emit('out'),
    stderr: emit('err'),
  });
  py.setStdout({ batched: emit('out') });
  py.setStderr({ batched: emit('err') });
  lockDown();
}

function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  // Pyodide's traceback starts with its own frames; the user's start at "<pad>".
  const at = text.indexOf('File "<pad>"');
  return at > 0 ? `Traceback (most recent call last):\n  ${text.slice(at)}`.trimEnd() : text.trimEnd();
}

async function run(code: string, tests: Extract<ToSandbox, { type: 'run' }>['tests']): Promise<void> {
  const p = py!;
  const ns = (p.globals.get('dict') as PyCallable)() as PyProxy & { get(k: string): unknown; destroy(): void };
  try {
    p.runPython(code, { globals: ns, filename: '<pad>' });
    if (tests) {
      if (!IDENTIFIER.test(tests.fn)) throw new Error('Invalid function name.');
      const fn = ns.get(tests.fn) as PyCallable | undefined;
      if (!fn || typeof fn !== 'function') throw new Error(`Define a function named ${tests.fn}.`);
      const call = p.runPython(HARNESS, { globals: (p.globals.get('dict') as PyCallable)() as PyProxy }) as PyCallable;
      post({ type: 'setup' });
      tests.cases.forEach((c, index) => {
        if (index < (tests.from ?? 0)) return;
        const t0 = performance.now();
        try {
          const got = call(fn, JSON.stringify(c.input)) as string;
          post({ type: 'case', index, got, ms: Math.round(performance.now() - t0) });
        } catch (err) {
          post({ type: 'case', index, error: message(err), ms: Math.round(performance.now() - t0) });
        }
      });
    }
    post({ type: 'done', status: 'ok' });
  } catch (err) {
    emit('err')(message(err));
    post({ type: 'done', status: 'error' });
  } finally {
    ns.destroy();
  }
}

self.onmessage = async (e: MessageEvent<ToSandbox>) => {
  const m = e.data;
  if (m.type === 'init') {
    try {
      await init(m.base, m.files);
      post({ type: 'ready' });
    } catch (err) {
      emit('err')(`Python could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
      post({ type: 'done', status: 'error' });
    }
  } else if (py) await run(m.code, m.tests);
};
