/**
 * Where file bytes live. One small interface so an S3-compatible store can replace the local disk
 * without touching the feature: keys are ours (`blobs/<sha256>`, `thumbs/<sha256>.webp`), never a
 * user's file name.
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

export interface BlobStat {
  size: number;
  mtimeMs: number;
}

export interface BlobStore {
  /** Takes a finished local file in under `key` (moved when possible). An existing key is kept (same content). */
  putFile(key: string, sourcePath: string): Promise<void>;
  stat(key: string): Promise<BlobStat | null>;
  /** Reads the bytes, or an inclusive byte range of them. */
  read(key: string, range?: { start: number; end: number }): Readable;
  delete(key: string): Promise<void>;
  /**
   * A local path for tools that need one (sharp, FFmpeg). The local store returns the blob itself;
   * a remote store would download to a temporary file.
   */
  localPath(key: string): Promise<string>;
}

/** Keys are a few fixed shapes of lower-case hex and dots: nothing can climb out of the root. */
const KEY_RE = /^(blobs|thumbs|posters|strips|seek|waves)\/[0-9a-f]{64}(\.[a-z0-9]{1,5})?$/;

export function assertKey(key: string): void {
  if (!KEY_RE.test(key)) throw new Error(`bad blob key: ${key}`);
}

export const blobKey = (sha256: string) => `blobs/${sha256}`;
export const thumbKey = (sha256: string) => `thumbs/${sha256}.webp`;
/** Seek thumbnails of a video: the sprite and its plan (JSON). */
export const seekKey = (sha256: string) => `seek/${sha256}.jpg`;
export const seekMetaKey = (sha256: string) => `seek/${sha256}.json`;
/** Waveform picture of an audio file. */
export const waveKey = (sha256: string) => `waves/${sha256}.png`;

/** Files on the local disk under `root` (DATA_DIR/files/store), fanned out by the first hex pair. */
export class LocalDiskStore implements BlobStore {
  constructor(private readonly root: string) {}

  private path(key: string): string {
    assertKey(key);
    const [dir, name] = key.split('/') as [string, string];
    return join(this.root, dir, name.slice(0, 2), name);
  }

  async putFile(key: string, sourcePath: string): Promise<void> {
    const target = this.path(key);
    if (await stat(target).catch(() => null)) {
      await rm(sourcePath, { force: true });
      return;
    }
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(sourcePath, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      const tmp = `${target}.part`;
      await copyFile(sourcePath, tmp);
      await rename(tmp, target);
      await rm(sourcePath, { force: true });
    }
  }

  async stat(key: string): Promise<BlobStat | null> {
    const st = await stat(this.path(key)).catch(() => null);
    return st?.isFile() ? { size: st.size, mtimeMs: st.mtimeMs } : null;
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(key), range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async localPath(key: string): Promise<string> {
    return this.path(key);
  }
}
