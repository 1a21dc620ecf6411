import { describe, expect, it } from 'vitest';
import { expectsVideo, freshWatch, layerForWidth, MAX_STALLED_VIDEO_MS, SIMULCAST, stallCheck, stallLimitMs, STALLED_VIDEO_MS } from './useSfuLink';

describe('SFU simulcast', () => {
  it('three layers, high to low, each half the size of the one above', () => {
    expect(SIMULCAST.map((e) => e.rid)).toEqual(['h', 'm', 'l']);
    expect(SIMULCAST.map((e) => e.scaleResolutionDownBy ?? 1)).toEqual([1, 2, 4]);
    expect(SIMULCAST[0]!.maxBitrate! > SIMULCAST[1]!.maxBitrate! && SIMULCAST[1]!.maxBitrate! > SIMULCAST[2]!.maxBitrate!).toBe(true);
  });
  it('the tile width picks the layer', () => {
    expect(layerForWidth(120)).toBe(0);
    expect(layerForWidth(219)).toBe(0);
    expect(layerForWidth(220)).toBe(1);
    expect(layerForWidth(479)).toBe(1);
    expect(layerForWidth(480)).toBe(2);
    expect(layerForWidth(1920)).toBe(2);
  });
  it('a stalled picture is only looked for where a camera should be decoding', () => {
    const camera = { cameraOff: false, screen: false };
    const live = { gotMedia: true, paused: false };
    expect(expectsVideo(live, camera)).toBe(true);
    expect(expectsVideo({ ...live, gotMedia: false }, camera)).toBe(false);
    expect(expectsVideo({ ...live, paused: true }, camera)).toBe(false);
    expect(expectsVideo(live, { ...camera, cameraOff: true })).toBe(false);
    expect(expectsVideo(live, { ...camera, screen: true })).toBe(false);
    expect(expectsVideo(live, undefined)).toBe(false);
  });
  it('a feed that stays stalled is re-subscribed less and less often: 8 s, 16 s, 32 s, then every 60 s', () => {
    expect([0, 1, 2, 3, 4, 10].map(stallLimitMs)).toEqual([STALLED_VIDEO_MS, 2 * STALLED_VIDEO_MS, 4 * STALLED_VIDEO_MS, MAX_STALLED_VIDEO_MS, MAX_STALLED_VIDEO_MS, MAX_STALLED_VIDEO_MS]);
    expect(stallLimitMs(-1)).toBe(STALLED_VIDEO_MS);
  });
  it('the watchdog re-subscribes only after the limit without a frame while video is expected', () => {
    let w = freshWatch(0);
    // Frames come: progress, never a re-subscribe.
    let r = stallCheck(w, 30, 2_000, true, 0);
    expect(r).toMatchObject({ progressed: true, resubscribe: false, next: { frames: 30, lastFrameAt: 2_000, quietSince: 2_000 } });
    w = r.next;
    // They stop: nothing until the limit has passed (strictly), counted from the last frame.
    r = stallCheck(w, 30, 2_000 + STALLED_VIDEO_MS, true, 0);
    expect(r.resubscribe).toBe(false);
    r = stallCheck(r.next, 30, 2_001 + STALLED_VIDEO_MS, true, 0);
    expect(r).toMatchObject({ progressed: false, resubscribe: true, next: { lastFrameAt: 2_000, quietSince: 2_000 } });
    // After two fruitless re-subscribes the same quiet stretch is not enough.
    expect(stallCheck(freshWatch(0), 0, STALLED_VIDEO_MS + 1, true, 2).resubscribe).toBe(false);
    expect(stallCheck(freshWatch(0), 0, 4 * STALLED_VIDEO_MS + 1, true, 2).resubscribe).toBe(true);
  });
  it('no re-subscribe while video is not expected (camera off, screen, paused); the quiet stretch starts again when it is', () => {
    let w = stallCheck(freshWatch(0), 10, 1_000, true, 0).next;
    // Camera off for a minute: no frames, no re-subscribe, but the idle time still shows.
    let r = stallCheck(w, 10, 60_000, false, 0);
    expect(r).toMatchObject({ resubscribe: false, next: { lastFrameAt: 1_000, quietSince: 60_000 } });
    w = r.next;
    // Camera back on: a full limit from then before the watchdog acts.
    r = stallCheck(w, 10, 60_000 + STALLED_VIDEO_MS, true, 0);
    expect(r.resubscribe).toBe(false);
    expect(stallCheck(r.next, 10, 60_001 + STALLED_VIDEO_MS, true, 0).resubscribe).toBe(true);
  });
});
