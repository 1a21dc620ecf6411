/**
 * Pure: the broadcaster's health panel. Formats `stream:health` pushes (every ~2 s) for people and
 * keeps a short history of each number for the sparklines.
 */
import type { StreamHealth } from '@protocol/stream.js';

/** "3.2 Mbps", "850 kbps", "0 kbps". */
export function formatKbps(kbps: number): string {
  if (!Number.isFinite(kbps) || kbps <= 0) return '0 kbps';
  if (kbps >= 1000) return `${(Math.round(kbps / 100) / 10).toFixed(1)} Mbps`;
  return `${Math.round(kbps)} kbps`;
}

/** "29.97 fps" → "30 fps"; "–" while unknown. */
export function formatFps(fps: number): string {
  if (!Number.isFinite(fps) || fps <= 0) return '–';
  return `${Math.round(fps)} fps`;
}

/** "1280×720"; "–" until the source is probed. */
export function formatResolution(width: number, height: number): string {
  return width > 0 && height > 0 ? `${width}×${height}` : '–';
}

const CODEC_NAMES: Record<string, string> = {
  h264: 'H.264',
  avc: 'H.264',
  avc1: 'H.264',
  hevc: 'HEVC',
  h265: 'HEVC',
  vp8: 'VP8',
  vp9: 'VP9',
  av1: 'AV1',
  aac: 'AAC',
  mp3: 'MP3',
  opus: 'Opus',
  vorbis: 'Vorbis',
};

/** "h264" → "H.264"; unknown codecs are shown upper-cased; empty is "–". */
export function codecName(codec: string): string {
  const c = codec.trim().toLowerCase();
  if (!c) return '–';
  return CODEC_NAMES[c] ?? c.toUpperCase();
}

/** "H.264 / AAC". */
export function formatCodecs(video: string, audio: string): string {
  return `${codecName(video)} / ${codecName(audio)}`;
}

export type Grade = 'good' | 'fair' | 'poor';

/** Transcoder speed: "1.00×"; below 0.95 viewers stall (the server warns at the same point). */
export function formatSpeed(speed: number): { text: string; grade: Grade } {
  if (!Number.isFinite(speed) || speed <= 0) return { text: '–', grade: 'fair' };
  return { text: `${speed.toFixed(2)}×`, grade: speed >= 0.98 ? 'good' : speed >= 0.95 ? 'fair' : 'poor' };
}

/** Dropped frames as a count and a share of the frames so far. */
export function formatDropped(dropped: number, fps: number, uptimeMs: number): { text: string; grade: Grade } {
  const n = Math.max(0, Math.round(dropped));
  const total = fps > 0 ? (fps * uptimeMs) / 1000 : 0;
  const share = total > 0 ? n / total : 0;
  const grade: Grade = n === 0 || share < 0.001 ? 'good' : share < 0.01 ? 'fair' : 'poor';
  const pct = total > 0 && n > 0 ? ` (${share < 0.001 ? '<0.1' : (share * 100).toFixed(1)}%)` : '';
  return { text: `${n.toLocaleString('en-US')}${pct}`, grade };
}

/** "4:05", "1:02:03". */
export function formatUptime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The numbers that get a sparkline. */
export const SERIES = ['inputKbps', 'fps', 'speed', 'viewers'] as const;
export type SeriesName = (typeof SERIES)[number];
export type HealthHistory = Record<SeriesName, number[]>;

/** Two minutes of pushes at one every 2 s. */
export const HISTORY_LENGTH = 60;

export function emptyHistory(): HealthHistory {
  return { inputKbps: [], fps: [], speed: [], viewers: [] };
}

/**
 * The history with one more sample, oldest dropped past `max`. A different stream starts afresh.
 * Returns new arrays (the panel's refs stay simple to watch).
 */
export function pushHealth(history: HealthHistory, h: Pick<StreamHealth, SeriesName>, max = HISTORY_LENGTH): HealthHistory {
  const out = emptyHistory();
  for (const k of SERIES) {
    const v = Number.isFinite(h[k]) ? h[k] : 0;
    out[k] = [...history[k], v].slice(-max);
  }
  return out;
}
