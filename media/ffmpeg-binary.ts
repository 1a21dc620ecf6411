/**
 * Finds the FFmpeg to use: FFMPEG_PATH (config) when set, else `ffmpeg` on PATH (Debian: 5.1),
 * else the static build of the optional npm package `@ffmpeg-installer/ffmpeg` (2018, 4.1-era:
 * libx264 and aac, no ffprobe, no `name:` keys in -var_stream_map), when it was installed. None:
 * live streaming is off and the reason says how to get one. Asynchronous so it never delays
 * start-up.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

export interface FfmpegBinary {
  ffmpeg: string;
  /** null when no ffprobe sits beside it or on PATH (the bundled build has none). */
  ffprobe: string | null;
  source: 'config' | 'system' | 'bundled';
  /** The first line of `ffmpeg -version`. */
  version: string;
}

export interface FindOptions {
  /** The PATH to search (default: this process's). */
  pathEnv?: string;
  /** The optional package's binary, or null when it is not installed (default: resolve it). */
  bundled?: () => string | null;
}

/** What a person without FFmpeg should do (shown to broadcasters and logged at start). */
export const INSTALL_FFMPEG_HINT =
  'install FFmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg) and restart, or set FFMPEG_PATH; ' +
  'without one, `npm install` adds the optional bundled build (@ffmpeg-installer/ffmpeg) unless optional dependencies were omitted';

/** Runs `<bin> -version`; resolves its first line, or null when it cannot run. */
function versionOf(bin: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(bin, ['-hide_banner', '-version'], { timeout: 5000, windowsHide: true }, (err, stdout) => {
      if (err) return resolve(null);
      resolve(String(stdout).split('\n')[0]?.trim() || 'ffmpeg (unknown version)');
    });
  });
}

/** The absolute path of an executable `name` in the directories of `pathEnv`, or null. */
export function onPath(name: string, pathEnv: string | undefined): string | null {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = join(dir, name + ext);
      try {
        if (!statSync(file).isFile()) continue;
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return null;
}

function bundledPath(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const mod = require('@ffmpeg-installer/ffmpeg') as { path: string };
    return mod.path && existsSync(mod.path) ? mod.path : null;
  } catch {
    // Not installed (an optional dependency), or it throws (a string) on platforms it has no build for.
    return null;
  }
}

async function probeFor(ffmpeg: string, source: FfmpegBinary['source'], pathEnv: string | undefined): Promise<string | null> {
  if (source === 'bundled') return null;
  if (ffmpeg.includes('/') || ffmpeg.includes('\\')) {
    const beside = join(dirname(ffmpeg), process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe');
    if (existsSync(beside) && (await versionOf(beside))) return beside;
  }
  const probe = onPath('ffprobe', pathEnv);
  return probe && (await versionOf(probe)) ? probe : null;
}

/** Resolves the binary, or null with `reason` (including what to do) when none works. */
export async function findFfmpeg(configured: string | undefined, opts: FindOptions = {}): Promise<{ binary: FfmpegBinary | null; reason: string }> {
  const pathEnv = opts.pathEnv ?? process.env.PATH;
  const candidates: [string, FfmpegBinary['source']][] = [];
  if (configured) candidates.push([configured, 'config']);
  else {
    const system = onPath('ffmpeg', pathEnv);
    if (system) candidates.push([system, 'system']);
    const bundled = (opts.bundled ?? bundledPath)();
    if (bundled) candidates.push([bundled, 'bundled']);
  }
  for (const [bin, source] of candidates) {
    const version = await versionOf(bin);
    if (version) return { binary: { ffmpeg: bin, ffprobe: await probeFor(bin, source, pathEnv), source, version }, reason: '' };
  }
  return {
    binary: null,
    reason: configured
      ? `FFMPEG_PATH=${configured} does not run (fix or unset it)`
      : `no FFmpeg found on PATH and the optional bundled one is not installed: ${INSTALL_FFMPEG_HINT}`,
  };
}
