/**
 * Music together (SPEC M2): a room's shared Spotify queue. Types and schemas only; the server owns
 * the queue and the playback clock, each member plays it on their own Spotify account.
 */
import { z } from 'zod';

/** Spotify ids are base62, 22 characters. */
export const spotifyIdSchema = z.string().regex(/^[A-Za-z0-9]{22}$/, 'a Spotify id (22 letters and digits)');

/** The most tracks a room's queue holds (playing track not counted). */
export const MUSIC_QUEUE_MAX = 200;
/** The most tracks one playlist adds at once. */
export const MUSIC_PLAYLIST_MAX = 50;
/** How far (ms) a member's Spotify may drift from the room before it is put back in step. */
export const MUSIC_DRIFT_MS = 3000;

export type SpotifyRef = { kind: 'track' | 'playlist'; id: string };

/**
 * Pure: a Spotify track or playlist from what people paste: an open.spotify.com link (with or
 * without `intl-xx/` and `?si=`), a `spotify:track:` URI, or a bare playlist id. Null otherwise.
 */
export function parseSpotifyRef(input: string): SpotifyRef | null {
  const s = input.trim();
  if (s.length > 300) return null;
  const uri = /^spotify:(track|playlist):([A-Za-z0-9]{22})$/.exec(s);
  if (uri) return { kind: uri[1] as SpotifyRef['kind'], id: uri[2]! };
  const link = /^https?:\/\/open\.spotify\.com\/(?:intl-[a-z-]+\/)?(?:embed\/)?(track|playlist)\/([A-Za-z0-9]{22})(?:[/?#].*)?$/.exec(s);
  if (link) return { kind: link[1] as SpotifyRef['kind'], id: link[2]! };
  if (/^[A-Za-z0-9]{22}$/.test(s)) return { kind: 'playlist', id: s };
  return null;
}

/** A track as the room shows it (metadata comes from Spotify, never from a client). */
export interface MusicTrack {
  id: string;
  uri: string;
  title: string;
  artists: string[];
  album: string;
  /** An https image URL on Spotify's image hosts, or null. */
  artworkUrl: string | null;
  durationMs: number;
  explicit: boolean;
}

/** A queued (or playing) track and who added it. */
export interface QueueItem {
  id: number;
  track: MusicTrack;
  addedBy: number;
  addedAt: number;
}

/**
 * What the room is listening to. Position is derived from instants: while playing,
 * `positionMs = serverNow - startedAt`; while paused it is `positionMs` (frozen).
 */
export interface NowPlaying {
  item: QueueItem;
  status: 'playing' | 'paused';
  /** Instant at which position 0 was (shifted by pauses); null while paused. */
  startedAt: number | null;
  /** Frozen position while paused; at `changedAt` while playing. */
  positionMs: number;
  /** Instant the track ends while playing; null while paused. */
  endsAt: number | null;
  /** Who voted to skip this track. */
  skipVotes: number[];
  /** Votes that skip it: a majority of the members present now. */
  votesNeeded: number;
}

export interface MusicSnapshot {
  roomId: number;
  nowPlaying: NowPlaying | null;
  /** Waiting tracks in play order (the playing one is not in it). */
  queue: QueueItem[];
  serverNow: number;
  /** The room's sequence number when this snapshot was taken: facts at or below it are old. */
  seq: number;
}

// ---- account ----

export const SPOTIFY_SCOPES = [
  'user-read-playback-state',
  'user-modify-playback-state',
  'user-read-currently-playing',
  'streaming',
  'user-read-email',
  'user-read-private',
] as const;

export interface SpotifyAccountView {
  displayName: string;
  /** Spotify's `product`: premium can be played in sync; free/open can only follow the queue. */
  product: string;
  premium: boolean;
  connectedAt: number;
}

export const musicStatusSchemaOut = z.object({
  /** False when the operator has not set the Spotify keys: the music panel explains it. */
  configured: z.boolean(),
  /** The caller's connected Spotify account (null when signed out or not connected). */
  account: z
    .object({ displayName: z.string(), product: z.string(), premium: z.boolean(), connectedAt: z.number() })
    .nullable(),
});
export type MusicStatus = z.infer<typeof musicStatusSchemaOut>;

export const musicConnectQuerySchema = z.object({
  /** The room to come back to after Spotify's consent screen. */
  roomId: z.coerce.number().int().positive().optional(),
});

export const musicCallbackQuerySchema = z.object({
  code: z.string().min(1).max(2048).optional(),
  state: z.string().min(1).max(256).optional(),
  error: z.string().max(200).optional(),
});

// ---- search and sync ----

export const musicSearchQuerySchema = z.object({ q: z.string().trim().min(1).max(200) });

export const musicTrackSchemaOut = z.object({
  id: z.string(),
  uri: z.string(),
  title: z.string(),
  artists: z.array(z.string()),
  album: z.string(),
  artworkUrl: z.string().nullable(),
  durationMs: z.number(),
  explicit: z.boolean(),
});

export const musicSearchSchemaOut = z.object({ tracks: z.array(musicTrackSchemaOut) });

export const musicSyncBodySchema = z
  .object({
    /** `force`: start the room's track at the room's position now. `check`: only if it drifted. */
    mode: z.enum(['force', 'check']).default('force'),
  })
  .strict();

export const musicSyncSchemaOut = z.object({
  /** What was done on the member's Spotify. */
  action: z.enum(['played', 'paused', 'in-sync', 'idle']),
  trackId: z.string().nullable(),
  /** The room's position that was sent (or checked). */
  positionMs: z.number().nullable(),
  /** How far the member's Spotify was from the room before syncing (null when unknown). */
  driftMs: z.number().nullable(),
});
export type MusicSyncResult = z.infer<typeof musicSyncSchemaOut>;
