/**
 * Large calls and real-time live playback through Janus (issue 16): payload schemas and DTOs.
 * Browsers never talk to Janus's API: every offer/answer goes through these socket commands, each
 * carrying a short-lived token bound to the user, the room and the role ('call' to publish and
 * subscribe in the room's VideoRoom, 'live' to watch the room's Streaming mountpoint).
 */
import { z } from 'zod';

/** Seconds an SFU token stays valid; the client asks for a fresh one (`sfu:token`) before it runs out. */
export const SFU_TOKEN_TTL_SECONDS = 120;
/** The most people in one large call. */
export const SFU_MAX_PARTICIPANTS = 50;

export type SfuRole = 'call' | 'live';
/** 'unavailable': no Janus configured; 'down': configured but not reachable right now. */
export type SfuStatus = 'unavailable' | 'up' | 'down';
export type CallMode = 'mesh' | 'sfu';
/** The owner's choice: 'auto' (mesh up to the limit, then SFU) or 'large' (always SFU). */
export type CallPreference = 'auto' | 'large';

const roomId = z.number().int().positive();
export const sfuTokenSchema = z.string().regex(/^s\.[1-9]\d{0,9}\.[1-9]\d{0,9}\.(call|live)\.\d{13,15}\.[A-Za-z0-9_-]{43}$/, 'an SFU token').max(120);
const sdp = z.string().min(10).max(200_000);
/** Janus handle ids are 53-bit integers; ours for subscriptions are opaque strings. */
const subId = z.string().regex(/^[0-9a-f]{16}$/, 'a subscription id');
const feedId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const sfuCommandSchemas = {
  /** A fresh token for the room's large call (in the call) or its live mountpoint (member). */
  'sfu:token': z.object({ roomId, role: z.enum(['call', 'live']) }).strict(),
  /** Publish my camera/mic (and later screen) once: an offer in, Janus's answer out. */
  'sfu:publish': z.object({ roomId, token: sfuTokenSchema, jsep: z.object({ type: z.literal('offer'), sdp }).strict() }).strict(),
  /** Subscribe to one participant's feed: Janus's offer out; answer with `sfu:start`. */
  'sfu:subscribe': z.object({ roomId, token: sfuTokenSchema, feedId, substream: z.number().int().min(0).max(2).default(2) }).strict(),
  'sfu:start': z.object({ roomId, token: sfuTokenSchema, subId, jsep: z.object({ type: z.literal('answer'), sdp }).strict() }).strict(),
  /** The simulcast layer a subscription receives (0 low .. 2 high), picked by tile size. */
  'sfu:layer': z.object({ roomId, token: sfuTokenSchema, subId, substream: z.number().int().min(0).max(2) }).strict(),
  'sfu:unsubscribe': z.object({ roomId, token: sfuTokenSchema, subId }).strict(),
  /** Pause (or resume) a subscription's video while its tile is off-page; its audio keeps flowing. */
  'sfu:pause': z.object({ roomId, token: sfuTokenSchema, subId, paused: z.boolean() }).strict(),
  /** Real-time live: Janus's offer for the room's mountpoint out; answer with `sfu:live-start`. Viewers never send offers. */
  'sfu:live-watch': z.object({ roomId, token: sfuTokenSchema }).strict(),
  'sfu:live-start': z.object({ roomId, token: sfuTokenSchema, subId, jsep: z.object({ type: z.literal('answer'), sdp }).strict() }).strict(),
  'sfu:live-stop': z.object({ roomId, token: sfuTokenSchema, subId }).strict(),
} as const;

export interface SfuTokenResult {
  token: string;
  expiresAt: number;
  /** For 'live': whether the room's stream can be watched in real time now. */
  realtime?: boolean;
  /** For 'live': the operator's ICE servers (STUN/TURN with short-lived credentials); empty on a LAN. */
  iceServers?: { urls: string[]; username?: string; credential?: string }[];
}

/** Room fact: real-time playback of the room's stream became available or went away. */
export type SfuLiveFact = { streamId: string; available: boolean };
export interface SfuJsep {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface SfuCommandResults {
  'sfu:token': SfuTokenResult;
  'sfu:publish': { feedId: number; jsep: SfuJsep };
  'sfu:subscribe': { subId: string; jsep: SfuJsep };
  'sfu:start': null;
  'sfu:layer': null;
  'sfu:unsubscribe': null;
  'sfu:pause': null;
  'sfu:live-watch': { subId: string; jsep: SfuJsep };
  'sfu:live-start': null;
  'sfu:live-stop': null;
}

/** GET /api/rooms/:id/call/mode: how the room's call carries media, and what this server offers. */
export const callModeSchemaOut = z.object({
  mode: z.enum(['mesh', 'sfu']),
  sfu: z.enum(['unavailable', 'up', 'down']),
  preference: z.enum(['auto', 'large']),
  meshLimit: z.number().int(),
  epoch: z.number().int(),
  capacity: z.number().int(),
  /** Whether the room's live stream can be watched in real time now. */
  realtimeLive: z.boolean(),
});
export type CallModeOut = z.infer<typeof callModeSchemaOut>;
