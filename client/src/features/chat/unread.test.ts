import { describe, expect, it } from 'vitest';
import { markerAfterArrival } from './unread';

const atBottom = { atBottom: true, visible: true };

describe('markerAfterArrival (issue 17 item 11)', () => {
  it('a message arriving while the reader is at the bottom is seen: no banner, no divider', () => {
    expect(markerAfterArrival(10, 11, 10, atBottom)).toBe(11);
    // Several in a row, each seen.
    expect(markerAfterArrival(markerAfterArrival(10, 11, 10, atBottom), 14, 11, atBottom)).toBe(14);
  });

  it('stays unread when the reader scrolled up or the page is hidden', () => {
    expect(markerAfterArrival(10, 11, 10, { atBottom: false, visible: true })).toBe(10);
    expect(markerAfterArrival(10, 11, 10, { atBottom: true, visible: false })).toBe(10);
  });

  it('keeps the divider of messages that were already unread when the room was opened', () => {
    // Read up to 5, messages up to 10 were loaded: 6..10 are unread; 11 arrives at the bottom.
    expect(markerAfterArrival(5, 11, 10, atBottom)).toBe(5);
  });

  it('my own message counts as seen even when I am scrolled up', () => {
    expect(markerAfterArrival(10, 11, 10, { atBottom: false, visible: false }, true)).toBe(11);
  });

  it('never moves backwards', () => {
    expect(markerAfterArrival(20, 11, 10, atBottom)).toBe(20);
  });
});
