/**
 * Pure: how hard each outgoing video may push as the mesh grows. Every participant uploads one
 * copy per peer, so the per-peer budget falls with the head count.
 */
export interface VideoEncoding {
  maxBitrate: number;
  scaleResolutionDownBy: number;
  maxFramerate: number;
}

/** `participants` counts everyone in the call, including me. */
export function videoEncodingFor(participants: number, screen: boolean): VideoEncoding {
  const peers = Math.max(1, participants - 1);
  if (screen) {
    // Text must stay legible: keep the resolution, give up frame rate instead.
    return { maxBitrate: peers <= 1 ? 2_500_000 : peers <= 3 ? 1_200_000 : 700_000, scaleResolutionDownBy: 1, maxFramerate: peers <= 1 ? 30 : 15 };
  }
  if (peers <= 1) return { maxBitrate: 1_500_000, scaleResolutionDownBy: 1, maxFramerate: 30 };
  if (peers <= 2) return { maxBitrate: 900_000, scaleResolutionDownBy: 1, maxFramerate: 30 };
  if (peers <= 3) return { maxBitrate: 600_000, scaleResolutionDownBy: 1.5, maxFramerate: 24 };
  return { maxBitrate: 350_000, scaleResolutionDownBy: 2, maxFramerate: 20 };
}

/** Grid columns for `n` tiles in a stage of the given width (responsive, roughly square tiles). */
export function gridColumns(n: number, width: number): number {
  if (n <= 1) return 1;
  const max = width < 520 ? 1 : width < 900 ? 2 : 3;
  return Math.min(max, n <= 4 ? 2 : 3);
}

/**
 * The tile grid that fills a `width` x `height` area best: for `n` tiles of the given aspect
 * ratio, the column count that gives the biggest tiles, and their width in px.
 */
export function fitGrid(n: number, width: number, height: number, gap = 8, aspect = 16 / 9): { columns: number; tileWidth: number } {
  const count = Math.max(1, n);
  let best = { columns: 1, tileWidth: 0 };
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    const byWidth = (width - gap * (columns - 1)) / columns;
    const byHeight = ((height - gap * (rows - 1)) / rows) * aspect;
    const tileWidth = Math.floor(Math.max(0, Math.min(byWidth, byHeight)));
    if (tileWidth > best.tileWidth) best = { columns, tileWidth };
  }
  return best;
}

/** The most tiles a page of a `width` x `height` stage shows: 12, fewer where tiles would fall under 200 px wide. */
export function pageSizeFor(width: number, height: number, gap = 8, minWidth = 200, aspect = 16 / 9, max = 12): number {
  const columns = Math.floor((width + gap) / (minWidth + gap));
  const rows = Math.floor((height + gap) / (minWidth / aspect + gap));
  return Math.max(1, Math.min(max, columns * rows));
}
