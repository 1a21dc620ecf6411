import { describe, expect, it } from 'vitest';
import { expectsVideo, layerForWidth, SIMULCAST } from './useSfuLink';

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
});
