/**
 * Which FFmpeg the server uses (issue 17 #25): FFMPEG_PATH overrides, else `ffmpeg` on PATH, else
 * the optional bundled package; none means streaming is off with a reason that says what to do.
 * Real binaries: a temporary directory with a link to this machine's ffmpeg stands in for PATH.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg, onPath } from './ffmpeg-binary.js';

const real = onPath('ffmpeg', process.env.PATH);
const tmp = mkdtempSync(join(tmpdir(), 'commonroom-ffmpeg-binary-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A directory holding links to real binaries (name -> target). */
function dirWith(name: string, links: Record<string, string>): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, target] of Object.entries(links)) symlinkSync(target, join(dir, file));
  return dir;
}

const noBundle = () => null;

describe.skipIf(!real || process.platform === 'win32')('findFfmpeg', () => {
  let sysDir = '';
  let otherDir = '';
  let empty = '';
  beforeAll(() => {
    sysDir = dirWith('sys', { ffmpeg: real! });
    otherDir = dirWith('other', { ffmpeg: real! });
    empty = dirWith('empty', {});
  });

  it('uses ffmpeg on PATH first, even when the bundled package is installed', async () => {
    const { binary } = await findFfmpeg(undefined, { pathEnv: sysDir, bundled: () => join(otherDir, 'ffmpeg') });
    expect(binary).toMatchObject({ source: 'system', ffmpeg: join(sysDir, 'ffmpeg') });
    expect(binary!.version).toMatch(/^ffmpeg version/);
  });

  it('FFMPEG_PATH overrides PATH', async () => {
    const { binary } = await findFfmpeg(join(otherDir, 'ffmpeg'), { pathEnv: sysDir, bundled: noBundle });
    expect(binary).toMatchObject({ source: 'config', ffmpeg: join(otherDir, 'ffmpeg') });
  });

  it('falls back to the optional bundled package (no ffprobe) when PATH has none', async () => {
    const { binary } = await findFfmpeg(undefined, { pathEnv: empty, bundled: () => join(otherDir, 'ffmpeg') });
    expect(binary).toMatchObject({ source: 'bundled', ffmpeg: join(otherDir, 'ffmpeg'), ffprobe: null });
  });

  it('skips an ffmpeg on PATH that does not run', async () => {
    const broken = dirWith('broken', {});
    writeFileSync(join(broken, 'ffmpeg'), '#!/bin/sh\nexit 3\n');
    chmodSync(join(broken, 'ffmpeg'), 0o755);
    const { binary } = await findFfmpeg(undefined, { pathEnv: broken, bundled: () => join(otherDir, 'ffmpeg') });
    expect(binary?.source).toBe('bundled');
  });

  it('with none at all: no binary, and a reason that says how to get one', async () => {
    const { binary, reason } = await findFfmpeg(undefined, { pathEnv: empty, bundled: noBundle });
    expect(binary).toBeNull();
    expect(reason).toMatch(/no FFmpeg found/);
    expect(reason).toMatch(/apt-get install ffmpeg/);
    expect(reason).toMatch(/FFMPEG_PATH/);
  });

  it('a broken FFMPEG_PATH is reported as such, not silently replaced', async () => {
    const { binary, reason } = await findFfmpeg(join(empty, 'nope'), { pathEnv: sysDir, bundled: noBundle });
    expect(binary).toBeNull();
    expect(reason).toMatch(/FFMPEG_PATH=.*nope does not run/);
  });
});
