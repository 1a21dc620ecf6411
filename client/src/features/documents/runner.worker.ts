/**
 * Runs a code pad's JavaScript or TypeScript in a dedicated Worker: no DOM, and no network (the
 * server sends this script with `default-src 'none'`). The page terminates the Worker at the time
 * limit, so an endless loop cannot freeze the editor. Console output is posted back line by line.
 */
import { transform } from 'sucrase';
import { IDENTIFIER, type FromSandbox, type ToSandbox } from './sandboxMessages';

type Line = { stream: 'out' | 'err'; text: string };
const post = (m: FromSandbox) => (self as unknown as Worker).postMessage(m);

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  try {
    const seen = new WeakSet();
    return JSON.stringify(v, (_k, x) => {
      if (typeof x === 'bigint') return `${x}n`;
      if (typeof x === 'function') return `[Function ${x.name || 'anonymous'}]`;
      if (x && typeof x === 'object') {
        if (seen.has(x)) return '[Circular]';
        seen.add(x);
      }
      return x === undefined ? 'undefined' : x;
    }) ?? String(v);
  } catch {
    return String(v);
  }
}

const emit = (stream: Line['stream']) => (...args: unknown[]) => post({ type: 'line', line: { stream, text: args.map(show).join(' ') } });
const fakeConsole = { log: emit('out'), info: emit('out'), debug: emit('out'), warn: emit('err'), error: emit('err') };
// Belt and braces beside the CSP: the obvious ways out are gone.
for (const name of ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts', 'indexedDB', 'caches', 'BroadcastChannel']) {
  try {
    Object.defineProperty(self, name, { value: undefined, configurable: false, writable: false });
  } catch {
    /* not present */
  }
}

self.onmessage = async (e: MessageEvent<ToSandbox>) => {
  if (e.data.type !== 'run' || e.data.language === 'python') return;
  const { code, language, tests } = e.data;
  try {
    const js = language === 'typescript' ? transform(code, { transforms: ['typescript'], disableESTransforms: true }).code : code;
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...a: string[]) => (...args: unknown[]) => Promise<unknown>;
    // With tests, the body hands back the function under test once the code has run.
    if (tests && !IDENTIFIER.test(tests.fn)) throw new Error('Invalid function name.');
    const tail = tests ? `\n;return typeof ${tests.fn} === 'function' ? ${tests.fn} : undefined;` : '';
    const fn = await new AsyncFunction('console', `"use strict";\n${js}${tail}`)(fakeConsole);
    if (tests) {
      if (typeof fn !== 'function') throw new Error(`Define a function named ${tests.fn}.`);
      post({ type: 'setup' });
      for (const [index, c] of tests.cases.entries()) {
        if (index < (tests.from ?? 0)) continue;
        const t0 = performance.now();
        try {
          const got: unknown = await fn(...structuredClone(c.input));
          post({ type: 'case', index, got: JSON.stringify(got === undefined ? null : got), ms: Math.round(performance.now() - t0) });
        } catch (err) {
          post({ type: 'case', index, error: show(err), ms: Math.round(performance.now() - t0) });
        }
      }
    }
    post({ type: 'done', status: 'ok' });
  } catch (err) {
    fakeConsole.error(err);
    post({ type: 'done', status: 'error' });
  }
};

// Started: the page's time limit counts from here (starting a Worker is slow on a loaded machine).
post({ type: 'ready' });
