/**
 * A folder or a selection as one streamed ZIP (issue 11, item 8). `yazl` writes entries one after
 * the other; each entry's bytes are opened only when yazl reaches it (`addReadStreamLazy`) and piped
 * from the blob store, so memory stays flat whatever the total size. Entries are stored (no
 * compression: most files people share are compressed already, and the archive streams at disk
 * speed); ZIP64 is used past 4 GB. Names inside come from our cleaned names, made unique per folder.
 */
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { sanitizeName, uniqueName } from './names.js';

export interface ZipEntry {
  /** Path inside the archive: cleaned segments joined by `/`. */
  path: string;
  size: number;
  mtime: number;
  open: () => Readable;
}

/** Pure: a path segment safe inside a ZIP (no separators, dots-only or control characters). */
export function zipSegment(name: string): string {
  return sanitizeName(name) ?? 'unnamed';
}

/** Pure: unique, cleaned paths for (folder path, name) pairs, in order. */
export class ZipNames {
  private readonly taken = new Map<string, Set<string>>();
  add(dirs: string[], name: string): string {
    const dir = dirs.map(zipSegment).join('/');
    const set = this.taken.get(dir) ?? new Set<string>();
    this.taken.set(dir, set);
    const unique = uniqueName(zipSegment(name), set);
    set.add(unique.toLowerCase());
    return dir ? `${dir}/${unique}` : unique;
  }
}

/** Starts the archive; the returned stream is the ZIP's bytes. */
export function zipStream(entries: ZipEntry[], emptyDirs: string[] = []): Readable {
  const zip = new ZipFile();
  for (const d of emptyDirs) zip.addEmptyDirectory(d);
  for (const e of entries) {
    zip.addReadStreamLazy(e.path, { size: e.size, mtime: new Date(e.mtime), compress: false }, (cb) => {
      try {
        cb(null, e.open());
      } catch (err) {
        cb(err as Error, undefined as unknown as Readable);
      }
    });
  }
  zip.end();
  return zip.outputStream as unknown as Readable;
}
