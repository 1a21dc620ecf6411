import { describe, expect, it } from 'vitest';
import { currentQualityLabel, formatBitrate, levelLabel, qualityOptions } from './qualities';

describe('formatBitrate', () => {
  it('reads like a person would say it', () => {
    expect(formatBitrate(2_500_000)).toBe('2.5 Mbps');
    expect(formatBitrate(4_000_000)).toBe('4 Mbps');
    expect(formatBitrate(800_000)).toBe('800 kbps');
    expect(formatBitrate(0)).toBe('');
  });
});

describe('levelLabel', () => {
  it('uses the height, and the frame rate only when high', () => {
    expect(levelLabel({ height: 720, frameRate: 30 }, 0)).toBe('720p');
    expect(levelLabel({ height: 1080, frameRate: 59.94 }, 0)).toBe('1080p60');
  });
  it('marks a source copy and borrows its height from the server when the playlist lacks it', () => {
    expect(levelLabel({ height: 0 }, 0, { index: 0, name: 'source', height: 1080, copy: true })).toBe('Source (1080p)');
    expect(levelLabel({}, 0, { index: 0, name: 'source', height: 0, copy: true })).toBe('Source');
  });
  it('falls back to a name or a number', () => {
    expect(levelLabel({}, 1, { index: 1, name: '480p', height: 0, copy: false })).toBe('480p');
    expect(levelLabel({}, 2)).toBe('Quality 3');
  });
});

describe('qualityOptions', () => {
  it('lists Auto then the levels from high to low, keeping their hls.js indexes', () => {
    const opts = qualityOptions(
      [
        { height: 360, bitrate: 800_000 },
        { height: 1080, bitrate: 6_000_000 },
        { height: 720, bitrate: 3_000_000 },
      ],
    );
    expect(opts).toEqual([
      { value: -1, label: 'Auto' },
      { value: 1, label: '1080p' },
      { value: 2, label: '720p' },
      { value: 0, label: '360p' },
    ]);
  });
  it('tells same-height levels apart by bitrate', () => {
    const opts = qualityOptions([
      { height: 720, bitrate: 1_500_000 },
      { height: 720, bitrate: 3_000_000 },
    ]);
    expect(opts.map((o) => o.label)).toEqual(['Auto', '720p · 3 Mbps', '720p · 1.5 Mbps']);
  });
  it('applies the server renditions to a copy ladder', () => {
    const opts = qualityOptions([{ height: 1080, bitrate: 1 }, { height: 480, bitrate: 1 }], [
      { index: 0, name: 'source', height: 1080, copy: true },
      { index: 1, name: '480p', height: 480, copy: false },
    ]);
    expect(opts.map((o) => o.label)).toEqual(['Auto', 'Source (1080p)', '480p']);
  });
});

describe('currentQualityLabel', () => {
  const opts = qualityOptions([{ height: 720 }, { height: 360 }]);
  it('shows what Auto is playing', () => {
    expect(currentQualityLabel(opts, -1, 1)).toBe('Auto (360p)');
    expect(currentQualityLabel(opts, -1, -1)).toBe('Auto');
  });
  it('shows a manual choice', () => {
    expect(currentQualityLabel(opts, 0, 0)).toBe('720p');
  });
});
