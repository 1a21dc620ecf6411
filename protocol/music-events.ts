/**
 * The music queue's part of the socket contract (merged into events.ts).
 *
 * Who may do what:
 * - every member: `music:state`, `music:add` (needs a connected Spotify account: metadata is
 *   looked up with the adder's token), `music:vote-skip`, `music:remove` of their own tracks;
 * - moderators and the owner: `music:remove` of any track, `music:move`;
 * - moderators, the owner and whoever added the playing track: `music:play`, `music:pause`, and
 *   their skip vote skips at once.
 */
import { z } from 'zod';
import { clientIdSchema } from './client-id.js';
import { spotifyIdSchema, type MusicSnapshot, type NowPlaying, type QueueItem } from './music.js';

const roomId = z.number().int().positive();
const itemId = z.number().int().positive();

export const musicCommandSchemas = {
  'music:state': z.object({ roomId }).strict(),
  /** One track by id, or a playlist (link, URI or id): its first tracks are queued. */
  'music:add': z.union([
    z.object({ roomId, trackId: spotifyIdSchema, clientId: clientIdSchema.optional() }).strict(),
    z.object({ roomId, playlist: z.string().trim().min(1).max(300), clientId: clientIdSchema.optional() }).strict(),
  ]),
  'music:remove': z.object({ roomId, itemId }).strict(),
  /** Votes to skip the playing track (`itemId` guards against skipping the next one by mistake). */
  'music:vote-skip': z.object({ roomId, itemId }).strict(),
  'music:move': z.object({ roomId, itemId, toIndex: z.number().int().min(0).max(10_000) }).strict(),
  /** Resumes a paused track, or starts the queue when nothing plays. */
  'music:play': z.object({ roomId }).strict(),
  'music:pause': z.object({ roomId }).strict(),
} as const;

export interface MusicCommandResults {
  'music:state': MusicSnapshot;
  'music:add': { added: QueueItem[] };
  'music:remove': null;
  'music:vote-skip': { skipped: boolean; skipVotes: number[]; votesNeeded: number };
  'music:move': null;
  'music:play': NowPlaying | null;
  'music:pause': NowPlaying | null;
}

export interface MusicRoomFacts {
  /** Tracks were appended to the queue. */
  'music:queued': { items: QueueItem[] };
  /** `by` is null when a track played out while the server was down. */
  'music:removed': { itemId: number; by: number | null };
  'music:moved': { itemId: number; toIndex: number; by: number };
  /**
   * What plays changed: a new track started (it left the queue), it was paused or resumed, or the
   * queue ran out (null). `by` is null when the server advanced on its own.
   */
  'music:playing': { nowPlaying: NowPlaying | null; by: number | null };
  /** Someone voted to skip the playing track. */
  'music:voted': { itemId: number; skipVotes: number[]; votesNeeded: number };
  /** The playing track was skipped; a `music:playing` follows. */
  'music:skipped': { itemId: number; reason: 'votes' | 'moderator' | 'adder' };
}

export type MusicPersonalEvents = {
  /** Sent to one user: their Spotify connection changed (connected, disconnected, access lost). */
  'music:account': (fact: { connected: boolean }) => void;
};
