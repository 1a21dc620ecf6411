/**
 * Sending a stored file: single byte ranges (206, 416), strong ETag (the sha256), If-None-Match
 * (304), If-Range (a mismatch sends the whole file), and the safety headers of file responses
 * (nosniff, a sandboxing CSP, attachment unless the type is safe to show inline).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { servedInline } from './sniff.js';

export type ByteRange = { start: number; end: number };

/**
 * Pure: the range a `Range` header asks for in a body of `size` bytes. `null`: send everything
 * (no header, a form we do not serve such as several ranges); `'unsatisfiable'`: 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m as unknown as [string, string, string];
  if (a === '' && b === '') return null;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/** RFC 6266 Content-Disposition with an ASCII fallback and the UTF-8 name. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

export interface Sendable {
  name: string;
  size: number;
  mime: string;
  etag: string;
  lastModified: number;
  open(range?: ByteRange): Readable;
}

export function sendStored(req: FastifyRequest, reply: FastifyReply, f: Sendable, opts: { download: boolean; track?: (s: Readable) => void }): FastifyReply {
  const etag = `"${f.etag}"`;
  const inline = !opts.download && servedInline(f.mime);
  void reply
    .header('content-type', f.mime.startsWith('text/') ? `${f.mime}; charset=utf-8` : f.mime)
    .header('accept-ranges', 'bytes')
    .header('etag', etag)
    .header('last-modified', new Date(f.lastModified).toUTCString())
    .header('cache-control', 'private, no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox")
    .header('cross-origin-resource-policy', 'same-origin')
    .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', f.name));
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) return reply.status(304).send();
  // If-Range: the range only holds for the same bytes (our ETag; a date is never exact enough here).
  const ifRange = req.headers['if-range'];
  const rangeAllowed = !ifRange || ifRange === etag;
  const range = rangeAllowed ? parseRange(req.headers.range, f.size) : null;
  if (range === 'unsatisfiable') return reply.status(416).header('content-range', `bytes */${f.size}`).send();
  if (range) {
    const s = f.open(range);
    opts.track?.(s);
    return reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${f.size}`).header('content-length', String(range.end - range.start + 1)).send(s);
  }
  const s = f.open();
  opts.track?.(s);
  return reply.header('content-length', String(f.size)).send(s);
}
