import { describe, expect, it } from 'vitest';
import type { Vod } from '@protocol/stream.js';
import { formatBytes, formatVodDuration, mergeVods } from './vods';

const vod = (id: number, startedAt: number, status: Vod['status'] = 'ready'): Vod => ({
  id,
  roomId: 1,
  streamId: `s${id}abcde`,
  startedAt,
  endedAt: startedAt + 1000,
  durationMs: 1000,
  sizeBytes: 1,
  status,
  videoUrl: status === 'ready' ? `/api/rooms/1/vods/${id}/video.mp4` : null,
  posterUrl: null,
});

describe('mergeVods', () => {
  it('lets a recorded fact replace the listed copy and sorts newest first', () => {
    const out = mergeVods([vod(1, 100), vod(2, 200, 'processing')], [vod(2, 200, 'ready'), vod(3, 300)]);
    expect(out.map((v) => [v.id, v.status])).toEqual([
      [3, 'ready'],
      [2, 'ready'],
      [1, 'ready'],
    ]);
  });
});

describe('labels', () => {
  it('sizes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(85 * 1024)).toBe('85 KB');
    expect(formatBytes(734 * 1024 * 1024)).toBe('734 MB');
    expect(formatBytes(1.25 * 1024 ** 3)).toBe('1.3 GB');
  });
  it('durations', () => {
    expect(formatVodDuration(42_000)).toBe('0:42');
    expect(formatVodDuration(3_723_400)).toBe('1:02:03');
  });
});
