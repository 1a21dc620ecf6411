/**
 * WHIP ingest's SDP text (RFC 9725; the Janus side is server/sfu/whip-ingest.ts). Pure functions:
 * the boundary check of a publisher's offer (before anything reaches Janus), what Janus negotiated
 * (read from its answer), and the SDP file FFmpeg reads the loopback RTP forward with.
 */

/** An offer is a few KB (OBS: ~3 KB, Chromium: ~6 KB); anything past this is refused at the boundary. */
export const WHIP_MAX_SDP_BYTES = 64 * 1024;
const MAX_MEDIA_SECTIONS = 8;

/** The payload types we forward with (the Streaming mountpoint is created with the same). */
export const WHIP_VIDEO_PT = 96;
export const WHIP_AUDIO_PT = 111;

export type WhipVideoCodec = 'h264' | 'vp8';

/** Null when the text is a plausible WebRTC offer; otherwise why not (a fixed phrase, never the input). */
export function checkWhipOffer(sdp: string): string | null {
  if (sdp.length === 0) return 'the body is empty';
  if (sdp.length > WHIP_MAX_SDP_BYTES) return 'the offer is too large';
  // SDP is UTF-8 text of `<letter>=<value>` lines; no other control characters.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(sdp)) return 'the offer contains control characters';
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0') return 'the offer does not start with v=0';
  if (!lines.every((l) => /^[a-z]=/.test(l))) return 'the offer has lines that are not SDP';
  const media = lines.filter((l) => l.startsWith('m='));
  if (media.length === 0) return 'the offer has no media';
  if (media.length > MAX_MEDIA_SECTIONS) return 'the offer has too many media sections';
  if (!media.some((l) => /^m=video \d+ /.test(l))) return 'the offer has no video';
  if (!lines.some((l) => l.startsWith('a=ice-ufrag:'))) return 'the offer has no ICE credentials';
  if (!lines.some((l) => l.startsWith('a=fingerprint:'))) return 'the offer has no DTLS fingerprint';
  return null;
}

interface Section {
  kind: string;
  port: number;
  pts: string[];
  lines: string[];
}

function sections(sdp: string): Section[] {
  const out: Section[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const m = /^m=(\w+) (\d+) \S+((?: \S+)*)$/.exec(line);
    if (m) out.push({ kind: m[1]!, port: Number(m[2]), pts: m[3]!.trim().split(' ').filter(Boolean), lines: [] });
    else out[out.length - 1]?.lines.push(line);
  }
  return out;
}

export interface Negotiated {
  video: { codec: WhipVideoCodec; fmtp: string | null; mid: string } | null;
  audio: { mid: string } | null;
}

/**
 * What Janus accepted, from its answer: the first active video section's codec (H.264 or VP8;
 * anything else counts as none) and whether Opus audio was accepted, with their mids.
 */
export function negotiatedMedia(answer: string): Negotiated {
  const out: Negotiated = { video: null, audio: null };
  for (const s of sections(answer)) {
    if (s.port === 0) continue;
    const mid = s.lines.find((l) => l.startsWith('a=mid:'))?.slice(6).trim();
    // Janus answers a publisher's sendonly sections with recvonly: only inactive ones carry nothing.
    if (!mid || s.lines.includes('a=inactive')) continue;
    const pt = s.pts[0];
    const rtpmap = s.lines.find((l) => l.startsWith(`a=rtpmap:${pt} `))?.split(' ')[1]?.toLowerCase() ?? '';
    if (s.kind === 'video' && !out.video) {
      const codec = rtpmap.startsWith('h264/') ? 'h264' : rtpmap.startsWith('vp8/') ? 'vp8' : null;
      const fmtp = s.lines.find((l) => l.startsWith(`a=fmtp:${pt} `))?.slice(`a=fmtp:${pt} `.length).trim() ?? null;
      if (codec) out.video = { codec, fmtp, mid };
    } else if (s.kind === 'audio' && !out.audio && rtpmap.startsWith('opus/')) {
      out.audio = { mid };
    }
  }
  return out;
}

/** Only the fmtp keys FFmpeg needs for H.264 (and nothing else from the publisher's text). */
export function safeH264Fmtp(fmtp: string | null): string {
  const keep = (fmtp ?? '')
    .split(';')
    .map((p) => p.trim())
    .filter((p) => /^(profile-level-id=[0-9a-fA-F]{6}|level-asymmetry-allowed=[01])$/.test(p));
  return ['packetization-mode=1', ...keep].join(';');
}

/**
 * The SDP FFmpeg reads (`-f sdp`): Janus forwards the publisher's RTP to these loopback ports with
 * our payload types. FFmpeg also binds port+1 for RTCP: callers pick ports with a free neighbour.
 */
export function rtpInputSdp(opts: { videoPort: number; audioPort: number | null; video: WhipVideoCodec; fmtp: string | null }): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=commonroom whip', 'c=IN IP4 127.0.0.1', 't=0 0'];
  lines.push(`m=video ${opts.videoPort} RTP/AVP ${WHIP_VIDEO_PT}`);
  if (opts.video === 'h264') lines.push(`a=rtpmap:${WHIP_VIDEO_PT} H264/90000`, `a=fmtp:${WHIP_VIDEO_PT} ${safeH264Fmtp(opts.fmtp)}`);
  else lines.push(`a=rtpmap:${WHIP_VIDEO_PT} VP8/90000`);
  if (opts.audioPort !== null) lines.push(`m=audio ${opts.audioPort} RTP/AVP ${WHIP_AUDIO_PT}`, `a=rtpmap:${WHIP_AUDIO_PT} opus/48000/2`);
  return `${lines.join('\n')}\n`;
}

/** FFmpeg options before `-i <file>.sdp`: the SDP demuxer may open only the file and loopback RTP. */
export const SDP_INPUT_ARGS = ['-protocol_whitelist', 'file,udp,rtp', '-f', 'sdp'];
