/**
 * Python in the code pad: Pyodide is fetched from our own origin only when Python is run, runs in
 * a Worker without network, its output reaches the other person, and an endless loop is stopped.
 */
import { expect, test } from '@playwright/test';
import { createDoc, docShot, editorOf as editor, newUserViaApi, openDoc, replaceCode, roomOfTwo } from '../fixtures.js';

// Loading Python takes 2-3 s on a desktop but about a minute on this project's busy 2-core machines.
test.setTimeout(900_000);
test('Python runs in the browser from our origin, output shared, endless loop stopped', async ({ browser }) => {
  const [a, b] = await Promise.all([newUserViaApi(browser, 'pyA'), newUserViaApi(browser, 'pyB')]);
  const room = { id: await roomOfTwo(a, b, 'Python pairing') };

  const pyodideRequests: string[] = [];
  const foreign: string[] = [];
  a.page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.pathname.startsWith('/pyodide/')) pyodideRequests.push(url.pathname);
    if (url.host !== '127.0.0.1:' + (process.env.E2E_PORT ?? '3107') && !url.protocol.startsWith('data') && !url.protocol.startsWith('blob')) foreign.push(req.url());
  });

  const docId = await createDoc(a.page, room.id, 'Snakes', 'pad', 'python');
  // Nothing of Python is loaded until a Python run is asked for.
  expect(pyodideRequests).toEqual([]);

  await openDoc(b.page, room.id, docId);

  await replaceCode(
    a.page,
    ['import sys', 'def fib(n):', '    return n if n < 2 else fib(n - 1) + fib(n - 2)', 'print("fib", [fib(i) for i in range(10)])', 'print("oops", file=sys.stderr)', 'import js', 'print("fetch is", js.fetch)'].join('\n'),
  );
  await a.page.getByTestId('doc-run').click();
  await expect(a.page.getByTestId('doc-console-output')).toContainText('fib [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]', { timeout: 330_000 });
  await expect(b.page.getByTestId('doc-console-output')).toContainText('fib [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]');
  await expect(b.page.getByTestId('doc-console-output')).toContainText('oops');
  await expect(b.page.getByTestId('doc-console-output')).toContainText("fetch is None");
  await expect(b.page.getByTestId('doc-run-meta')).toContainText(`${a.username} ran it`);
  expect(pyodideRequests.some((p) => p.endsWith('.wasm'))).toBe(true);
  expect(foreign).toEqual([]);
  await docShot(a.page, 'docs/screenshots/documents-python-pad.png');

  // A Python exception is shown as a traceback naming the user's line.
  await replaceCode(a.page, 'x = 1\nraise ValueError("bad value")');
  await a.page.getByTestId('doc-run').click();
  await expect(a.page.getByTestId('doc-console-output')).toContainText('ValueError: bad value', { timeout: 30_000 });
  await expect(a.page.getByTestId('doc-run-meta')).toContainText('failed');

  // An endless loop is stopped at the time limit; the editor keeps working meanwhile.
  await replaceCode(a.page, 'while True:\n    pass');
  await a.page.getByTestId('doc-run').click();
  await editor(a.page).click();
  await a.page.keyboard.press('Control+End');
  await a.page.keyboard.type('  # still typing');
  await expect(editor(a.page)).toContainText('still typing');
  await expect(a.page.getByTestId('doc-run-meta')).toContainText('timed out', { timeout: 30_000 });
  await expect(b.page.getByTestId('doc-console-output')).toContainText('time limit');

  // Python is loaded again after the stopped Worker and runs once more.
  await replaceCode(a.page, 'print(sum(range(101)))');
  await a.page.getByTestId('doc-run').click();
  await expect(b.page.getByTestId('doc-console-output')).toContainText('5050', { timeout: 330_000 });
  for (const u of [a, b]) await u.context.close();
});
