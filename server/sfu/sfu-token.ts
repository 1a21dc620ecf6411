/**
 * Pure crypto for the SFU: `s.<userId>.<roomId>.<role>.<expiresAt>.<mac>`, an HMAC with a key of its
 * own (derived from the session secret). No I/O, no clock of its own.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SfuRole } from '../../protocol/sfu.js';

export interface SfuClaims {
  userId: number;
  roomId: number;
  role: SfuRole;
  expiresAt: number;
}

export const sfuTokenKey = (sessionSecret: string) => createHmac('sha256', sessionSecret).update('commonroom/sfu-token/v1').digest();

const mac = (key: Buffer, c: SfuClaims) => createHmac('sha256', key).update(`${c.userId}\n${c.roomId}\n${c.role}\n${c.expiresAt}`).digest('base64url');

export function issueSfuToken(key: Buffer, claims: SfuClaims): string {
  return `s.${claims.userId}.${claims.roomId}.${claims.role}.${claims.expiresAt}.${mac(key, claims)}`;
}

export type SfuTokenVerdict = { ok: true; claims: SfuClaims } | { ok: false; reason: 'malformed' | 'forged' | 'expired' | 'wrong-user' | 'wrong-room' | 'wrong-role' };

/** Forgery is checked first; then that the token is this user's, for this room and role, unexpired. */
export function verifySfuToken(key: Buffer, token: string, expect: { userId: number; roomId: number; role: SfuRole; now: number }): SfuTokenVerdict {
  const m = /^s\.([1-9]\d{0,9})\.([1-9]\d{0,9})\.(call|live)\.(\d{13,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const claims: SfuClaims = { userId: Number(m[1]), roomId: Number(m[2]), role: m[3] as SfuRole, expiresAt: Number(m[4]) };
  const expected = Buffer.from(mac(key, claims));
  const given = Buffer.from(m[5]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'forged' };
  if (claims.userId !== expect.userId) return { ok: false, reason: 'wrong-user' };
  if (claims.roomId !== expect.roomId) return { ok: false, reason: 'wrong-room' };
  if (claims.role !== expect.role) return { ok: false, reason: 'wrong-role' };
  if (expect.now >= claims.expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
