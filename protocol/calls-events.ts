/** Calls' part of the socket contract (merged into events.ts). */
import { z } from 'zod';
import { callJoinSchema, callModeSchema, callModerateSchema, callRecordSchema, callUpdateSchema, type CallJoinResult, type CallLeftReason, type CallModeInfo, type CallParticipant, type CallState } from './calls.js';
import { sfuCommandSchemas, type SfuCommandResults, type SfuLiveFact } from './sfu.js';

const roomId = z.number().int().positive();

export const callsCommandSchemas = {
  /** Snapshot of who is in the room's call (member): on room enter and after a seq gap. */
  'call:state': z.object({ roomId }).strict(),
  /** Join (or resume after a reconnect): returns a peer id, its token and the ICE servers. */
  'call:join': callJoinSchema,
  'call:leave': z.object({ roomId }).strict(),
  /** Mute, camera and screen-share state, shown to everyone as icons. */
  'call:update': callUpdateSchema,
  /** Start or stop a local recording; everyone in the room is told. */
  'call:record': callRecordSchema,
  /** Owner: call mode 'auto' (mesh, SFU past the limit) or 'large' (always SFU). */
  'call:mode': callModeSchema,
  /** Moderator: mute someone in the call, or remove them from it. */
  'call:moderate': callModerateSchema,
  ...sfuCommandSchemas,
} as const;

export interface CallsCommandResults extends SfuCommandResults {
  'call:mode': CallModeInfo;
  'call:moderate': null;
  'call:state': CallState;
  'call:join': CallJoinResult;
  'call:leave': null;
  'call:update': CallParticipant;
  'call:record': CallParticipant;
}

/** Sequenced room facts. */
export interface CallsRoomFacts {
  'call:joined': { participant: CallParticipant };
  'call:left': { userId: number; peerId: string; reason: CallLeftReason };
  'call:updated': { participant: CallParticipant };
  'call:recording': { userId: number; recording: boolean; participant: CallParticipant };
  /** The call switched between mesh and SFU, Janus went down or up, or the owner changed the preference. */
  'call:mode': CallModeInfo;
  /** Real-time (WebRTC) playback of the room's live stream is available, or no longer. */
  'sfu:live': SfuLiveFact;
}

export type CallsPersonalEvents = {
  /** To one socket: its place in the call ended without it asking (joined elsewhere, removed). */
  'call:ended': (fact: { roomId: number; reason: Exclude<CallLeftReason, 'left'> }) => void;
  /** To one socket: a moderator muted my microphone. */
  'call:muted': (fact: { roomId: number; by: number }) => void;
};
