/** Test helpers for room files: raw tus requests and tus-js-client uploads against the real server. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Upload } from 'tus-js-client';
import { TUS_PATH } from '../../protocol/files-constants.js';
import type { Client } from '../test/harness.js';

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Generates a media file with FFmpeg (`args` = inputs and codecs, e.g. lavfi testsrc2/sine) into `dir` and returns its bytes. */
export function makeMedia(ffmpeg: string, dir: string, name: string, args: string[]): Buffer {
  const out = join(dir, name);
  const r = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-y', ...args, out]);
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return readFileSync(out);
}

export function metadataHeader(meta: Record<string, string>): string {
  return Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');
}

/** POST a tus creation; returns the response (Location holds the upload URL). */
export async function tusCreate(c: Client, meta: Record<string, string>, length: number, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(c.url + TUS_PATH, {
    method: 'POST',
    headers: { 'tus-resumable': '1.0.0', 'upload-length': String(length), 'upload-metadata': metadataHeader(meta), ...(c.cookie ? { cookie: c.cookie } : {}), ...headers },
  });
}

export async function tusPatch(c: Client, location: string, offset: number, body: Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(c.url + location, {
    method: 'PATCH',
    headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', ...(c.cookie ? { cookie: c.cookie } : {}), ...headers },
    body: new Uint8Array(body),
  });
}

export async function tusHead(c: Client, location: string): Promise<Response> {
  return fetch(c.url + location, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', ...(c.cookie ? { cookie: c.cookie } : {}) } });
}

/** Creates and sends a whole upload in one PATCH; returns the new file id. */
export async function uploadBytes(c: Client, roomId: number, name: string, bytes: Buffer, folderId?: number): Promise<number> {
  const created = await tusCreate(c, { roomId: String(roomId), filename: name, ...(folderId ? { folderId: String(folderId) } : {}) }, bytes.length);
  if (created.status !== 201) throw new Error(`tus create ${created.status}: ${await created.text()}`);
  const location = created.headers.get('location')!;
  const done = await tusPatch(c, location, 0, bytes);
  if (done.status !== 204) throw new Error(`tus patch ${done.status}: ${await done.text()}`);
  return Number(done.headers.get('x-file-id'));
}

/** Uploads with tus-js-client (the browser's library, here on Node); resolves with the upload URL. */
export function tusJsUpload(c: Client, bytes: Buffer, opts: { roomId: number; name: string; uploadUrl?: string; chunkSize?: number; onProgress?: (sent: number) => void; abortAfter?: number }): Promise<{ url: string; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const up: Upload = new Upload(bytes, {
      endpoint: c.url + TUS_PATH,
      ...(opts.uploadUrl ? { uploadUrl: opts.uploadUrl } : {}),
      headers: { cookie: c.cookie },
      metadata: { roomId: String(opts.roomId), filename: opts.name },
      chunkSize: opts.chunkSize ?? Infinity,
      retryDelays: [],
      storeFingerprintForResuming: false,
      onProgress: (sent) => {
        opts.onProgress?.(sent);
        if (opts.abortAfter !== undefined && sent >= opts.abortAfter) {
          void up.abort().then(() => resolve({ url: up.url!, aborted: true }));
        }
      },
      onError: reject,
      onSuccess: () => resolve({ url: up.url!, aborted: false }),
    });
    up.start();
  });
}
