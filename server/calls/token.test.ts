import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { callTokenKey, iceServersFor, issuePeerToken, turnCredentials, verifyPeerToken } from './token.js';

const key = callTokenKey('a session secret of at least thirty-two characters');
const now = 1_800_000_000_000;
const claims = { peerId: 'r7u3-0123456789abcdef', userId: 3, roomId: 7, expiresAt: now + 60_000 };
const token = issuePeerToken(key, claims);

describe('peer tokens', () => {
  it('verify for the user, peer id and room they were issued for', () => {
    expect(verifyPeerToken(key, token, claims.peerId, 3, now)).toEqual({ ok: true, claims });
    expect(verifyPeerToken(key, token, claims.peerId, 3, now, 7)).toMatchObject({ ok: true });
  });

  it('refuse an expired token', () => {
    expect(verifyPeerToken(key, token, claims.peerId, 3, now + 60_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuse another user presenting it', () => {
    expect(verifyPeerToken(key, token, claims.peerId, 4, now)).toEqual({ ok: false, reason: 'wrong-user' });
  });

  it('refuse it for another room', () => {
    expect(verifyPeerToken(key, token, claims.peerId, 3, now, 8)).toEqual({ ok: false, reason: 'wrong-room' });
  });

  it('refuse it with another peer id (someone else’s, or a made-up one)', () => {
    expect(verifyPeerToken(key, token, 'r7u4-0123456789abcdef', 3, now)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyPeerToken(key, token, 'r7u3-ffffffffffffffff', 3, now)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuse forged tokens: edited claims, another key, garbage', () => {
    const [u, r, exp, mac] = token.split('.');
    expect(verifyPeerToken(key, `4.${r}.${exp}.${mac}`, claims.peerId, 4, now)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyPeerToken(key, `${u}.8.${exp}.${mac}`, claims.peerId, 3, now)).toEqual({ ok: false, reason: 'forged' });
    expect(verifyPeerToken(key, `${u}.${r}.${Number(exp) + 3_600_000}.${mac}`, claims.peerId, 3, now + 120_000)).toEqual({ ok: false, reason: 'forged' });
    const other = issuePeerToken(callTokenKey('another secret, another instance, same length!'), claims);
    expect(verifyPeerToken(key, other, claims.peerId, 3, now)).toEqual({ ok: false, reason: 'forged' });
    for (const junk of ['', 'x', `${token}x`, token.replace(/\./g, ':'), '3.7.1.' + 'A'.repeat(43)]) {
      expect(verifyPeerToken(key, junk, claims.peerId, 3, now).ok).toBe(false);
    }
  });
});

describe('TURN REST credentials', () => {
  it('username is expiry:userId and the credential is base64 HMAC-SHA1 of it', () => {
    const c = turnCredentials('turn-shared-secret-123', 42, now, 3600);
    expect(c.username).toBe(`${now / 1000 + 3600}:42`);
    expect(c.credential).toBe(createHmac('sha1', 'turn-shared-secret-123').update(c.username).digest('base64'));
    // The RFC-draft example: coturn checks exactly this.
    expect(turnCredentials('secret', 1, 0, 1).credential).toBe(createHmac('sha1', 'secret').update('1:1').digest('base64'));
  });

  it('ICE servers are only what the operator configured; none on a LAN', () => {
    expect(iceServersFor({ stunUrls: [], turnUrls: [], turnSecret: undefined, turnTtlSeconds: 60 }, 1, now)).toEqual([]);
    const servers = iceServersFor({ stunUrls: ['stun:stun.example.org:3478'], turnUrls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'], turnSecret: 's3cret-s3cret-s3cret', turnTtlSeconds: 600 }, 9, now);
    expect(servers).toEqual([
      { urls: ['stun:stun.example.org:3478'] },
      { urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'], username: `${now / 1000 + 600}:9`, credential: expect.any(String) },
    ]);
  });
});
