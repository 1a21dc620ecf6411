/**
 * FFmpeg argument presets, as argv arrays built from named rungs: never a shell string, never raw
 * user input (the only outside values are numbers we parsed and paths we made). Pure functions.
 */

/** Re-encode rungs: height and video bitrate (kbit/s). Audio is AAC 128 kbit/s 48 kHz stereo. */
export const RUNGS = {
  '1080p': { height: 1080, videoKbps: 5000 },
  '720p': { height: 720, videoKbps: 2800 },
  '480p': { height: 480, videoKbps: 1400 },
  '360p': { height: 360, videoKbps: 800 },
  '240p': { height: 240, videoKbps: 400 },
} as const;
export type RungName = keyof typeof RUNGS;
export const AUDIO_KBPS = 128;
/** HLS segment length (s): also the keyframe interval we encode with. */
export const SEGMENT_SECONDS = 1;
/** Segments kept in a live playlist (and on disk: older ones are deleted). */
export const LIST_SIZE = 6;

/** STREAM_LADDER parsed: `auto`, or an optional source copy plus re-encode rungs. */
export interface LadderSpec {
  auto: boolean;
  copy: boolean;
  rungs: RungName[];
}

export function parseLadder(spec: string): LadderSpec {
  const parts = spec
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  if (parts.length === 0) throw new Error('STREAM_LADDER is empty');
  if (parts.length === 1 && parts[0] === 'auto') return { auto: true, copy: false, rungs: [] };
  const rungs: RungName[] = [];
  let copy = false;
  for (const p of parts) {
    if (p === 'copy' || p === 'source') copy = true;
    else if (p in RUNGS) {
      if (!rungs.includes(p as RungName)) rungs.push(p as RungName);
    } else throw new Error(`STREAM_LADDER: unknown rendition "${p}" (use auto, copy, ${Object.keys(RUNGS).join(', ')})`);
  }
  if (rungs.length > 4) throw new Error('STREAM_LADDER: at most 4 re-encoded renditions');
  rungs.sort((a, b) => RUNGS[b].height - RUNGS[a].height);
  return { auto: false, copy, rungs };
}

/** What we know about the published source (from RTMP metadata or ffprobe). */
export interface SourceInfo {
  videoCodec: string; // 'h264', 'hevc', ... or 'unknown'
  audioCodec: string | null; // 'aac', 'mp3', ... null when the source has no audio
  width: number;
  height: number;
  fps: number;
}

export interface PlannedRendition {
  index: number;
  name: string;
  copy: boolean;
  /** Target height (source height for a copy, 0 if unknown). */
  height: number;
  width: number;
  videoKbps: number;
}

