/**
 * File and folder names: pure rules. A name is for people only (never a storage path), but it is
 * still cleaned: no path separators, no control or invisible characters, no `.`/`..`, trimmed and
 * length-limited, and unique within its folder ("notes (2).pdf").
 */
import { FILE_NAME_MAX } from '../../protocol/files-constants.js';

// Control characters, bidi overrides and zero-width characters.
// eslint-disable-next-line no-control-regex
const BAD_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** A clean name, or null when nothing usable is left. */
export function sanitizeName(raw: string): string | null {
  let s = raw.normalize('NFC').replace(BAD_CHARS, '');
  // Keep only the last path segment a browser or tool may have sent ("C:\\x\\a.txt", "../../a").
  s = s.split(/[\\/]/).filter((p) => p.length > 0).pop() ?? '';
  s = s.replace(/[<>:"|?*]/g, '_').replace(/\s+/g, ' ').trim();
  // Windows and shells dislike names ending in dots or spaces.
  s = s.replace(/[. ]+$/, '');
  if (s === '' || s === '.' || s === '..') return null;
  if (s.length > FILE_NAME_MAX) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 12 ? s.slice(dot) : '';
    s = s.slice(0, FILE_NAME_MAX - ext.length).trimEnd() + ext;
  }
  return s;
}

/** `name`, or `name (2).ext`, `name (3).ext`... the first one not in `taken` (compared case-insensitively). */
export function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name.toLowerCase())) return name;
  const dot = name.lastIndexOf('.');
  const base = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let i = 2; ; i++) {
    const candidate = `${base.slice(0, FILE_NAME_MAX - ext.length - 8)} (${i})${ext}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}
