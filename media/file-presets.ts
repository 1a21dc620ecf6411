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
