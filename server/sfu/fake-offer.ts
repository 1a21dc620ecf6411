/** Test helper for the Janus integration tests (not used by the server). */

/** A minimal browser-like offer: Opus audio and VP8 video, one BUNDLE, DTLS actpass. */
export function fakeOffer(): { type: 'offer'; sdp: string } {
  const fp = Array.from({ length: 32 }, (_, i) => ((i * 7 + 11) % 256).toString(16).padStart(2, '0').toUpperCase()).join(':');
  const common = ['c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0', 'a=ice-ufrag:abcd', 'a=ice-pwd:abcdefghijklmnopqrstuvwx', 'a=ice-options:trickle', `a=fingerprint:sha-256 ${fp}`, 'a=setup:actpass'];
  const sdp = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=msid-semantic: WMS s',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    ...common,
    'a=mid:0',
    'a=sendonly',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=ssrc:1111 cname:x',
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    ...common,
    'a=mid:1',
    'a=sendonly',
    'a=rtcp-mux',
    'a=rtpmap:96 VP8/90000',
    'a=rtcp-fb:96 nack',
    'a=rtcp-fb:96 nack pli',
    'a=ssrc:2222 cname:x',
    '',
  ].join('\r\n');
  return { type: 'offer', sdp };
}
