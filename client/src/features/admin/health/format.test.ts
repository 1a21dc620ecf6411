import { describe, expect, it } from 'vitest';
import { formatBytes, formatUptime } from './format';

describe('health formatting', () => {
  it('formats bytes in 1024 steps, as everywhere in the app', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(250 * 1024 * 1024)).toBe('250 MB');
    expect(formatBytes(3.25 * 1024 ** 3)).toBe('3.3 GB');
  });
  it('formats uptime by its largest units', () => {
    expect(formatUptime(42)).toBe('42 s');
    expect(formatUptime(125)).toBe('2 min');
    expect(formatUptime(3 * 3600 + 60)).toBe('3 h 1 min');
    expect(formatUptime(2 * 86_400 + 5 * 3600)).toBe('2 d 5 h');
  });
});
