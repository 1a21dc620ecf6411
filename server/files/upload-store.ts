/**
 * The tus side of the storage seam: unfinished uploads on the local disk (@tus/file-store), with
 * our own byte sink so a failed write says why. @tus/file-store turns every write error into a
 * generic 500; here a full disk (ENOSPC, EDQUOT) mid-PATCH becomes 507 STORAGE_FULL with the same
 * message as the free-space floor, and any other write error a 500 that says the upload is kept.
 * Either way the bytes that reached the disk stay: HEAD reports them and Resume continues there.
 */
import { createWriteStream } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore } from '@tus/file-store';
import type { ErrorBody } from '../../protocol/errors.js';

/** Opens the sink an upload's bytes are written to, at `offset` of its file. */
export type UploadSink = (path: string, offset: number) => Writable;

export const diskSink: UploadSink = (path, offset) => createWriteStream(path, { flags: 'r+', start: offset });

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

export const STORAGE_FULL_MESSAGE = 'The server is out of disk space. Your upload is kept: resume it once space is freed.';
/** The same refusal before an upload exists (tus creation): nothing was stored. */
export const STORAGE_FULL_START_MESSAGE = 'The server is out of disk space, so this upload cannot start. Try again once space is freed.';

/** Free bytes on the disk holding `dir` (for unprivileged users: `bavail`). */
export async function freeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/** What tus sends back for a write that failed part-way (tus writes `status_code` and `body`). */
export function writeFailure(err: unknown): { status_code: number; body: string } {
  const code = (err as NodeJS.ErrnoException | null)?.code ?? '';
  const error: ErrorBody = DISK_FULL.has(code)
    ? { code: 'STORAGE_FULL', message: STORAGE_FULL_MESSAGE }
    : { code: 'INTERNAL', message: 'The server could not store your upload. What arrived is kept: resume it later.' };
  return { status_code: DISK_FULL.has(code) ? 507 : 500, body: JSON.stringify({ error }) };
}

export class UploadStore extends FileStore {
  /** Where bytes go; replaced only to inject faults (a test filling the disk). */
  sink: UploadSink = diskSink;
  /**
   * Free bytes where uploads are written (statfs of the upload directory). The free-space floor
   * (FILES_MIN_FREE_MB) is checked against it before bytes are accepted; a test injects another
   * probe to play a disk that is nearly full.
   */
  freeSpace: () => Promise<number> = () => freeBytes(this.directory);
  /** Called with every write error (logging). */
  onWriteError: (err: unknown, id: string) => void = () => undefined;

  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        received += chunk.length;
        done(null, chunk);
      },
    });
    // Upload ids are ours (32 hex digits, checked by the route as well): never a path of the caller's.
    if (!/^[0-9a-f]{32}$/.test(id)) throw { status_code: 404, body: 'The file for this request was not found\n' };
    const sink = this.sink(join(this.directory, id), offset);
    // tus's own pipeline sees the sink's error object (its source is destroyed with it) before our
    // promise rejects: the mapping is put on that very object, first listener, before pipeline's.
    sink.once('error', (err) => {
      this.onWriteError(err, id);
      Object.assign(err, writeFailure(err));
    });
    await pipeline(readable, counter, sink);
    return offset + received;
  }
}
