import { describe, expect, it } from 'vitest';
import { edgeDistance, formatLatency, isBehindLive, latencyGrade, liveLatency, viewerLatency } from './latency';

describe('liveLatency', () => {
  it("prefers hls.js's own estimate", () => {
    expect(liveLatency({ latency: 2.1, liveSyncPosition: 100, currentTime: 90 })).toBe(2.1);
  });
  it('falls back to the sync position plus the sync target', () => {
    expect(liveLatency({ latency: 0, liveSyncPosition: 20, currentTime: 19.5 })).toBeCloseTo(2);
    expect(liveLatency({ liveSyncPosition: 20, currentTime: 19, targetLatency: 3 })).toBeCloseTo(4);
  });
  it('is never negative when the playhead is past the sync point', () => {
    expect(liveLatency({ liveSyncPosition: 10, currentTime: 12, targetLatency: 1 })).toBe(0);
  });
  it('is unknown before the first playlist', () => {
    expect(liveLatency({ latency: 0, liveSyncPosition: null, currentTime: 0 })).toBeNull();
    expect(liveLatency({ latency: Number.NaN, currentTime: 3 })).toBeNull();
  });
});

describe('viewerLatency (issue 17 #9: what the viewer sees, not the distance to the playlist edge)', () => {
  const now = Date.UTC(2026, 11, 4, 12, 0, 10);
  it('is server now minus the date of the frame on screen', () => {
    expect(viewerLatency({ serverNow: now, playingDate: now - 1600 })).toBeCloseTo(1.6);
  });
  it('adds how late the dates run behind the ingest, and the encoder delay when known', () => {
    expect(viewerLatency({ serverNow: now, playingDate: now - 1600, ingestLagMs: 400 })).toBeCloseTo(2.0);
    expect(viewerLatency({ serverNow: now, playingDate: now - 1600, ingestLagMs: 400, encoderDelayMs: 100 })).toBeCloseTo(2.1);
  });
  it('ignores nonsense extras', () => {
    expect(viewerLatency({ serverNow: now, playingDate: now - 1600, ingestLagMs: -50, encoderDelayMs: Number.NaN })).toBeCloseTo(1.6);
  });
  it('is unknown without dates (the caller falls back to the edge distance)', () => {
    expect(viewerLatency({ serverNow: now, playingDate: null })).toBeNull();
    expect(viewerLatency({ serverNow: now, playingDate: Number.NaN })).toBeNull();
    expect(viewerLatency({ serverNow: now, playingDate: 0 })).toBeNull();
  });
  it('is never negative while the clock offset is still settling', () => {
    expect(viewerLatency({ serverNow: now, playingDate: now + 300 })).toBe(0);
  });
});

describe('edgeDistance', () => {
  it('is the sync target when the playhead sits at the sync position', () => {
    expect(edgeDistance({ liveSyncPosition: 40, targetLatency: 1.5, currentTime: 40 })).toBe(1.5);
  });
  it('grows with the time the playhead stays put (paused) while the edge moves on', () => {
    expect(edgeDistance({ liveSyncPosition: 46, targetLatency: 1.5, currentTime: 40 })).toBe(7.5);
  });
  it('is unknown before the first playlist', () => {
    expect(edgeDistance({ liveSyncPosition: null, targetLatency: null, currentTime: 0 })).toBeNull();
  });
  it('ignores the glass-to-glass delay: at the edge of a slow stream the viewer is not "behind"', () => {
    // A loaded encoder: 8 s glass-to-glass, but the playhead is where hls.js wants it.
    const atEdge = edgeDistance({ liveSyncPosition: 120, targetLatency: 1.5, currentTime: 119.8 });
    expect(isBehindLive(atEdge)).toBe(false);
    expect(isBehindLive(viewerLatency({ serverNow: 10_000, playingDate: 2_000 }))).toBe(true);
  });
});

describe('isBehindLive', () => {
  it('tolerates normal live-sync drift', () => {
    expect(isBehindLive(1.5)).toBe(false);
    expect(isBehindLive(4)).toBe(false);
  });
  it('offers "Jump to live" when well behind', () => {
    expect(isBehindLive(4.6)).toBe(true);
    expect(isBehindLive(30)).toBe(true);
  });
  it('is quicker to offer it while paused', () => {
    expect(isBehindLive(3, true)).toBe(true);
    expect(isBehindLive(2, true)).toBe(false);
  });
  it('says nothing while unknown', () => {
    expect(isBehindLive(null, true)).toBe(false);
  });
});

describe('latency display', () => {
  it('grades', () => {
    expect(latencyGrade(1.9)).toBe('good');
    expect(latencyGrade(4)).toBe('fair');
    expect(latencyGrade(8)).toBe('poor');
  });
  it('formats', () => {
    expect(formatLatency(1.84)).toBe('1.8 s');
    expect(formatLatency(2)).toBe('2.0 s');
    expect(formatLatency(12.4)).toBe('12 s');
    expect(formatLatency(300)).toBe('5 min');
    expect(formatLatency(null)).toBe('–');
  });
});
