/**
 * Small-group video calls (SPEC V1-V4): payload schemas and DTOs. A call is a PeerJS mesh of at
 * most {@link CALL_CAPACITY} participants inside a room; the server keeps who is in it and issues
 * short-lived tokens that bind a peer id to the user and the room.
 */
import { z } from 'zod';
import type { CallMode, CallPreference, SfuStatus } from './sfu.js';

/** A mesh sends every stream to every peer: six is where browsers top out. */
export const CALL_CAPACITY = 6;
/** Seconds a peer token stays valid for opening the signalling connection. */
export const CALL_TOKEN_TTL_SECONDS = 60;
/** The peer server's mount path and key (the client must always pass both explicitly). */
export const PEER_PATH = '/peerjs';
export const PEER_KEY = 'commonroom';

/**
 * `r<roomId>u<userId>-<16 hex>`: the prefix binds the id to one user in one room, so a user can
 * never present someone else's id with their own token. Valid for PeerJS's id rules too.
 */
export const peerIdSchema = z.string().regex(/^r[1-9]\d{0,9}u[1-9]\d{0,9}-[0-9a-f]{16}$/, 'a call peer id');
export const peerIdPrefix = (roomId: number, userId: number) => `r${roomId}u${userId}-`;

const roomId = z.number().int().positive();

export const callJoinSchema = z
  .object({
    roomId,
    /** Resume with the peer id this client already holds (after a reconnect) instead of a new one. */
    peerId: peerIdSchema.optional(),
    muted: z.boolean().default(false),
    cameraOff: z.boolean().default(false),
  })
  .strict();

export const callUpdateSchema = z
  .object({
    roomId,
    muted: z.boolean().optional(),
    cameraOff: z.boolean().optional(),
    screen: z.boolean().optional(),
    /** Raise or lower my hand. */
    hand: z.boolean().optional(),
  })
  .strict()
  .refine((p) => p.muted !== undefined || p.cameraOff !== undefined || p.screen !== undefined || p.hand !== undefined, 'nothing to update');

/** The owner's choice of call mode for the room (large: always through the SFU). */
export const callModeSchema = z.object({ roomId, preference: z.enum(['auto', 'large']) }).strict();
/** A moderator mutes someone in the call or removes them from it. */
export const callModerateSchema = z.object({ roomId, userId: z.number().int().positive(), action: z.enum(['mute', 'remove']) }).strict();

export const callRecordSchema = z.object({ roomId, recording: z.boolean() }).strict();

/** One person in a room's call, as everyone in the room sees them. */
export interface CallParticipant {
  userId: number;
  peerId: string;
  muted: boolean;
  cameraOff: boolean;
  /** Sharing their screen instead of the camera. */
  screen: boolean;
  /** Recording the call (or their screen) locally: everyone is shown it. */
  recording: boolean;
  /** Hand raised (shown on the tile and in the roster). */
  hand: boolean;
  /** In an SFU call: their Janus feed (subscribe to it); null while not publishing or in a mesh call. */
  feedId: number | null;
  joinedAt: number;
}

/** How the room's call carries media now. */
export type CallModeInfo = {
  mode: CallMode;
  /** Janus: not configured, up, or down for now. */
  sfu: SfuStatus;
  preference: CallPreference;
  /** People a mesh call takes before moving to the SFU. */
  meshLimit: number;
  /** Rises each time the SFU call starts afresh (Janus restarted): clients publish and subscribe again. */
  epoch: number;
};

/** The room's call: the snapshot of `call:state`. `seq` is the room sequence it reflects. */
export interface CallState extends CallModeInfo {
  participants: CallParticipant[];
  capacity: number;
  seq: number;
}

/** An RTCIceServer as the browser takes it. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface CallJoinResult {
  peerId: string;
  /** Pass as PeerJS `token`; valid for {@link CALL_TOKEN_TTL_SECONDS} for opening the connection. */
  token: string;
  expiresAt: number;
  /** From the operator's configuration; empty on a LAN. Never public defaults. */
  iceServers: IceServer[];
  /** Where the peer server listens: same host; `port` null means the page's own port. */
  peerServer: { path: string; key: string; port: number | null };
  /** Peer ids of the others already in the call. */
  peers: string[];
  state: CallState;
}

export type CallLeftReason = 'left' | 'disconnected' | 'replaced' | 'removed';
