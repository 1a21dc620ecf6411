import { describe, expect, it } from 'vitest';
import { failureMessage, failureOf, retriesByItself } from './uploadErrors';

describe('upload errors', () => {
  it('refusals are final; network trouble, conflicts, server errors and a full disk stay resumable', () => {
    for (const s of [400, 403, 404, 410, 413, 415]) expect(failureOf(s), String(s)).toBe('refused');
    for (const s of [0, 401, 409, 423, 429, 500, 502, 503, 507]) expect(failureOf(s), String(s)).toBe('interrupted');
  });

  it('tus-js-client retries only network errors, conflicts and passing server errors by itself', () => {
    for (const s of [0, 409, 423, 429, 500, 503]) expect(retriesByItself(s), String(s)).toBe(true);
    for (const s of [401, 403, 404, 413, 507]) expect(retriesByItself(s), String(s)).toBe(false);
  });

  it("shows the server's reason, in JSON or plain text, and never an HTML page", () => {
    expect(failureMessage(403, JSON.stringify({ error: { code: 'FORBIDDEN', message: 'This folder is read-only.' } }))).toBe('This folder is read-only.');
    expect(failureMessage(413, 'Files can be at most 8 MB.\n')).toBe('Files can be at most 8 MB.');
    expect(failureMessage(0, '')).toMatch(/connection was lost/);
    expect(failureMessage(404, '')).toMatch(/no longer has this upload/);
    expect(failureMessage(403, '<html>nope</html>')).toBe('The server refused this file (403).');
    expect(failureMessage(502, '')).toMatch(/Resume to try again/);
    expect(failureMessage(403, JSON.stringify({ error: { message: 42 } }))).toBe('The server refused this file (403).');
  });
});
