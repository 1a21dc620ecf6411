/**
 * Live streaming (SPEC L1-L5): the HTTP payloads and DTOs. OBS publishes RTMP to the server with
 * the room's stream key; the server transcodes to HLS and serves it to room members only.
 */
import { z } from 'zod';

/** A stream id names one publish (one HLS directory): lower-case letters and digits. */
export const streamIdSchema = z.string().regex(/^[a-z0-9]{6,32}$/, 'not a stream id');
export const vodIdSchema = z.coerce.number().int().positive();

/** Why a stream ended. `error` carries a message in `error`. */
export const STREAM_END_REASONS = ['stopped', 'kicked', 'key_rotated', 'error', 'shutdown', 'room_deleted'] as const;
export type StreamEndReason = (typeof STREAM_END_REASONS)[number];

export const streamSettingsPatchSchema = z
  .object({
    /** Keep a VOD (MP4 + poster) of every stream in this room. */
    record: z.boolean(),
  })
  .partial()
  .strict();

/** What the owner and moderators see: everything OBS needs. The key is a secret. */
export const streamSettingsSchemaOut = z.object({
  /** Publishing works right now (ingest listening, FFmpeg found). */
  enabled: z.boolean(),
  /** Why not, when `enabled` is false. */
  unavailableReason: z.string().nullable(),
  /** OBS "Server" field, e.g. rtmp://study.example.org:1935/live */
  rtmpUrl: z.string(),
  /** OBS "Stream Key" field. */
  streamKey: z.string(),
  /** rtmpUrl + "/" + streamKey, for tools that take one URL (ffmpeg -f flv ...). */
  fullUrl: z.string(),
  /**
   * OBS 30+ "WHIP" service: the Server URL (the Bearer Token is `streamKey`). Null when the media
   * server (Janus) is not running here: publish over RTMP then.
   */
  whipUrl: z.string().nullable(),
  record: z.boolean(),
  keyRotatedAt: z.number(),
});
export type StreamSettings = z.infer<typeof streamSettingsSchemaOut>;

export const renditionSchemaOut = z.object({
  /** Index in the master playlist; also the variant directory `v<index>`. */
  index: z.number(),
  name: z.string(),
  /** 0 for a source copy until the first probe tells. */
  width: z.number(),
  height: z.number(),
  /** Approximate video bitrate in kbit/s; 0 for a source copy. */
  videoKbps: z.number(),
  copy: z.boolean(),
});
export type Rendition = z.infer<typeof renditionSchemaOut>;

/** What any member sees about the room's stream. */
export const streamStateSchemaOut = z.object({
  roomId: z.number(),
  status: z.enum(['offline', 'starting', 'live']),
  /** Present unless offline. */
  streamId: z.string().nullable(),
  /** Relative URL of the master playlist (hls.js `loadSource`), null unless live. */
  playlistUrl: z.string().nullable(),
  startedAt: z.number().nullable(),
  viewers: z.number(),
  renditions: z.array(renditionSchemaOut),
  /** Target segment duration in seconds (the player's live sync builds on it). */
  segmentSeconds: z.number(),
  /**
   * How many ms earlier than its #EXT-X-PROGRAM-DATE-TIME the media reached the server (FFmpeg
   * dates segments from after its input probe); players add it to "server now - date of the
   * frame shown" to show the delay a viewer really has. 0 when unknown or offline.
   */
  ingestLagMs: z.number(),
});
export type StreamState = z.infer<typeof streamStateSchemaOut>;

/** Broadcaster's view of a live stream, pushed every ~2 s to the owner and moderators. */
export const streamHealthSchemaOut = z.object({
  roomId: z.number(),
  streamId: z.string(),
  status: z.enum(['starting', 'live']),
  uptimeMs: z.number(),
  /** Bitrate arriving from OBS, kbit/s (measured on the RTMP socket). */
  inputKbps: z.number(),
  /** Frames per second the transcoder is reading. */
  fps: z.number(),
  /** Source resolution, 0 until known. */
  width: z.number(),
  height: z.number(),
  videoCodec: z.string(),
  audioCodec: z.string(),
  /** Transcoder speed: 1.0 keeps up with real time; below ~0.95 viewers will stall. */
  speed: z.number(),
  /** Frames the transcoder dropped / duplicated so far. */
  droppedFrames: z.number(),
  duplicatedFrames: z.number(),
  /** Duration of the newest segment, s: above ~1.5 the source keyframe interval is too long. */
  lastSegmentSeconds: z.number(),
  viewers: z.number(),
  recording: z.boolean(),
  /** Human-readable hints ("Set the keyframe interval to 1 s in OBS"). */
  warnings: z.array(z.string()),
});
export type StreamHealth = z.infer<typeof streamHealthSchemaOut>;

export const vodSchemaOut = z.object({
  id: z.number(),
  roomId: z.number(),
  streamId: z.string(),
  startedAt: z.number(),
  endedAt: z.number(),
  durationMs: z.number(),
  sizeBytes: z.number(),
  status: z.enum(['processing', 'ready', 'failed']),
  /** Relative URLs (members only); null until ready. */
  videoUrl: z.string().nullable(),
  posterUrl: z.string().nullable(),
});
export type Vod = z.infer<typeof vodSchemaOut>;
