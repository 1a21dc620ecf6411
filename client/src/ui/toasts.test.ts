import { afterEach, describe, expect, it, vi } from 'vitest';
import { dismissToast, dismissToastsByKey, toast, toasts } from './toasts';

afterEach(() => {
  for (const t of [...toasts]) dismissToast(t.id);
  vi.useRealTimers();
});

describe('toasts tied to what they announce (issue 17 item 10)', () => {
  it('closes toasts by key or key prefix, leaving the rest', () => {
    toast({ title: 'invite 1', key: 'chess-invite:1' });
    toast({ title: 'invite 2', key: 'chess-invite:2' });
    toast({ title: 'mention', key: 'room:5:mention:9' });
    toast({ title: 'plain' });
    dismissToastsByKey('chess-invite:1');
    expect(toasts.map((t) => t.title)).toEqual(['invite 2', 'mention', 'plain']);
    dismissToastsByKey('room:5:');
    expect(toasts.map((t) => t.title)).toEqual(['invite 2', 'plain']);
    dismissToastsByKey('chess-invite:*');
    expect(toasts.map((t) => t.title)).toEqual(['plain']);
  });

  it('a toast with the key of a shown one replaces it in place and restarts its timeout', () => {
    vi.useFakeTimers();
    const first = toast({ title: 'old', key: 'alarms:missed', timeoutMs: 1000 });
    toast({ title: 'other' });
    vi.advanceTimersByTime(800);
    const second = toast({ title: 'new', key: 'alarms:missed', timeoutMs: 1000 });
    expect(second).toBe(first);
    expect(toasts.map((t) => t.title)).toEqual(['new', 'other']);
    vi.advanceTimersByTime(800);
    expect(toasts.map((t) => t.title)).toContain('new');
    vi.advanceTimersByTime(300);
    expect(toasts.map((t) => t.title)).not.toContain('new');
  });
});