/** HLS in browsers (hls.js / MSE) needs H.264 + AAC: only then is a source copy playable everywhere. */
export function copyable(src: SourceInfo): boolean {
  return src.videoCodec === 'h264' && (src.audioCodec === null || src.audioCodec === 'aac');
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/**
 * The renditions for one stream. `auto`: a source copy when the source is H.264/AAC, else one 720p
 * re-encode. A copy asked for on an incompatible source becomes a 720p re-encode. Rungs taller than
 * the source are dropped (no upscaling) unless nothing would be left.
 */
export function planRenditions(spec: LadderSpec, src: SourceInfo): PlannedRendition[] {
  const canCopy = copyable(src);
  let copy = spec.auto ? canCopy : spec.copy && canCopy;
  let rungs: RungName[] = spec.auto ? (canCopy ? [] : ['720p']) : [...spec.rungs];
  if (!spec.auto && spec.copy && !canCopy && !rungs.includes('720p')) rungs.unshift('720p');
  if (src.height > 0 && rungs.length > 0) {
    let fit = rungs.filter((r) => RUNGS[r].height <= src.height);
    // With a copy on top, a rung as tall as the source adds nothing.
    if (copy) fit = fit.filter((r) => RUNGS[r].height < src.height);
    // Nothing fits and no copy: keep the smallest rung asked for, at the source height.
    rungs = fit.length > 0 || copy ? fit : [rungs[rungs.length - 1]!];
  }
  if (!copy && rungs.length === 0) copy = canCopy;
  if (!copy && rungs.length === 0) rungs = ['720p'];
  const out: PlannedRendition[] = [];
  if (copy) out.push({ index: 0, name: 'source', copy: true, height: src.height, width: src.width, videoKbps: 0 });
  for (const r of rungs) {
    const { height, videoKbps } = RUNGS[r];
    const h = src.height > 0 ? Math.min(height, src.height) : height;
    const w = src.width > 0 && src.height > 0 ? even((src.width * h) / src.height) : even((h * 16) / 9);
    out.push({ index: out.length, name: r, copy: false, height: h, width: w, videoKbps });
  }
  return out;
}

export interface HlsJobArgs {
  inputArgs: string[];
  input: string;
  outputs: { target: string; args: string[] }[];
}

/**
 * Low-latency HLS (see STACK.md): an input read timeout, a short probe, 1 s GOP-aligned segments
 * (forced keyframes every second on re-encodes), 6-segment live playlists with old segments
 * deleted, temp files renamed into place, a master playlist; optionally a source-copy recording.
 */
export function hlsJob(opts: {
  input: string;
  outDir: string;
  renditions: PlannedRendition[];
  hasAudio: boolean;
  sourceAudioAac: boolean;
  fps: number;
  /** MPEG-TS file receiving a copy of the source (for the VOD). */
  recordFile?: string;
  /** Options before `-i` for inputs that are not RTMP (WHIP: an SDP file describing loopback RTP). */
  inputFormatArgs?: string[];
}): HlsJobArgs {
  const fps = Math.min(120, Math.max(1, Math.round(opts.fps || 30)));
  const inputArgs = [
    '-hide_banner',
    '-loglevel', 'warning',
    '-nostats',
    '-progress', 'pipe:2',
    // No `-fflags nobuffer` (STACK.md suggests it): measured here it drops the packets read while
    // probing, so the first GOP is lost and the first segment comes ~2 s later (3.4 s vs 1.3 s).
    // Steady-state latency is the same without it.
    '-analyzeduration', '1000000',
    '-rw_timeout', '3000000',
    ...(opts.inputFormatArgs ?? []),
  ];
  const args: string[] = [];
  const encodes = opts.renditions.some((r) => !r.copy);
  for (const r of opts.renditions) {
    args.push('-map', '0:v:0');
    if (opts.hasAudio) args.push('-map', '0:a:0');
  }
  for (const r of opts.renditions) {
    const i = String(r.index);
    if (r.copy) {
      args.push(`-c:v:${i}`, 'copy');
    } else {
      args.push(
        `-c:v:${i}`, 'libx264',
        `-filter:v:${i}`, `scale=-2:${r.height}`,
        `-b:v:${i}`, `${r.videoKbps}k`,
        `-maxrate:v:${i}`, `${Math.round(r.videoKbps * 1.1)}k`,
        `-bufsize:v:${i}`, `${r.videoKbps}k`,
      );
    }
    if (opts.hasAudio) {
      if (r.copy && opts.sourceAudioAac) args.push(`-c:a:${i}`, 'copy');
      else args.push(`-c:a:${i}`, 'aac', `-b:a:${i}`, `${AUDIO_KBPS}k`, `-ar:a:${i}`, '48000', `-ac:a:${i}`, '2');
    }
  }
  if (encodes) {
    args.push(
      '-preset', 'veryfast',
      '-tune', 'zerolatency',
      '-pix_fmt', 'yuv420p',
      '-g', String(fps * SEGMENT_SECONDS),
      '-keyint_min', String(fps * SEGMENT_SECONDS),
      '-sc_threshold', '0',
      '-force_key_frames', `expr:gte(t,n_forced*${SEGMENT_SECONDS})`,
    );
  }
  const varMap = opts.renditions.map((r) => (opts.hasAudio ? `v:${r.index},a:${r.index}` : `v:${r.index}`)).join(' ');
  args.push(
    '-f', 'hls',
    '-hls_time', String(SEGMENT_SECONDS),
    '-hls_list_size', String(LIST_SIZE),
    // program_date_time: each segment's wall-clock time, so players can show the real delay.
    '-hls_flags', 'delete_segments+independent_segments+temp_file+program_date_time',
    '-master_pl_name', 'master.m3u8',
    // No `name:` keys: the bundled fallback FFmpeg (4.1-era) rejects them. Variants are v0, v1...
    '-var_stream_map', varMap,
    '-hls_segment_filename', `${opts.outDir}/v%v/seg%05d.ts`,
  );
  const outputs = [{ target: `${opts.outDir}/v%v/index.m3u8`, args }];
  if (opts.recordFile) {
    outputs.push({
      target: opts.recordFile,
      args: ['-map', '0:v:0', '-map', '0:a:0?', '-c', 'copy', '-f', 'mpegts'],
    });
  }
  return { inputArgs, input: opts.input, outputs };
}

/** Remux a recorded MPEG-TS into a progressive MP4 (copy; transcode when the codecs need it). */
export function vodJob(src: string, dst: string, transcode: boolean): HlsJobArgs {
  const codec = transcode
    ? ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', `${AUDIO_KBPS}k`]
    : ['-c', 'copy'];
  return {
    inputArgs: ['-hide_banner', '-loglevel', 'error', '-nostats'],
    input: src,
    outputs: [{ target: dst, args: ['-map', '0:v:0?', '-map', '0:a:0?', ...codec, '-movflags', '+faststart', '-f', 'mp4'] }],
  };
}

/** One JPEG frame a second in (or the first frame of a shorter video), 640 px wide at most. */
export function posterJob(src: string, dst: string, atSeconds: number): HlsJobArgs {
  return {
    inputArgs: ['-hide_banner', '-loglevel', 'error', '-nostats', '-ss', String(Math.max(0, atSeconds))],
    input: src,
    outputs: [{ target: dst, args: ['-frames:v', '1', '-vf', "scale='min(640,iw)':-2", '-q:v', '4', '-f', 'image2'] }],
  };
}
