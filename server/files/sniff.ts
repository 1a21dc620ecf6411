/**
 * What a file is, from its bytes (file-type's magic numbers), never from its name or the browser's
 * claim. Bytes file-type does not know are `text/plain` when they decode as UTF-8 without NULs,
 * else `application/octet-stream`.
 */
import { open } from 'node:fs/promises';
import type { FileKind } from '../../protocol/files-constants.js';

export interface Sniffed {
  mime: string;
  kind: FileKind;
}

const ARCHIVES = new Set(['application/zip', 'application/x-tar', 'application/gzip', 'application/x-7z-compressed', 'application/x-rar-compressed', 'application/x-bzip2', 'application/x-xz', 'application/zstd']);

export function kindOf(mime: string): FileKind {
  if (mime === 'application/pdf') return 'pdf';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('text/')) return 'text';
  if (ARCHIVES.has(mime)) return 'archive';
  return 'other';
}

async function looksLikeText(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead === 0) return true;
    const head = buf.subarray(0, bytesRead);
    if (head.includes(0)) return false;
    // A multi-byte character may be cut at the end of the sample: drop up to 3 trailing bytes.
    for (let cut = 0; cut < 4 && cut < head.length; cut++) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
        return true;
      } catch {
        /* try a shorter sample */
      }
    }
    return false;
  } finally {
    await fh.close();
  }
}

export async function sniffFile(path: string): Promise<Sniffed> {
  // file-type is loaded with the first upload, not at start-up (ADR 0034).
  const { fileTypeFromFile } = await import('file-type');
  const ft = await fileTypeFromFile(path).catch(() => undefined);
  if (ft) {
    // file-type names some containers by their brand; browsers know these names.
    const mime = ft.mime === 'audio/x-m4a' ? 'audio/mp4' : ft.mime === 'video/quicktime' ? 'video/quicktime' : ft.mime;
    return { mime, kind: kindOf(mime) };
  }
  if (await looksLikeText(path)) return { mime: 'text/plain', kind: 'text' };
  return { mime: 'application/octet-stream', kind: 'other' };
}

/**
 * Types served inline from our origin (opened in a tab): raster images and media. Everything else
 * (text, PDF, HTML, SVG, XML, scripts) is an attachment; previews read those bytes with fetch().
 */
const INLINE = new Set([
  'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp',
  'video/mp4', 'video/webm', 'video/ogg', 'audio/mpeg', 'audio/ogg', 'audio/wav', 'audio/x-wav', 'audio/mp4', 'audio/webm', 'audio/flac', 'audio/x-flac', 'audio/aac',
]);

export const servedInline = (mime: string) => INLINE.has(mime);
