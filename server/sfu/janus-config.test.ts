import { describe, expect, it } from 'vitest';
import { hostPort, janusFiles } from './janus-config.js';
import { issueSfuToken, sfuTokenKey, verifySfuToken } from './sfu-token.js';
import { audioMidOf } from './sfu.service.js';

const base = { dir: '/d', apiSecret: 'sekret-123', wsPort: 8188, rtpPorts: [20000, 20999] as [number, number], now: 1_700_000_000_000 };

describe('janus config', () => {
  it('on a LAN: no STUN/TURN, loopback WebSocket, API secret, only VideoRoom and Streaming', () => {
    const f = janusFiles({ ...base, ice: { stunUrls: [], turnUrls: [], turnSecret: undefined, turnTtlSeconds: 60 } });
    expect(f['janus.jcfg']).toContain('api_secret = "sekret-123"');
    expect(f['janus.jcfg']).toContain('rtp_port_range = "20000-20999"');
    expect(f['janus.jcfg']).not.toContain('stun_server');
    expect(f['janus.jcfg']).toMatch(/disable = "[^"]*libjanus_audiobridge\.so[^"]*"/);
    expect(f['janus.jcfg']).not.toMatch(/disable = "[^"]*libjanus_videoroom\.so/);
    expect(f['janus.transport.websockets.jcfg']).toContain('ws_ip = "127.0.0.1"');
    expect(f['janus.transport.websockets.jcfg']).toContain('admin_ws = false');
  });

  it('passes the operator STUN and TURN (with REST credentials from the TURN secret)', () => {
    const f = janusFiles({ ...base, ice: { stunUrls: ['stun:stun.example.org:3479'], turnUrls: ['turn:turn.example.org?transport=tcp'], turnSecret: 'x'.repeat(20), turnTtlSeconds: 60 } });
    expect(f['janus.jcfg']).toContain('stun_server = "stun.example.org"');
    expect(f['janus.jcfg']).toContain('stun_port = 3479');
    expect(f['janus.jcfg']).toContain('turn_server = "turn.example.org"');
    expect(f['janus.jcfg']).toContain('turn_type = "tcp"');
    expect(f['janus.jcfg']).toMatch(/turn_user = "\d+:0"/);
    expect(f['janus.jcfg']).toMatch(/turn_pwd = "[A-Za-z0-9+/=]+"/);
  });

  it('parses ICE URLs and rejects garbage', () => {
    expect(hostPort('stun:1.2.3.4', 3478)).toEqual({ host: '1.2.3.4', port: 3478, transport: 'udp' });
    expect(hostPort('turns:[::1]:5349', 3478)).toEqual({ host: '::1', port: 5349, transport: 'udp' });
    expect(hostPort('http://x', 1)).toBeNull();
    expect(hostPort('stun:a"b', 1)).toEqual({ host: 'a"b', port: 1, transport: 'udp' });
    // Quotes never reach the config file.
    const f = janusFiles({ ...base, ice: { stunUrls: ['stun:a"b'], turnUrls: [], turnSecret: undefined, turnTtlSeconds: 60 } });
    expect(f['janus.jcfg']).toContain('stun_server = "ab"');
  });

  it('SFU tokens bind user, room, role and expiry', () => {
    const key = sfuTokenKey('s'.repeat(40));
    const t = issueSfuToken(key, { userId: 3, roomId: 9, role: 'call', expiresAt: 1_700_000_002_000 });
    const exp = { userId: 3, roomId: 9, role: 'call' as const, now: 1_700_000_001_000 };
    expect(verifySfuToken(key, t, exp)).toMatchObject({ ok: true });
    expect(verifySfuToken(key, t, { ...exp, now: 1_700_000_002_000 })).toEqual({ ok: false, reason: 'expired' });
    expect(verifySfuToken(key, t, { ...exp, userId: 4 })).toEqual({ ok: false, reason: 'wrong-user' });
    expect(verifySfuToken(key, t, { ...exp, roomId: 8 })).toEqual({ ok: false, reason: 'wrong-room' });
    expect(verifySfuToken(key, t, { ...exp, role: 'live' })).toEqual({ ok: false, reason: 'wrong-role' });
    expect(verifySfuToken(sfuTokenKey('t'.repeat(40)), t, exp)).toEqual({ ok: false, reason: 'forged' });
    expect(verifySfuToken(key, t.replace('.call.', '.live.'), { ...exp, role: 'live' })).toEqual({ ok: false, reason: 'forged' });
    expect(verifySfuToken(key, 'garbage', exp)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('finds the audio mid in an SDP', () => {
    expect(audioMidOf('v=0\r\nm=video 9 X\r\na=mid:1\r\nm=audio 9 X\r\na=mid:0\r\n')).toBe('0');
    expect(audioMidOf('v=0\r\nm=video 9 X\r\na=mid:1\r\n')).toBeNull();
  });
});
