/**
 * Finds the FFmpeg to use: FFMPEG_PATH (config) first, then `ffmpeg` on PATH (Debian: 5.1), then the
 * static build bundled in the npm package `@ffmpeg-installer/ffmpeg` (2018, 4.1-era: libx264 and
 * aac, no ffprobe, no `name:` keys in -var_stream_map). Asynchronous so it never delays start-up.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';

export interface FfmpegBinary {
  ffmpeg: string;
  /** null when no ffprobe sits beside it or on PATH (the bundled build has none). */
  ffprobe: string | null;
  source: 'config' | 'system' | 'bundled';
  /** The first line of `ffmpeg -version`. */
  version: string;
}

/** Runs `<bin> -version`; resolves its first line, or null when it cannot run. */
function versionOf(bin: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(bin, ['-hide_banner', '-version'], { timeout: 5000, windowsHide: true }, (err, stdout) => {
      if (err) return resolve(null);
      resolve(String(stdout).split('\n')[0]?.trim() || 'ffmpeg (unknown version)');
    });
  });
}

function bundledPath(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const mod = require('@ffmpeg-installer/ffmpeg') as { path: string };
    return mod.path && existsSync(mod.path) ? mod.path : null;
  } catch {
    // The package throws (a string) on platforms it has no build for.
    return null;
  }
}

async function probeFor(ffmpeg: string, source: FfmpegBinary['source']): Promise<string | null> {
  if (source === 'bundled') return null;
  if (ffmpeg.includes('/')) {
    const beside = join(dirname(ffmpeg), 'ffprobe');
    if (existsSync(beside) && (await versionOf(beside))) return beside;
  }
  return (await versionOf('ffprobe')) ? 'ffprobe' : null;
}

/** Resolves the binary, or null with `reason` when none works. */
export async function findFfmpeg(configured: string | undefined): Promise<{ binary: FfmpegBinary | null; reason: string }> {
  const candidates: [string, FfmpegBinary['source']][] = [];
  if (configured) candidates.push([configured, 'config']);
  else {
    candidates.push(['ffmpeg', 'system']);
    const bundled = bundledPath();
    if (bundled) candidates.push([bundled, 'bundled']);
  }
  for (const [bin, source] of candidates) {
    const version = await versionOf(bin);
    if (version) return { binary: { ffmpeg: bin, ffprobe: await probeFor(bin, source), source, version }, reason: '' };
  }
  return {
    binary: null,
    reason: configured
      ? `FFMPEG_PATH=${configured} does not run`
      : 'no ffmpeg on PATH and the bundled @ffmpeg-installer/ffmpeg is missing (install ffmpeg, e.g. apt-get install ffmpeg)',
  };
}
