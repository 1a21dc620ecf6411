/** What a published source carries: from RTMP metadata (instant) or ffprobe (fallback). */
import { execFile } from 'node:child_process';
import type { SourceInfo } from './presets.js';

/** FLV codec ids (onMetaData) or FourCCs (enhanced RTMP) to names. */
export function videoCodecName(id: unknown): string {
  if (id === 7 || id === 'avc1' || id === 'h264') return 'h264';
  if (id === 12 || id === 'hvc1' || id === 'hev1' || id === 'hevc') return 'hevc';
  if (id === 'av01') return 'av1';
  if (id === 'vp09') return 'vp9';
  if (id === undefined || id === null || id === 0 || id === '') return 'unknown';
  return `codec-${String(id).replace(/[^A-Za-z0-9_-]/g, '')}`;
}

export function audioCodecName(id: unknown): string | null {
  if (id === 10 || id === 'mp4a' || id === 'aac') return 'aac';
  if (id === 2 || id === 'mp3' || id === '.mp3') return 'mp3';
  if (id === 'Opus' || id === 'opus') return 'opus';
  if (id === undefined || id === null || id === 0 || id === '') return null;
  return `codec-${String(id).replace(/[^A-Za-z0-9_-]/g, '')}`;
}

/** From the publisher's onMetaData; null until it has arrived. */
export function sourceFromMetadata(s: { videoCodec: unknown; audioCodec: unknown; videoWidth: number; videoHeight: number; videoFramerate: number }): SourceInfo | null {
  if (!s.videoCodec && !s.videoWidth) return null;
  return {
    videoCodec: videoCodecName(s.videoCodec),
    audioCodec: audioCodecName(s.audioCodec),
    width: Number(s.videoWidth) || 0,
    height: Number(s.videoHeight) || 0,
    fps: Number(s.videoFramerate) || 0,
  };
}

/** Runs ffprobe on a URL (read timeout 3 s); null when it fails. */
export function ffprobeSource(ffprobe: string, url: string, timeoutMs = 5000): Promise<SourceInfo | null> {
  const args = ['-v', 'error', '-rw_timeout', '3000000', '-analyzeduration', '1000000', '-show_entries', 'stream=codec_type,codec_name,width,height,avg_frame_rate', '-of', 'json', url];
  return new Promise((resolve) => {
    execFile(ffprobe, args, { timeout: timeoutMs, windowsHide: true }, (err, stdout) => {
      if (err) return resolve(null);
      try {
        const streams = (JSON.parse(String(stdout)) as { streams?: Record<string, unknown>[] }).streams ?? [];
        const v = streams.find((s) => s.codec_type === 'video');
        const a = streams.find((s) => s.codec_type === 'audio');
        if (!v) return resolve(null);
        const [n, d] = String(v.avg_frame_rate ?? '0/1').split('/').map(Number);
        resolve({
          videoCodec: String(v.codec_name ?? 'unknown'),
          audioCodec: a ? String(a.codec_name ?? 'unknown') : null,
          width: Number(v.width) || 0,
          height: Number(v.height) || 0,
          fps: n && d ? n / d : 0,
        });
      } catch {
        resolve(null);
      }
    });
  });
}
