/**
 * Pure: a small parser and checker for the HLS playlists our FFmpeg writes (RFC 8216 media and
 * master playlists), so the stream's end can be verified instead of trusted: a playlist a player
 * accepts starts with #EXTM3U, carries #EXT-X-TARGETDURATION, lists segments that fit it, and ends
 * with #EXT-X-ENDLIST once the stream is over. No file access here: callers pass text (and, for
 * the segment files, what they found on disk).
 */

export interface HlsSegment {
  uri: string;
  /** #EXTINF duration (s). */
  duration: number;
  /** #EXT-X-PROGRAM-DATE-TIME of this segment's first sample (ms since the epoch), when given. */
  programDateTime: number | null;
}

export interface MediaPlaylist {
  version: number | null;
  targetDuration: number;
  mediaSequence: number;
  segments: HlsSegment[];
  ended: boolean;
}

export type ParseResult<T> = { ok: true; playlist: T } | { ok: false; errors: string[] };

const lines = (text: string) => text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());

const tagValue = (line: string, tag: string) => (line.startsWith(`${tag}:`) ? line.slice(tag.length + 1) : null);

/** Parses a media (variant) playlist; every structural problem is listed, none is guessed around. */
export function parseMediaPlaylist(text: string): ParseResult<MediaPlaylist> {
  const errors: string[] = [];
  const ls = lines(text);
  if (ls[0] !== '#EXTM3U') errors.push('does not start with #EXTM3U');
  let version: number | null = null;
  let target: number | null = null;
  let sequence = 0;
  let ended = false;
  let pending: { duration: number } | null = null;
  let pdt: number | null = null;
  const segments: HlsSegment[] = [];
  for (let i = 1; i < ls.length; i++) {
    const line = ls[i]!;
    if (line === '') continue;
    if (ended) {
      errors.push(`line ${i + 1}: content after #EXT-X-ENDLIST`);
      break;
    }
    let v: string | null;
    if (line === '#EXTM3U') errors.push(`line ${i + 1}: a second #EXTM3U`);
    else if ((v = tagValue(line, '#EXT-X-VERSION')) !== null) version = /^\d+$/.test(v) ? Number(v) : (errors.push(`line ${i + 1}: bad version`), null);
    else if ((v = tagValue(line, '#EXT-X-TARGETDURATION')) !== null) {
      if (target !== null) errors.push(`line ${i + 1}: a second #EXT-X-TARGETDURATION`);
      if (/^\d+$/.test(v)) target = Number(v);
      else errors.push(`line ${i + 1}: #EXT-X-TARGETDURATION must be a whole number`);
    } else if ((v = tagValue(line, '#EXT-X-MEDIA-SEQUENCE')) !== null) {
      if (segments.length > 0) errors.push(`line ${i + 1}: #EXT-X-MEDIA-SEQUENCE after a segment`);
      if (/^\d+$/.test(v)) sequence = Number(v);
      else errors.push(`line ${i + 1}: bad #EXT-X-MEDIA-SEQUENCE`);
    } else if ((v = tagValue(line, '#EXT-X-PROGRAM-DATE-TIME')) !== null) {
      const t = Date.parse(v);
      if (Number.isFinite(t)) pdt = t;
      else errors.push(`line ${i + 1}: bad #EXT-X-PROGRAM-DATE-TIME`);
    } else if ((v = tagValue(line, '#EXTINF')) !== null) {
      if (pending) errors.push(`line ${i + 1}: #EXTINF without a segment URI before it`);
      const d = Number.parseFloat(v.split(',')[0] ?? '');
      if (!Number.isFinite(d) || d < 0) errors.push(`line ${i + 1}: bad #EXTINF duration`);
      pending = { duration: Number.isFinite(d) ? d : 0 };
    } else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (line.startsWith('#EXT-X-STREAM-INF')) errors.push(`line ${i + 1}: a master playlist tag in a media playlist`);
    else if (line.startsWith('#')) continue; // other tags (INDEPENDENT-SEGMENTS, DISCONTINUITY...) and comments
    else {
      if (!pending) errors.push(`line ${i + 1}: segment URI "${line}" without #EXTINF`);
      // PDT belongs to the next URI, whichever side of #EXTINF it stands (FFmpeg writes it after).
      else segments.push({ uri: line, duration: pending.duration, programDateTime: pdt });
      pending = null;
      pdt = null;
    }
  }
  if (pending) errors.push('the last #EXTINF has no segment URI');
  if (target === null) errors.push('no #EXT-X-TARGETDURATION');
  else {
    for (const s of segments) {
      // RFC 8216 4.3.3.1: each EXTINF rounded to the nearest integer is <= the target duration.
      if (Math.round(s.duration) > target) errors.push(`segment ${s.uri} (${s.duration} s) is longer than the target duration ${target} s`);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, playlist: { version, targetDuration: target!, mediaSequence: sequence, segments, ended } };
}

export interface MasterPlaylist {
  variants: { uri: string; bandwidth: number; resolution: string | null }[];
}

/** Parses a master playlist (the variant URIs and their BANDWIDTH). */
export function parseMasterPlaylist(text: string): ParseResult<MasterPlaylist> {
  const errors: string[] = [];
  const ls = lines(text);
  if (ls[0] !== '#EXTM3U') errors.push('does not start with #EXTM3U');
  const variants: MasterPlaylist['variants'] = [];
  let inf: { bandwidth: number; resolution: string | null } | null = null;
  for (let i = 1; i < ls.length; i++) {
    const line = ls[i]!;
    if (line === '') continue;
    const v = tagValue(line, '#EXT-X-STREAM-INF');
    if (v !== null) {
      const bw = /(?:^|,)BANDWIDTH=(\d+)/.exec(v);
      if (!bw) errors.push(`line ${i + 1}: #EXT-X-STREAM-INF without BANDWIDTH`);
      inf = { bandwidth: bw ? Number(bw[1]) : 0, resolution: /(?:^|,)RESOLUTION=(\d+x\d+)/.exec(v)?.[1] ?? null };
    } else if (line.startsWith('#EXTINF') || line.startsWith('#EXT-X-TARGETDURATION')) errors.push(`line ${i + 1}: a media playlist tag in a master playlist`);
    else if (line.startsWith('#')) continue;
    else if (!inf) errors.push(`line ${i + 1}: URI "${line}" without #EXT-X-STREAM-INF`);
    else {
      variants.push({ uri: line, ...inf });
      inf = null;
    }
  }
  if (variants.length === 0) errors.push('no variants');
  return errors.length > 0 ? { ok: false, errors } : { ok: true, playlist: { variants } };
}

export interface FinishedCheck {
  /** Sizes (bytes) of the files in the variant's directory, by name; a listed name missing here is missing on disk. */
  files: ReadonlyMap<string, number>;
}

/**
 * Problems that would make a finished (ended) variant playlist fail for a viewer or a recording:
 * structure (above), no segment at all, no #EXT-X-ENDLIST, a listed segment missing or empty, and
 * leftovers that are not listed but look like a segment cut short (empty, or a temp file).
 */
export function finishedPlaylistProblems(text: string, check: FinishedCheck): string[] {
  const parsed = parseMediaPlaylist(text);
  if (!parsed.ok) return parsed.errors;
  const p = parsed.playlist;
  const problems: string[] = [];
  if (p.segments.length === 0) problems.push('lists no segment');
  if (!p.ended) problems.push('does not end with #EXT-X-ENDLIST');
  const listed = new Set(p.segments.map((s) => s.uri));
  for (const s of p.segments) {
    const size = check.files.get(s.uri);
    if (size === undefined) problems.push(`listed segment ${s.uri} does not exist`);
    else if (size === 0) problems.push(`listed segment ${s.uri} is empty`);
  }
  for (const [name, size] of check.files) {
    if (listed.has(name) || /\.m3u8$/.test(name)) continue;
    if (/\.tmp$/.test(name)) problems.push(`leftover temporary file ${name}`);
    else if (size === 0) problems.push(`empty unlisted file ${name}`);
  }
  return problems;
}

/**
 * The playlist closed with #EXT-X-ENDLIST (unchanged when it already ends so), or null when the
 * text is not a valid media playlist: appending to an empty or broken file would only make a
 * different broken file.
 */
export function withEndlist(text: string): string | null {
  const parsed = parseMediaPlaylist(text);
  if (!parsed.ok) return null;
  if (parsed.playlist.ended) return text;
  return `${text.replace(/\s*$/, '')}\n#EXT-X-ENDLIST\n`;
}

/**
 * How much later than the media really reached us FFmpeg's #EXT-X-PROGRAM-DATE-TIME runs (ms, >= 0),
 * or null when no segment carries a date. FFmpeg dates segment k as (wall clock when it wrote its
 * header) + (media time): the header comes after probing input that was already waiting (node-media-
 * server hands a new reader its cached GOP), so every date is late by about that probing time
 * (measured ~1 s). A segment's file is finished when the first packet of the next one arrives, so
 * `finishedAt` (its mtime) is when the media at date + duration reached us. Scheduling delays only
 * make files later, so the largest difference is the best estimate.
 */
export function programDateLagMs(segments: readonly { programDateTime: number | null; duration: number; finishedAt: number }[]): number | null {
  let best: number | null = null;
  for (const s of segments) {
    if (s.programDateTime === null) continue;
    const lag = s.programDateTime + s.duration * 1000 - s.finishedAt;
    if (best === null || lag > best) best = lag;
  }
  return best === null ? null : Math.max(0, Math.round(best));
}
