import { describe, expect, it } from 'vitest';
import { fitGrid, gridColumns, pageSizeFor, videoEncodingFor } from './quality';

describe('tiles per page', () => {
  it('is 12 on a desktop stage, fewer where tiles would get too small, never 0', () => {
    expect(pageSizeFor(1200, 700)).toBe(12);
    expect(pageSizeFor(360, 600)).toBe(5);
    expect(pageSizeFor(300, 200)).toBe(1);
    expect(pageSizeFor(0, 0)).toBe(1);
  });
});

describe('video quality by participant count', () => {
  it('lowers bitrate and resolution as the call grows, never raising either', () => {
    let prev = videoEncodingFor(2, false);
    expect(prev).toEqual({ maxBitrate: 1_500_000, scaleResolutionDownBy: 1, maxFramerate: 30 });
    for (let n = 3; n <= 6; n++) {
      const e = videoEncodingFor(n, false);
      expect(e.maxBitrate).toBeLessThanOrEqual(prev.maxBitrate);
      expect(e.scaleResolutionDownBy).toBeGreaterThanOrEqual(prev.scaleResolutionDownBy);
      prev = e;
    }
    expect(videoEncodingFor(6, false)).toMatchObject({ maxBitrate: 350_000, scaleResolutionDownBy: 2 });
  });

  it('a shared screen keeps its resolution', () => {
    for (let n = 2; n <= 6; n++) expect(videoEncodingFor(n, true).scaleResolutionDownBy).toBe(1);
    expect(videoEncodingFor(6, true).maxBitrate).toBeLessThan(videoEncodingFor(2, true).maxBitrate);
  });

  it('alone in the call counts as one peer (ready for the first to arrive)', () => {
    expect(videoEncodingFor(1, false)).toEqual(videoEncodingFor(2, false));
  });

  it('grid columns follow the tile count and the stage width', () => {
    expect(gridColumns(1, 1200)).toBe(1);
    expect(gridColumns(2, 1200)).toBe(2);
    expect(gridColumns(4, 1200)).toBe(2);
    expect(gridColumns(6, 1200)).toBe(3);
    expect(gridColumns(6, 700)).toBe(2);
    expect(gridColumns(6, 400)).toBe(1);
  });
});

describe('fitGrid', () => {
  it('uses the stage height: two people in a tall stage stack in one column with big tiles', () => {
    const g = fitGrid(2, 600, 640);
    expect(g.columns).toBe(1);
    expect(g.tileWidth).toBeGreaterThan(500);
  });
  it('puts people side by side in a wide, short stage', () => {
    expect(fitGrid(2, 1200, 400).columns).toBe(2);
    expect(fitGrid(6, 1600, 700).columns).toBe(3);
  });
  it('never gives tiles wider than the stage or taller than it allows', () => {
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const { columns, tileWidth } = fitGrid(n, 390, 500);
      const rows = Math.ceil(n / columns);
      expect(tileWidth * columns + 8 * (columns - 1)).toBeLessThanOrEqual(390);
      expect((tileWidth * 9) / 16 * rows + 8 * (rows - 1)).toBeLessThanOrEqual(500 + 1);
    }
  });
});
