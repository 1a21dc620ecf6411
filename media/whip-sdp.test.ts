import { describe, expect, it } from 'vitest';
import { checkWhipOffer, negotiatedMedia, rtpInputSdp, safeH264Fmtp } from './whip-sdp.js';

const offer = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=mid:0',
  'a=ice-ufrag:abcd',
  'a=fingerprint:sha-256 AA:BB',
  'a=rtpmap:111 opus/48000/2',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 102',
  'a=mid:1',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:102 H264/90000',
  'a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
  '',
].join('\r\n');

describe('WHIP offer check', () => {
  it('takes a WebRTC offer with video', () => {
    expect(checkWhipOffer(offer)).toBeNull();
  });
  it('refuses what is not one', () => {
    expect(checkWhipOffer('')).toMatch(/empty/);
    expect(checkWhipOffer('hello')).toMatch(/v=0/);
    expect(checkWhipOffer('v=0\r\nnot sdp\r\n')).toMatch(/not SDP/);
    expect(checkWhipOffer(offer.replace(/m=video[\s\S]*$/, ''))).toMatch(/no video/);
    expect(checkWhipOffer(offer.replace(/a=ice-ufrag:abcd\r\n/, ''))).toMatch(/ICE/);
    expect(checkWhipOffer(offer.replace(/a=fingerprint:[^\r]*\r\n/, ''))).toMatch(/fingerprint/);
    expect(checkWhipOffer(offer + 'a=x\u0001\r\n')).toMatch(/control/);
    expect(checkWhipOffer(offer + 'm=video 9 X 96\r\n'.repeat(8))).toMatch(/too many/);
    expect(checkWhipOffer('v=0\r\n' + 'a=x\r\n'.repeat(20_000))).toMatch(/too large/);
  });
});

describe("Janus's answer", () => {
  it('reads the negotiated video codec (first payload type) and Opus, with their mids', () => {
    const answer = offer.replace('m=video 9 UDP/TLS/RTP/SAVPF 96 102', 'm=video 9 UDP/TLS/RTP/SAVPF 102').replace('a=rtpmap:96 VP8/90000\r\n', '');
    expect(negotiatedMedia(answer)).toEqual({ video: { codec: 'h264', fmtp: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f', mid: '1' }, audio: { mid: '0' } });
    expect(negotiatedMedia(offer).video).toMatchObject({ codec: 'vp8', fmtp: null });
    expect(negotiatedMedia(offer.replace('m=video 9', 'm=video 0')).video).toBeNull();
  });
});

describe('the SDP FFmpeg reads', () => {
  it('describes loopback RTP with our payload types and only safe fmtp keys', () => {
    const sdp = rtpInputSdp({ videoPort: 5000, audioPort: 5002, video: 'h264', fmtp: 'profile-level-id=42e01f;sprop-parameter-sets=evil;x=1' });
    expect(sdp).toContain('c=IN IP4 127.0.0.1');
    expect(sdp).toContain('m=video 5000 RTP/AVP 96\na=rtpmap:96 H264/90000\na=fmtp:96 packetization-mode=1;profile-level-id=42e01f');
    expect(sdp).toContain('m=audio 5002 RTP/AVP 111\na=rtpmap:111 opus/48000/2');
    expect(rtpInputSdp({ videoPort: 5000, audioPort: null, video: 'vp8', fmtp: null })).not.toContain('m=audio');
    expect(safeH264Fmtp(null)).toBe('packetization-mode=1');
  });
});
