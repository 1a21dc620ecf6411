/** Live streaming's part of the socket contract (merged into events.ts). */
import { z } from 'zod';
import type { StreamEndReason, StreamHealth, StreamState, Vod } from './stream.js';

const roomId = z.number().int().positive();

export const streamCommandSchemas = {
  /** The room's stream state (member): call on room enter and after a seq gap. */
  'stream:status': z.object({ roomId }).strict(),
} as const;

export interface StreamCommandResults {
  'stream:status': StreamState;
}

/** Sequenced room facts. */
export interface StreamRoomFacts {
  /** The stream is playable: load `state.playlistUrl`. Sent once per stream, when the first segments exist. */
  'stream:started': { state: StreamState };
  /**
   * A publish ended (or failed before it became playable: then no `stream:started` preceded it).
   * `vodId` is set when the room records; the VOD becomes playable with `stream:recorded`.
   */
  'stream:ended': { streamId: string; reason: StreamEndReason; error: string | null; endedAt: number; vodId: number | null };
  /** A recording finished processing (or failed: `vod.status`). */
  'stream:recorded': { vod: Vod };
}

export type StreamPersonalEvents = {
  /** Volatile, every ~2 s, to the owner and moderators of a room with a live stream. */
  'stream:health': (fact: StreamHealth) => void;
  /** Volatile, to members in the room when the viewer count changes. */
  'stream:viewers': (fact: { roomId: number; streamId: string; viewers: number }) => void;
  /** To members in the room when the stream's ingest lag estimate rose (StreamState.ingestLagMs). */
  'stream:lag': (fact: { roomId: number; streamId: string; ingestLagMs: number }) => void;
  /** To every member's lobby: a room went live or offline. */
  'lobby:stream': (fact: { roomId: number; live: boolean }) => void;
};
