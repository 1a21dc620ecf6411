import { describe, expect, it } from 'vitest';
import { formatBytes } from '@protocol/files-constants.js';
import { SpeedMeter, formatEta } from './speed';

describe('upload speed', () => {
  it('measures bytes per second over a sliding window', () => {
    const m = new SpeedMeter(4000);
    expect(m.push(0, 0)).toBe(0);
    expect(m.push(100, 100)).toBe(0); // too short to tell
    expect(m.push(1000, 1000)).toBe(1000);
    expect(m.push(3000, 2000)).toBe(1500);
    // Old samples fall out of the window: the speed follows the recent rate.
    m.push(3000, 6000);
    expect(m.push(3000, 9000)).toBe(0);
    m.reset();
    expect(m.push(5000, 10_000)).toBe(0);
  });

  it('formats time left and sizes', () => {
    expect(formatEta(null)).toBe('');
    expect(formatEta(4.4)).toBe('4 s');
    expect(formatEta(125)).toBe('2 min 5 s');
    expect(formatEta(3840)).toBe('1 h 4 min');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MB');
  });
});
