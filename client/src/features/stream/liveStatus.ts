/**
 * The current room's live-stream status, kept in step with the server: fetched with
 * `stream:status` on every room snapshot (first entry and each resync), then moved by the
 * sequenced facts `stream:started` / `stream:ended` and the volatile `stream:viewers`.
 *
 * Small on purpose: the room page imports it (through activities.ts) for the red dot on the Live
 * tab, before the stage chunk (and hls.js) is ever loaded.
 */
import { reactive } from 'vue';
import type { RoomSnapshot } from '@protocol/events.js';
import type { StreamEndReason, StreamState, Vod } from '@protocol/stream.js';
import { command, getSocket } from '../../lib/socket';
import { onRoomFact, onRoomSnapshot, useRoomStore } from '../room/useRoomStore';

export interface StreamEnd {
  streamId: string;
  reason: StreamEndReason;
  error: string | null;
  endedAt: number;
  vodId: number | null;
}

export const live = reactive({
  /** The room these fields describe. */
  roomId: null as number | null,
  state: null as StreamState | null,
  /** The status request failed (the stage shows it with a retry). */
  error: null as unknown,
  /** The last end seen while in the room (the stage says why it ended). */
  lastEnd: null as StreamEnd | null,
  /** Recordings announced by `stream:recorded` since entering (the VOD list merges them). */
  recorded: [] as Vod[],
});

let request = 0;

/** Fetches the room's stream state (on entry, after a resync, or from the stage's retry). */
export async function refreshLive(roomId: number): Promise<void> {
  const mine = ++request;
  try {
    const state = await command('stream:status', { roomId });
    if (mine !== request || live.roomId !== roomId) return;
    live.state = state;
    live.error = null;
  } catch (err) {
    if (mine !== request || live.roomId !== roomId) return;
    live.error = err;
  }
}

function onSnapshot(snap: RoomSnapshot): void {
  const id = snap.room.id;
  if (live.roomId !== id) {
    live.roomId = id;
    live.state = null;
    live.lastEnd = null;
    live.recorded = [];
  }
  void refreshLive(id);
}

onRoomSnapshot(onSnapshot);

onRoomFact('stream:started', (f) => {
  if (f.roomId !== live.roomId) return;
  request++; // a status answer still in flight is older than this fact
  live.state = f.state;
  live.error = null;
  live.lastEnd = null;
});

onRoomFact('stream:ended', (f) => {
  if (f.roomId !== live.roomId) return;
  request++;
  live.lastEnd = { streamId: f.streamId, reason: f.reason, error: f.error, endedAt: f.endedAt, vodId: f.vodId };
  const prev = live.state;
  live.state = {
    roomId: f.roomId,
    status: 'offline',
    streamId: null,
    playlistUrl: null,
    startedAt: null,
    viewers: 0,
    renditions: [],
    segmentSeconds: prev?.segmentSeconds ?? 1,
    ingestLagMs: 0,
  };
});

onRoomFact('stream:recorded', (f) => {
  if (f.roomId !== live.roomId) return;
  live.recorded = [f.vod, ...live.recorded.filter((v) => v.id !== f.vod.id)];
});

getSocket().on('stream:viewers', ({ roomId, streamId, viewers }) => {
  if (roomId === live.roomId && live.state?.streamId === streamId) live.state.viewers = viewers;
});

getSocket().on('stream:lag', ({ roomId, streamId, ingestLagMs }) => {
  if (roomId === live.roomId && live.state?.streamId === streamId) live.state.ingestLagMs = ingestLagMs;
});

/** The room being viewed is live right now (reactive). */
export function isLiveHere(): boolean {
  return live.roomId !== null && live.roomId === useRoomStore().roomId && live.state?.status === 'live';
}
