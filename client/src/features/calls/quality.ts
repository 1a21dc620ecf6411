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
