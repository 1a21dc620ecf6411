import { describe, expect, it } from 'vitest';
import { typingThrottle } from './typingThrottle';

describe('typingThrottle', () => {
  it('sends the first keystroke, then at most once per interval', () => {
    const t = typingThrottle(2500);
    expect(t.take(1000)).toBe(true);
    expect(t.take(1200)).toBe(false);
    expect(t.take(3499)).toBe(false);
    expect(t.take(3500)).toBe(true);
  });

  it('a send resets it: typing again right after sending is announced at once (item 16)', () => {
    const t = typingThrottle(2500);
    expect(t.take(1000)).toBe(true);
    t.reset(); // the message went out at 1500
    expect(t.take(1600)).toBe(true);
    expect(t.take(1700)).toBe(false);
  });
});
