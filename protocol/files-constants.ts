/** Room files: zod-free constants shared by the client chunk and the server. */

/** What the bytes say a file is (detected on the server, never taken from the name or browser). */
export const FILE_KINDS = ['image', 'video', 'audio', 'pdf', 'text', 'archive', 'other'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** Who may upload in a room. */
export const UPLOAD_ROLES = ['member', 'moderator'] as const;
export type UploadRole = (typeof UPLOAD_ROLES)[number];

export const FILE_NAME_MAX = 200;
export const FILE_SORTS = ['name', 'size', 'date', 'type'] as const;
export type FileSort = (typeof FILE_SORTS)[number];

/** Thumbnail state of a file: `none` for kinds that have none. */
export const THUMB_STATES = ['none', 'pending', 'ready', 'failed'] as const;
export type ThumbState = (typeof THUMB_STATES)[number];

/** The tus endpoint (creation: POST here; an upload: <TUS_PATH>/<uploadId>). */
export const TUS_PATH = '/api/files/tus';

/** Text previews read at most this many bytes. */
export const TEXT_PREVIEW_MAX = 256 * 1024;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** Media tools (FFmpeg jobs) on video and audio files; labels for the menu. */
export const FILE_PRESETS = ['mp4', 'webm', 'm4a', 'mp3', 'strip'] as const;
export type FilePresetName = (typeof FILE_PRESETS)[number];
export const FILE_PRESET_LABELS: Record<FilePresetName, string> = {
  mp4: 'Convert to MP4 (H.264/AAC)',
  webm: 'Convert to WebM (VP9/Opus)',
  m4a: 'Extract audio (M4A)',
  mp3: 'Extract audio (MP3)',
  strip: 'Make a thumbnail strip',
};
export const FILE_JOB_STATES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type FileJobState = (typeof FILE_JOB_STATES)[number];
