/**
 * Pure: how far behind the broadcaster the viewer is, and when to offer "Jump to live". hls.js keeps
 * us about `liveSyncDuration` (1.5 s) behind the edge and speeds up to 1.2x to catch up, so a few
 * seconds of drift are normal; more than that means the viewer paused, stalled or seeked back.
 *
 * The chip shows {@link viewerLatency}: the server clock now minus the wall-clock date of the frame
 * on screen (#EXT-X-PROGRAM-DATE-TIME), plus the delays before that date. hls.js's own `latency`
 * only measures the distance to the playlist's edge and misses the ingest and segmenting delays
 * (it read 0.3-0.5 s lower than a burned-in clock, issue 17); it stays the fallback for streams
 * without dates.
 */

/** The player's live-sync settings (STACK.md: measured about 2 s glass-to-glass with these). */
export const LIVE_SYNC = { liveSyncDuration: 1.5, liveMaxLatencyDuration: 5, maxLiveSyncPlaybackRate: 1.2 } as const;

export interface LatencyInput {
  /** `hls.latency`: seconds from the estimated live edge; 0 before the first playlist. */
  latency?: number | null;
  /** `hls.liveSyncPosition`: where hls.js wants the playhead, null before the first playlist. */
  liveSyncPosition?: number | null;
  /** `hls.targetLatency`, null when unknown. */
  targetLatency?: number | null;
  currentTime: number;
}

/**
 * Seconds behind live, or null while unknown. Prefers hls.js's own estimate; otherwise the
 * distance to the sync position plus the sync target (the sync position itself sits that far
 * behind the edge).
 */
export function liveLatency(i: LatencyInput): number | null {
  if (typeof i.latency === 'number' && Number.isFinite(i.latency) && i.latency > 0) return i.latency;
  return edgeDistance(i);
}

/**
 * Seconds between the playhead and the playlist's live edge, from the sync position (hls.js
 * recomputes it on every read, so it keeps growing while paused; `hls.latency` is only updated on
 * `timeupdate` and freezes). This is the part of the delay "Jump to live" can win back; the rest
 * (encoder, ingest, segmenting) no seek removes. null before the first playlist.
 */
export function edgeDistance(i: Pick<LatencyInput, 'liveSyncPosition' | 'targetLatency' | 'currentTime'>): number | null {
  if (typeof i.liveSyncPosition !== 'number' || !Number.isFinite(i.liveSyncPosition) || i.liveSyncPosition <= 0) return null;
  const target = typeof i.targetLatency === 'number' && Number.isFinite(i.targetLatency) ? i.targetLatency : LIVE_SYNC.liveSyncDuration;
  return Math.max(0, i.liveSyncPosition - i.currentTime + target);
}

export interface ViewerLatencyInput {
  /** The server's clock now (ms): `serverNow()` from lib/serverClock. */
  serverNow: number;
  /**
   * Wall-clock date (ms) of the frame being shown: hls.js `playingDate` (the fragment's
   * #EXT-X-PROGRAM-DATE-TIME plus the playhead's offset into it), or Safari's
   * `getStartDate() + currentTime`. null or NaN when the stream carries no dates.
   */
  playingDate: number | null;
  /** How much later than the media reached the server its dates run (StreamState.ingestLagMs). */
  ingestLagMs?: number;
  /** Delay before the server (encoder, upload), when known; 0 otherwise. */
  encoderDelayMs?: number;
}

/**
 * Seconds between the moment the frame on screen reached the server (or left the encoder, when
 * its delay is known) and now: what a viewer would measure against a clock in the picture. null
 * when the stream carries no dates. Never negative (a clock offset still being measured).
 */
export function viewerLatency(i: ViewerLatencyInput): number | null {
  if (i.playingDate === null || !Number.isFinite(i.playingDate) || i.playingDate <= 0 || !Number.isFinite(i.serverNow)) return null;
  const before = (Number.isFinite(i.ingestLagMs) ? Math.max(0, i.ingestLagMs!) : 0) + (Number.isFinite(i.encoderDelayMs) ? Math.max(0, i.encoderDelayMs!) : 0);
  return Math.max(0, (i.serverNow - i.playingDate + before) / 1000);
}

/**
 * Distance to the live edge ({@link edgeDistance}) above which the viewer is told they are behind
 * and offered "Jump to live". Never the glass-to-glass delay: a slow encoder or a loaded server
 * makes that high at the edge too, and a "Jump to live" that cannot help would never go away.
 */
export const BEHIND_AFTER_S = LIVE_SYNC.liveSyncDuration + 3;

/** True when the viewer is well behind the live edge (paused, stalled, seeked back), not just syncing. */
export function isBehindLive(fromEdge: number | null, paused = false): boolean {
  if (fromEdge === null) return false;
  if (paused) return fromEdge > LIVE_SYNC.liveSyncDuration + 1;
  return fromEdge > BEHIND_AFTER_S;
}

export type LatencyGrade = 'good' | 'fair' | 'poor';

/** Colour grade for the latency chip: under 3 s is what this setup should give. */
export function latencyGrade(latency: number): LatencyGrade {
  if (latency < 3) return 'good';
  if (latency < 6) return 'fair';
  return 'poor';
}

/** "1.8 s", "12 s", "2 min" for the chip. */
export function formatLatency(latency: number | null): string {
  if (latency === null || !Number.isFinite(latency)) return '–';
  if (latency < 10) return `${(Math.round(latency * 10) / 10).toFixed(1)} s`;
  if (latency < 120) return `${Math.round(latency)} s`;
  return `${Math.round(latency / 60)} min`;
}
