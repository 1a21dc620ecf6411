import { describe, expect, it } from 'vitest';
import { endReasonText } from './endReason';
import { codecName, emptyHistory, formatCodecs, formatDropped, formatFps, formatKbps, formatResolution, formatSpeed, formatUptime, pushHealth } from './health';

describe('health formatting', () => {
  it('bitrates', () => {
    expect(formatKbps(3240)).toBe('3.2 Mbps');
    expect(formatKbps(850.4)).toBe('850 kbps');
    expect(formatKbps(0)).toBe('0 kbps');
    expect(formatKbps(Number.NaN)).toBe('0 kbps');
  });
  it('fps and resolution', () => {
    expect(formatFps(29.97)).toBe('30 fps');
    expect(formatFps(0)).toBe('–');
    expect(formatResolution(1280, 720)).toBe('1280×720');
    expect(formatResolution(0, 0)).toBe('–');
  });
  it('codecs', () => {
    expect(formatCodecs('h264', 'aac')).toBe('H.264 / AAC');
    expect(codecName('HEVC')).toBe('HEVC');
    expect(codecName('prores')).toBe('PRORES');
    expect(codecName('')).toBe('–');
  });
  it('transcoder speed is graded where viewers would stall', () => {
    expect(formatSpeed(1.003)).toEqual({ text: '1.00×', grade: 'good' });
    expect(formatSpeed(0.96).grade).toBe('fair');
    expect(formatSpeed(0.8)).toEqual({ text: '0.80×', grade: 'poor' });
    expect(formatSpeed(0).text).toBe('–');
  });
  it('dropped frames with their share', () => {
    expect(formatDropped(0, 30, 60_000)).toEqual({ text: '0', grade: 'good' });
    // 1800 frames in a minute at 30 fps: 9 dropped is 0.5%.
    expect(formatDropped(9, 30, 60_000)).toEqual({ text: '9 (0.5%)', grade: 'fair' });
    expect(formatDropped(90, 30, 60_000).grade).toBe('poor');
    expect(formatDropped(1, 30, 3_600_000)).toEqual({ text: '1 (<0.1%)', grade: 'good' });
  });
  it('uptime', () => {
    expect(formatUptime(0)).toBe('0:00');
    expect(formatUptime(245_000)).toBe('4:05');
    expect(formatUptime(3_723_000)).toBe('1:02:03');
  });
});

describe('pushHealth', () => {
  it('keeps the newest samples up to the limit', () => {
    let h = emptyHistory();
    for (let i = 1; i <= 5; i++) h = pushHealth(h, { inputKbps: i * 100, fps: 30, speed: 1, viewers: i }, 3);
    expect(h.inputKbps).toEqual([300, 400, 500]);
    expect(h.viewers).toEqual([3, 4, 5]);
  });
  it('does not mutate the previous history and turns garbage into 0', () => {
    const a = emptyHistory();
    const b = pushHealth(a, { inputKbps: Number.NaN, fps: 30, speed: 1, viewers: 0 });
    expect(a.inputKbps).toEqual([]);
    expect(b.inputKbps).toEqual([0]);
  });
});

describe('endReasonText', () => {
  it('explains each reason', () => {
    expect(endReasonText('key_rotated')).toContain('key was changed');
    expect(endReasonText('error', 'FFmpeg exited')).toBe('The stream failed: FFmpeg exited');
    expect(endReasonText('error')).toBe('The stream failed on the server.');
    expect(endReasonText('kicked')).toContain('moderator');
  });
});
