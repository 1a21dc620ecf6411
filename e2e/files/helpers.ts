/** Helpers of the files specs: tus uploads through the API, media made by FFmpeg, ZIPs read back. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type APIRequestContext } from '@playwright/test';

export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const meta = (m: Record<string, string>) => Object.entries(m).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');

/** Uploads `bytes` in one tus PATCH (optionally into a folder); returns the new file's id. */
export async function tusUpload(request: APIRequestContext, roomId: number, name: string, bytes: Buffer, folderId?: number): Promise<number> {
  const m: Record<string, string> = { roomId: String(roomId), filename: name };
  if (folderId) m.folderId = String(folderId);
  const created = await request.post('/api/files/tus', { headers: { 'tus-resumable': '1.0.0', 'upload-length': String(bytes.length), 'upload-metadata': meta(m) } });
  expect(created.status()).toBe(201);
  const done = await request.patch(created.headers()['location']!, { headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, data: bytes });
  expect(done.status()).toBe(204);
  return Number(done.headers()['x-file-id']);
}

export const hasFfmpeg = () => spawnSync('ffmpeg', ['-version']).status === 0;

/** Runs FFmpeg (argv, never a shell) into a temporary directory and returns the output's path. */
export function ffmpegMake(name: string, args: string[], dir = mkdtempSync(join(tmpdir(), 'cr-e2e-media-'))): string {
  const out = join(dir, name);
  const run = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, out], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return out;
}

export const readBytes = (path: string) => readFileSync(path);

/** Tests a ZIP with Info-ZIP's unzip and returns its entries: path → bytes (directories end with '/'). */
export function unzipEntries(zipPath: string): Map<string, Buffer> {
  const check = spawnSync('unzip', ['-tq', zipPath], { encoding: 'utf8' });
  expect(check.status, check.stdout + check.stderr).toBe(0);
  const names = spawnSync('unzip', ['-Z1', zipPath], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  const out = new Map<string, Buffer>();
  for (const n of names) {
    if (n.endsWith('/')) {
      out.set(n, Buffer.alloc(0));
      continue;
    }
    // -p writes one member's bytes to stdout; brackets and the like are taken literally by -p only when escaped.
    const member = spawnSync('unzip', ['-p', zipPath, n.replace(/([[\]*?\\])/g, '\\$1')], { maxBuffer: 256 * 1024 * 1024 });
    expect(member.status).toBe(0);
    out.set(n, member.stdout);
  }
  return out;
}

export function writeTemp(name: string, bytes: Buffer): string {
  const p = join(mkdtempSync(join(tmpdir(), 'cr-e2e-files-')), name);
  writeFileSync(p, bytes);
  return p;
}
