/**
 * Pure crypto for calls: the peer token that binds a PeerJS id to a user and a room, and TURN REST
 * credentials (the coturn `use-auth-secret` scheme). No I/O, no clock of its own: `now` is passed in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type { IceServer } from '../../protocol/calls.js';

export interface PeerClaims {
  peerId: string;
  userId: number;
  roomId: number;
  /** Unix milliseconds after which the token no longer opens a connection. */
  expiresAt: number;
}

/** A key of its own, derived from the session secret, so these MACs mean nothing anywhere else. */
export const callTokenKey = (sessionSecret: string) => createHmac('sha256', sessionSecret).update('commonroom/call-peer-token/v1').digest();

const mac = (key: Buffer, c: PeerClaims) => createHmac('sha256', key).update(`${c.peerId}\n${c.userId}\n${c.roomId}\n${c.expiresAt}`).digest('base64url');

/** `<userId>.<roomId>.<expiresAt>.<mac>`: the claims travel with the token; the peer id comes from the connection. */
export function issuePeerToken(key: Buffer, claims: PeerClaims): string {
  return `${claims.userId}.${claims.roomId}.${claims.expiresAt}.${mac(key, claims)}`;
}

export type TokenVerdict = { ok: true; claims: PeerClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' | 'wrong-user' | 'wrong-room' };

/**
 * Checks a token presented with `peerId` by the signed-in `userId`. `roomId` (optional) must match
 * when the caller already knows the room. Forgery is checked before anything else is believed.
 */
export function verifyPeerToken(key: Buffer, token: string, peerId: string, userId: number, now: number, roomId?: number): TokenVerdict {
  const m = /^([1-9]\d{0,9})\.([1-9]\d{0,9})\.(\d{13,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const claims: PeerClaims = { peerId, userId: Number(m[1]), roomId: Number(m[2]), expiresAt: Number(m[3]) };
  const expected = Buffer.from(mac(key, claims));
  const given = Buffer.from(m[4]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'forged' };
  if (claims.userId !== userId) return { ok: false, reason: 'wrong-user' };
  if (roomId !== undefined && claims.roomId !== roomId) return { ok: false, reason: 'wrong-room' };
  if (now >= claims.expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

/** TURN REST credentials: username `expiry:userId`, credential base64(HMAC-SHA1(secret, username)). */
export function turnCredentials(secret: string, userId: number, nowMs: number, ttlSeconds: number): { username: string; credential: string } {
  const username = `${Math.floor(nowMs / 1000) + ttlSeconds}:${userId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** The ICE servers a joining user gets: exactly what the operator configured (nothing on a LAN). */
export function iceServersFor(ice: AppConfig['ice'], userId: number, nowMs: number): IceServer[] {
  const servers: IceServer[] = [];
  if (ice.stunUrls.length) servers.push({ urls: [...ice.stunUrls] });
  if (ice.turnUrls.length && ice.turnSecret) servers.push({ urls: [...ice.turnUrls], ...turnCredentials(ice.turnSecret, userId, nowMs, ice.turnTtlSeconds) });
  return servers;
}
