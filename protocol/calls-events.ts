/** Calls' part of the socket contract (merged into events.ts). */
import { z } from 'zod';
import { callJoinSchema, callRecordSchema, callUpdateSchema, type CallJoinResult, type CallLeftReason, type CallParticipant, type CallState } from './calls.js';

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
} as const;

export interface CallsCommandResults {
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
}

export type CallsPersonalEvents = {
  /** To one socket: its place in the call ended without it asking (joined elsewhere, removed). */
  'call:ended': (fact: { roomId: number; reason: Exclude<CallLeftReason, 'left'> }) => void;
};
