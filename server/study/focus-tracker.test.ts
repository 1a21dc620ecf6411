import { describe, expect, it } from 'vitest';
import { FocusTracker } from './focus-tracker.js';

function tracker() {
  const spans: [number, number, number, number][] = [];
  return { spans, t: new FocusTracker({ write: (u, r, s, e) => void spans.push([u, r, s, e]) }) };
}

describe('FocusTracker', () => {
  it('credits only the overlap of presence and a running focus phase', () => {
    const { spans, t } = tracker();
    t.setPresent(1, 7, true, 0); // present before focus starts
    t.setFocusRunning(1, true, 100);
    t.setPresent(1, 8, true, 150); // joins mid-phase
    t.setPresent(1, 8, false, 400); // leaves early
    t.setFocusRunning(1, false, 1000); // phase ends
    t.setPresent(1, 9, true, 1100); // arrives during the break: nothing
    expect(spans).toEqual([
      [8, 1, 150, 400],
      [7, 1, 100, 1000],
    ]);
  });

  it('a pause closes spans and resuming opens new ones', () => {
    const { spans, t } = tracker();
    t.setPresent(2, 1, true, 0);
    t.setFocusRunning(2, true, 0);
    t.setFocusRunning(2, false, 300);
    t.setFocusRunning(2, true, 500);
    t.flushAll(800);
    expect(spans).toEqual([
      [1, 2, 0, 300],
      [1, 2, 500, 800],
    ]);
    expect(t.openSpans(2)).toBe(0);
  });

  it('keeps rooms apart', () => {
    const { spans, t } = tracker();
    t.setFocusRunning(1, true, 0);
    t.setPresent(2, 5, true, 10);
    t.setFocusRunning(2, false, 20);
    t.flushAll(50);
    expect(spans).toEqual([]);
  });
});
