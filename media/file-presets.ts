/**
 * FFmpeg presets for room files' media tools, as argv arrays (pure): never a shell string, never
 * user input (the only outside values are paths we made and numbers we parsed). Each has a size
 * limit (`-fs`) and reports progress on stderr (`-progress pipe:2`) for the runner's parser.
 */
import { AUDIO_KBPS, type HlsJobArgs } from './presets.js';

export type FilePreset = 'mp4' | 'webm' | 'm4a' | 'mp3' | 'strip';

/** What each preset makes: extension, MIME type, and whether it needs a video stream. */
export const PRESET_OUTPUT: Record<FilePreset, { ext: string; mime: string; needsVideo: boolean; label: string }> = {
  mp4: { ext: 'mp4', mime: 'video/mp4', needsVideo: true, label: 'Convert to MP4 (H.264/AAC)' },
  webm: { ext: 'webm', mime: 'video/webm', needsVideo: true, label: 'Convert to WebM (VP9/Opus)' },
  m4a: { ext: 'm4a', mime: 'audio/mp4', needsVideo: false, label: 'Extract audio (M4A)' },
  mp3: { ext: 'mp3', mime: 'audio/mpeg', needsVideo: false, label: 'Extract audio (MP3)' },
  strip: { ext: 'jpg', mime: 'image/jpeg', needsVideo: true, label: 'Make a thumbnail strip' },
};

/** Frames in a thumbnail strip (one row). */
export const STRIP_FRAMES = 10;

export function fileJob(preset: FilePreset, src: string, dst: string, opts: { durationSec: number; maxBytes: number }): HlsJobArgs {
  const inputArgs = ['-hide_banner', '-loglevel', 'error', '-nostats', '-progress', 'pipe:2', '-y'];
  const limit = ['-fs', String(Math.max(1, Math.floor(opts.maxBytes)))];
  const even = "scale='trunc(min(1920,iw)/2)*2':-2";
  let args: string[];
  switch (preset) {
    case 'mp4':
      args = ['-map', '0:v:0', '-map', '0:a:0?', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-vf', even, '-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`, '-movflags', '+faststart', '-f', 'mp4'];
      break;
    case 'webm':
      args = ['-map', '0:v:0', '-map', '0:a:0?', '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-b:v', '0', '-crf', '34', '-vf', even, '-c:a', 'libopus', '-b:a', '96k', '-f', 'webm'];
      break;
    case 'm4a':
      args = ['-map', '0:a:0', '-vn', '-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`, '-movflags', '+faststart', '-f', 'mp4'];
      break;
    case 'mp3':
      args = ['-map', '0:a:0', '-vn', '-c:a', 'libmp3lame', '-q:a', '3', '-f', 'mp3'];
      break;
    case 'strip': {
      // STRIP_FRAMES frames evenly over the video, 160 px wide each, tiled in one row.
      const every = Math.max(0.1, opts.durationSec / STRIP_FRAMES);
      args = ['-map', '0:v:0', '-vf', `fps=1/${every.toFixed(3)},scale=160:-2,tile=${STRIP_FRAMES}x1`, '-frames:v', '1', '-q:v', '4', '-f', 'image2'];
      break;
    }
  }
  return { inputArgs, input: src, outputs: [{ target: dst, args: [...args, ...limit] }] };
}

/** Seek thumbnails: tiles of 160x90 (letterboxed), at most 100, in one JPEG sprite. */
export const SEEK_TILE_W = 160;
export const SEEK_TILE_H = 90;
export const SEEK_MAX_TILES = 100;

export interface SeekPlan {
  /** Seconds between tiles. */
  interval: number;
  count: number;
  cols: number;
  rows: number;
  tileW: number;
  tileH: number;
}

/** Pure: one tile every `interval` seconds (at least 1 s), at most SEEK_MAX_TILES, 10 per row. */
export function seekPlan(durationSec: number): SeekPlan {
  const d = Math.max(1, durationSec);
  const interval = Math.max(1, d / SEEK_MAX_TILES);
  const count = Math.max(1, Math.min(SEEK_MAX_TILES, Math.ceil(d / interval)));
  const cols = Math.min(10, count);
  return { interval: Math.round(interval * 1000) / 1000, count, cols, rows: Math.ceil(count / cols), tileW: SEEK_TILE_W, tileH: SEEK_TILE_H };
}

const quiet = ['-hide_banner', '-loglevel', 'error', '-nostats', '-y'];

/** The seek sprite of a video (argv only; 8 MB size limit). */
export function seekSpriteJob(src: string, dst: string, plan: SeekPlan): HlsJobArgs {
  const vf = `fps=1/${plan.interval},scale=${plan.tileW}:${plan.tileH}:force_original_aspect_ratio=decrease,pad=${plan.tileW}:${plan.tileH}:(ow-iw)/2:(oh-ih)/2,tile=${plan.cols}x${plan.rows}`;
  return { inputArgs: quiet, input: src, outputs: [{ target: dst, args: ['-map', '0:v:0', '-vf', vf, '-frames:v', '1', '-q:v', '5', '-f', 'image2', '-fs', String(8 * 1024 * 1024)] }] };
}

/** Pure: WebVTT cues pointing at sprite tiles (`url#xywh=x,y,w,h`), one per `interval`. */
export function seekVtt(plan: SeekPlan, spriteUrl: string, durationSec: number): string {
  const ts = (s: number) => {
    const ms = Math.round(s * 1000);
    const h = Math.floor(ms / 3_600_000);
    const m = Math.floor((ms % 3_600_000) / 60_000);
    const sec = (ms % 60_000) / 1000;
    return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${sec.toFixed(3).padStart(6, '0')}`;
  };
  const cues = ['WEBVTT', ''];
  for (let i = 0; i < plan.count; i++) {
    const start = i * plan.interval;
    const end = Math.min(Math.max(durationSec, start + plan.interval), (i + 1) * plan.interval);
    cues.push(`${ts(start)} --> ${ts(end)}`, `${spriteUrl}#xywh=${(i % plan.cols) * plan.tileW},${Math.floor(i / plan.cols) * plan.tileH},${plan.tileW},${plan.tileH}`, '');
  }
  return cues.join('\n');
}

export const WAVEFORM_W = 1200;
export const WAVEFORM_H = 160;

/** An audio waveform picture (PNG) with FFmpeg's showwavespic (argv only; 4 MB size limit). */
export function waveformJob(src: string, dst: string): HlsJobArgs {
  const filter = `[0:a:0]aformat=channel_layouts=mono,showwavespic=s=${WAVEFORM_W}x${WAVEFORM_H}:colors=0x5b6cff[w]`;
  return { inputArgs: quiet, input: src, outputs: [{ target: dst, args: ['-filter_complex', filter, '-map', '[w]', '-frames:v', '1', '-f', 'image2', '-fs', String(4 * 1024 * 1024)] }] };
}
