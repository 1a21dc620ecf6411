/**
 * Music together in the room being viewed: whether Spotify is configured, my Spotify account, the
 * room's queue and now-playing (snapshot from `music:state`, then facts in sequence order through
 * the room store), and "listen together": keeping my own Spotify device in step with the room
 * through our server (Spotify Connect; no audio passes through Commonroom).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { MusicStatus, MusicSyncResult, MusicTrack, QueueItem } from '@protocol/music.js';
import type { RoomFactName } from '@protocol/events.js';
import { formatDuration } from '../../lib/clock';
import { ApiError, errorMessage, isApiError } from '../../lib/errors';
import { http } from '../../lib/http';
import { command, getSocket } from '../../lib/socket';
import { useAuthStore } from '../auth/useAuthStore';
import { onRoomFact, onRoomSnapshot, useRoomStore } from '../room/useRoomStore';
import { applyMusicFact, formatTrackTime, type MusicFact, type MusicView } from './musicQueue';

const FACTS: MusicFact['name'][] = ['music:queued', 'music:removed', 'music:moved', 'music:playing', 'music:voted', 'music:skipped'];
/** How often "keep in sync" asks Spotify whether the member drifted. */
export const CHECK_EVERY_MS = 20_000;

export const useMusicStore = defineStore('music', () => {
  const room = useRoomStore();
  const auth = useAuthStore();

  const status = ref<MusicStatus | null>(null);
  const statusError = ref('');
  const roomId = ref<number | null>(null);
  const view = ref<MusicView>({ nowPlaying: null, queue: [], seq: 0 });
  const loading = ref(false);
  const loadError = ref('');
  /** serverNow - Date.now(), from the last snapshot (good to a round trip; enough for a progress bar). */
  const offset = ref(0);

  const listening = ref(false);
  const syncing = ref(false);
  const syncNote = ref('');
  const syncError = ref<ApiError | null>(null);
  let blockedUntil = 0;
  let checkTimer: ReturnType<typeof setInterval> | undefined;
  let followTimer: ReturnType<typeof setTimeout> | undefined;

  let unsubscribe: (() => void)[] = [];

  const configured = computed(() => status.value?.configured ?? false);
  const account = computed(() => status.value?.account ?? null);
  const premium = computed(() => account.value?.premium ?? false);
  const nowPlaying = computed(() => view.value.nowPlaying);
  const queue = computed(() => view.value.queue);
  const myId = computed(() => auth.me?.id ?? 0);
  /** Pause/resume and instant skip: moderators and whoever added the playing track. */
  const canControl = computed(() => room.isModerator || (nowPlaying.value?.item.addedBy ?? -1) === myId.value);
  const iVoted = computed(() => nowPlaying.value?.skipVotes.includes(myId.value) ?? false);

  const serverNow = () => Date.now() + offset.value;

  function nameOf(userId: number | null): string {
    if (userId === null) return 'Someone';
    if (userId === myId.value) return 'you';
    return room.members.find((m) => m.user.id === userId)?.user.displayName ?? 'a former member';
  }
  const canRemove = (item: QueueItem) => item.addedBy === myId.value || room.isModerator;

  // ---- loading ----

  async function loadStatus(): Promise<void> {
    try {
      status.value = await http.get<MusicStatus>('/api/music/status');
      statusError.value = '';
    } catch (err) {
      statusError.value = errorMessage(err);
    }
  }

  async function refresh(): Promise<void> {
    const id = roomId.value;
    if (id === null) return;
    loading.value = view.value.seq === 0;
    try {
      const snap = await command('music:state', { roomId: id });
      if (roomId.value !== id) return;
      view.value = { nowPlaying: snap.nowPlaying, queue: snap.queue, seq: snap.seq };
      offset.value = snap.serverNow - Date.now();
      loadError.value = '';
    } catch (err) {
      if (roomId.value === id) loadError.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  function onAccount(): void {
    void loadStatus();
  }

  /** The stage opened: subscribe to the room's music facts and fetch the state. */
  function open(id: number): void {
    if (roomId.value === id) return;
    close();
    roomId.value = id;
    view.value = { nowPlaying: null, queue: [], seq: 0 };
    for (const name of FACTS) {
      unsubscribe.push(
        onRoomFact(name as RoomFactName, (fact) => {
          if (fact.roomId !== roomId.value) return;
          const before = view.value.nowPlaying;
          view.value = applyMusicFact(view.value, { name, fact } as MusicFact);
          if (name === 'music:playing') followRoom(before?.item.id ?? null, before?.status ?? null);
        }),
      );
    }
    // The room resynced (gap, reconnect): so do we.
    unsubscribe.push(onRoomSnapshot((snap) => snap.room.id === roomId.value && void refresh()));
    getSocket().on('music:account', onAccount);
    unsubscribe.push(() => getSocket().off('music:account', onAccount));
    void loadStatus();
    void refresh();
  }

  function close(): void {
    stopListening();
    for (const u of unsubscribe) u();
    unsubscribe = [];
    roomId.value = null;
  }

  // ---- queue commands ----

  const add = (input: { trackId: string } | { playlist: string }) => command('music:add', { roomId: roomId.value!, ...input }, 20_000);
  const remove = (itemId: number) => command('music:remove', { roomId: roomId.value!, itemId });
  const move = (itemId: number, toIndex: number) => command('music:move', { roomId: roomId.value!, itemId, toIndex });
  const voteSkip = (itemId: number) => command('music:vote-skip', { roomId: roomId.value!, itemId });
  const play = () => command('music:play', { roomId: roomId.value! });
  const pause = () => command('music:pause', { roomId: roomId.value! });

  async function search(q: string, signal?: AbortSignal): Promise<MusicTrack[]> {
    const res = await http.get<{ tracks: MusicTrack[] }>(`/api/rooms/${roomId.value}/music/search?q=${encodeURIComponent(q)}`, signal);
    return res.tracks;
  }

  async function disconnect(): Promise<void> {
    stopListening();
    await http.post('/api/music/disconnect');
    await loadStatus();
  }

  const connectUrl = computed(() => `/api/music/connect${roomId.value ? `?roomId=${roomId.value}` : ''}`);

  // ---- listen together ----

  function describe(r: MusicSyncResult): string {
    switch (r.action) {
      case 'played':
        return `Playing on your Spotify from ${formatTrackTime(r.positionMs ?? 0)}.`;
      case 'in-sync':
        return `In sync with the room${r.driftMs !== null ? ` (off by ${(Math.abs(r.driftMs) / 1000).toFixed(1)} s)` : ''}.`;
      case 'paused':
        return 'The room is paused: so is your Spotify.';
      case 'idle':
        return 'Nothing is playing in the room yet.';
    }
  }

  /** Asks our server to put my Spotify where the room is. Never retries before Spotify allows it. */
  async function syncNow(mode: 'force' | 'check' = 'force'): Promise<void> {
    const id = roomId.value;
    if (id === null || syncing.value) return;
    const wait = blockedUntil - Date.now();
    if (wait > 0) {
      if (mode === 'force') syncNote.value = `Spotify asked us to wait: try again in ${formatDuration(wait / 1000)}.`;
      return;
    }
    syncing.value = true;
    try {
      const r = await http.post<MusicSyncResult>(`/api/rooms/${id}/music/sync`, { mode });
      syncNote.value = describe(r);
      syncError.value = null;
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('INTERNAL', String(err));
      syncError.value = e;
      syncNote.value = '';
      if (isApiError(e, 'SPOTIFY_RATE_LIMITED', 'RATE_LIMITED')) blockedUntil = Date.now() + (e.retryAfter ?? 5) * 1000;
      // These will not fix themselves by trying again.
      if (isApiError(e, 'SPOTIFY_PREMIUM_REQUIRED', 'SPOTIFY_NOT_CONNECTED', 'SPOTIFY_NOT_CONFIGURED', 'NOT_MEMBER')) stopListening();
      if (isApiError(e, 'SPOTIFY_NOT_CONNECTED')) void loadStatus();
    } finally {
      syncing.value = false;
    }
  }

  function startListening(): void {
    listening.value = true;
    void syncNow('force');
    clearInterval(checkTimer);
    checkTimer = setInterval(() => {
      if (!document.hidden) void syncNow('check');
    }, CHECK_EVERY_MS);
  }

  function stopListening(): void {
    listening.value = false;
    clearInterval(checkTimer);
    clearTimeout(followTimer);
  }

  /** While listening, a new track, a pause or a resume in the room is passed on to my Spotify. */
  function followRoom(prevItemId: number | null, prevStatus: string | null): void {
    if (!listening.value) return;
    const np = view.value.nowPlaying;
    if ((np?.item.id ?? null) === prevItemId && (np?.status ?? null) === prevStatus) return;
    clearTimeout(followTimer);
    followTimer = setTimeout(() => void syncNow('force'), 300);
  }

  return {
    status,
    statusError,
    roomId,
    view,
    loading,
    loadError,
    configured,
    account,
    premium,
    nowPlaying,
    queue,
    canControl,
    iVoted,
    listening,
    syncing,
    syncNote,
    syncError,
    connectUrl,
    serverNow,
    nameOf,
    canRemove,
    open,
    close,
    refresh,
    loadStatus,
    add,
    remove,
    move,
    voteSkip,
    play,
    pause,
    search,
    disconnect,
    syncNow,
    startListening,
    stopListening,
  };
});
