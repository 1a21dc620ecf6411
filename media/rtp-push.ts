/**
 * The RTP push for real-time live playback: a second FFmpeg reads the ingested RTMP stream and
 * sends H.264 (constrained baseline, no B-frames, 1 s keyframes) and Opus as RTP to a Janus
 * Streaming mountpoint on 127.0.0.1. Pure argument building here; the SFU slice runs it.
 */

/** The payload types and H.264 profile the mountpoint is created with (they must match). */
export const RTP_VIDEO_PT = 96;
export const RTP_AUDIO_PT = 111;
export const RTP_H264_FMTP = 'profile-level-id=42e01f;packetization-mode=1';

export function rtpPushArgs(opts: { input: string; videoPort: number; audioPort: number; hasAudio: boolean; fps?: number }): string[] {
  const fps = opts.fps && opts.fps > 0 ? Math.round(opts.fps) : 30;
  const args = [
    '-hide_banner',
    '-loglevel',
    'warning',
    '-fflags',
    'nobuffer',
    '-flags',
    'low_delay',
    '-rw_timeout',
    '3000000',
    '-i',
    opts.input,
    '-map',
    '0:v:0',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    '-profile:v',
    'baseline',
    '-level',
    '3.1',
    '-pix_fmt',
    'yuv420p',
    '-bf',
    '0',
    '-g',
    String(fps),
    '-keyint_min',
    String(fps),
    '-sc_threshold',
    '0',
    '-b:v',
    '2500k',
    '-maxrate',
    '2500k',
    '-bufsize',
    '1250k',
    '-vf',
    "scale='min(1280,iw)':-2",
    '-an',
    '-f',
    'rtp',
    '-payload_type',
    String(RTP_VIDEO_PT),
    `rtp://127.0.0.1:${opts.videoPort}?pkt_size=1200`,
  ];
  if (opts.hasAudio) {
    args.push('-map', '0:a:0', '-c:a', 'libopus', '-b:a', '96k', '-ar', '48000', '-ac', '2', '-vn', '-f', 'rtp', '-payload_type', String(RTP_AUDIO_PT), `rtp://127.0.0.1:${opts.audioPort}?pkt_size=1200`);
  }
  return args;
}
