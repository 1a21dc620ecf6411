import { describe, expect, it } from 'vitest';
import { fitRun } from './runOutput';

describe('fitRun', () => {
  it('keeps the last lines within the budget and says how many were cut', () => {
    const lines = Array.from({ length: 500 }, (_, i) => ({ stream: 'out' as const, text: `line ${i}` }));
    const r = fitRun({ language: 'javascript', status: 'ok', durationMs: 3, lines }, 100);
    expect(r.lines[0]!.text).toMatch(/^… \d+ earlier lines not shown$/);
    expect(r.lines.at(-1)!.text).toBe('line 499');
    expect(r.lines.slice(1).reduce((n, l) => n + l.text.length, 0)).toBeLessThanOrEqual(100);
    expect(r.lines.length).toBeLessThanOrEqual(200);
  });
  it('leaves short output alone', () => {
    const run = { language: 'typescript' as const, status: 'error' as const, durationMs: 1, lines: [{ stream: 'err' as const, text: 'boom' }] };
    expect(fitRun(run)).toEqual(run);
  });
});
