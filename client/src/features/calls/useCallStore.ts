/**
 * The call in the room being viewed: the server's roster (from `useCallRoster`) and, while I am
 * in the call, my media, the PeerJS mesh, speaking levels and recording. Lives in the calls chunk; the call goes on while
 * the stage is closed (audio plays through detached elements) and ends when I leave the room.
 */
import { defineStore, storeToRefs } from 'pinia';
import { computed, markRaw, ref, shallowRef, watch } from 'vue';
import type { CallJoinResult } from '@protocol/calls.js';
import { ApiError, errorMessage } from '../../lib/errors';
import { command, getSocket, isConnected, onConnected } from '../../lib/socket';
import { toast } from '../../ui/toasts';
import { useAuthStore } from '../auth/useAuthStore';
import { useRoomStore } from '../room/useRoomStore';
import { useCallRoster } from './useCallRoster';
import { useMedia } from './useMedia';
import { usePeerMesh } from './usePeerMesh';
import { layerForWidth, useSfuLink } from './useSfuLink';
import { useRecorder, type RecordingSource } from './useRecorder';
import { useSpeaking } from './useSpeaking';

export type CallPhase = 'idle' | 'preview' | 'joining' | 'in-call';

export const useCallStore = defineStore('call', () => {
  const room = useRoomStore();
  const auth = useAuthStore();

  // ---- the roster, for everyone in the room (shared with the member list) ----
  const roster = useCallRoster();
  const { roomId, participants, capacity, loaded, modeInfo } = storeToRefs(roster);

  // ---- my side of the call ----
  const phase = ref<CallPhase>('idle');
  const problem = ref<null | 'full' | 'failed' | 'replaced' | 'removed'>(null);
  const problemText = ref('');
  const media = useMedia();
  const speaking = useSpeaking();
  const recorder = useRecorder();
  const muted = ref(false);
  const cameraOff = ref(false);
  const screen = ref(false);
  const myPeerId = ref<string | null>(null);
  const pinned = ref<string | null>(null);
  /** What I show myself: camera, screen, or nothing. */
  const localVideo = shallowRef<MediaStream | null>(null);
  let outgoing: MediaStream | null = null;
  let screenTrack: MediaStreamTrack | null = null;
  let placeholders: { audio: MediaStreamTrack | null; video: MediaStreamTrack | null } = { audio: null, video: null };
  const audios = new Map<string, HTMLAudioElement>();
  /** Join click to the first remote video frame, in ms (shown in the stage for the curious). */
  const firstFrameMs = ref<number | null>(null);
  let joinClickedAt = 0;

  const mesh = usePeerMesh({
    outgoing: () => outgoing ?? new MediaStream(),
    refreshToken: async () => (await joinCommand()).token,
    roster: () => participants.value.map((p) => p.peerId),
    screen: () => screen.value,
  });

  // ---- large calls: the same call through Janus (publish once, subscribe to the others) ----
  /** How my media travels now; follows the room's call mode without leaving the call. */
  const transport = ref<'mesh' | 'sfu'>('mesh');
  const hand = ref(false);
  /** The width of grid tiles (set by the stage): picks the simulcast layer each tile receives. */
  const tileWidth = ref(320);
  /** The participants whose tiles are on screen (set by the stage); null = all (stage closed or mesh). */
  const visiblePeers = shallowRef<ReadonlySet<string> | null>(null);
  let iceServers: CallJoinResult['iceServers'] = [];
  const sfu = useSfuLink({
    roomId: () => roomId.value,
    outgoing: () => outgoing ?? new MediaStream(),
    roster: () => participants.value,
    myUserId: () => auth.me?.id,
    // Pinned tiles and shared screens (text must stay legible) get the full layer.
    visible: (peerId) => visiblePeers.value?.has(peerId) ?? true,
    layerFor: (peerId) => (pinned.value === peerId || participants.value.find((p) => p.peerId === peerId)?.screen ? 2 : layerForWidth(tileWidth.value)),
  });
  const active = computed(() => (transport.value === 'sfu' ? sfu : mesh));
  const remoteStreams = computed(() => active.value.streams);
  const linkStates = computed(() => active.value.linkStates);
  const linkIds = computed(() => active.value.linkIds);
  /** SFU only: the stall watchdog's re-subscribes and idle video time per participant (tiles expose them for tests). */
  const resubscribes = computed<Record<string, number>>(() => (transport.value === 'sfu' ? sfu.resubscribes : {}));
  const videoIdleMs = computed<Record<string, number>>(() => (transport.value === 'sfu' ? sfu.videoIdleMs : {}));
  const signal = computed(() => active.value.signal.value);

  /** Connects my media the way the call runs now (SFU when the room's call is in SFU mode). */
  async function connectTransport(res: CallJoinResult): Promise<void> {
    iceServers = res.iceServers;
    if (modeInfo.value.mode === 'sfu') {
      transport.value = 'sfu';
      await sfu.connect(iceServers);
    } else {
      transport.value = 'mesh';
      await mesh.connect(res);
    }
  }

  let switching = false;
  /** The call moved between mesh and SFU (or Janus restarted): switch transport, staying in the call. */
  async function followMode(): Promise<void> {
    if (phase.value !== 'in-call' || switching) return;
    const want = modeInfo.value.mode;
    if (want === transport.value) return;
    switching = true;
    try {
      if (want === 'sfu') {
        mesh.destroy();
        transport.value = 'sfu';
        await sfu.connect(iceServers);
      } else {
        sfu.destroy();
        const res = await joinCommand();
        transport.value = 'mesh';
        await mesh.connect(res);
      }
    } catch (err) {
      toast({ kind: 'error', title: 'Could not switch the call', body: errorMessage(err) });
    } finally {
      switching = false;
    }
    if (modeInfo.value.mode !== transport.value) void followMode();
  }
  watch(
    () => [modeInfo.value.mode, modeInfo.value.epoch] as const,
    ([mode, epoch], old) => {
      if (phase.value !== 'in-call') return;
      if (mode !== transport.value) void followMode();
      else if (mode === 'sfu' && old && epoch !== old[1]) void sfu.reconnect();
    },
  );
  watch([tileWidth, visiblePeers], () => transport.value === 'sfu' && sfu.tuneAll());

  function toggleHand(): void {
    hand.value = !hand.value;
    report({ hand: hand.value });
  }
  async function setPreference(preference: 'auto' | 'large'): Promise<void> {
    if (roomId.value === null) return;
    try {
      await command('call:mode', { roomId: roomId.value, preference });
    } catch (err) {
      toast({ kind: 'error', title: 'Could not change the call mode', body: errorMessage(err) });
    }
  }
  async function moderate(userId: number, action: 'mute' | 'remove'): Promise<void> {
    if (roomId.value === null) return;
    try {
      await command('call:moderate', { roomId: roomId.value, userId, action });
    } catch (err) {
      toast({ kind: 'error', title: action === 'mute' ? 'Could not mute' : 'Could not remove', body: errorMessage(err) });
    }
  }

  const isConnectedRef = ref(isConnected());
  const me = computed(() => participants.value.find((p) => p.userId === auth.me?.id) ?? null);
  const inCall = computed(() => phase.value === 'in-call');
  const full = computed(() => participants.value.length >= capacity.value && !me.value);
  const connectionState = computed(() => {
    if (phase.value !== 'in-call') return phase.value;
    const sig = signal.value;
    if (!isConnectedRef.value || sig === 'reconnecting') return 'reconnecting';
    if (sig === 'connecting') return 'connecting';
    return 'connected';
  });

  async function openPreview(): Promise<void> {
    problem.value = null;
    phase.value = 'preview';
    await media.start({ camera: !cameraOff.value });
    localVideo.value = media.camTrack.value ? markRaw(new MediaStream([media.camTrack.value])) : null;
    if (!media.camTrack.value && media.problem.value !== 'denied') cameraOff.value = media.problem.value === 'no-camera' || cameraOff.value;
    if (media.micTrack.value) media.micTrack.value.enabled = !muted.value;
    speaking.watch('me', media.micTrack.value);
  }

  function cancelPreview(): void {
    media.stopAll();
    speaking.stop();
    localVideo.value = null;
    phase.value = 'idle';
  }

  function joinCommand(): Promise<CallJoinResult> {
    return command('call:join', { roomId: roomId.value!, ...(myPeerId.value ? { peerId: myPeerId.value } : {}), muted: muted.value, cameraOff: cameraOff.value });
  }

  async function join(): Promise<void> {
    if (roomId.value === null || phase.value === 'joining' || phase.value === 'in-call') return;
    joinClickedAt = performance.now();
    firstFrameMs.value = null;
    problem.value = null;
    phase.value = 'joining';
    placeholders = { audio: media.micTrack.value ? null : media.silentAudioTrack(), video: null };
    const video = media.camTrack.value && !cameraOff.value ? media.camTrack.value : (placeholders.video = media.blackVideoTrack());
    outgoing = markRaw(new MediaStream([media.micTrack.value ?? placeholders.audio!, video]));
    try {
      const res = await joinCommand();
      myPeerId.value = res.peerId;
      roster.adopt(res.state);
      phase.value = 'in-call';
      await connectTransport(res);
    } catch (err) {
      phase.value = 'preview';
      outgoing = null;
      const e = err instanceof ApiError ? err : null;
      if (e?.code === 'CONFLICT' && /full/i.test(e.message)) {
        problem.value = 'full';
        problemText.value = e.message;
      } else {
        problem.value = 'failed';
        problemText.value = errorMessage(err);
      }
    }
  }

  function leave(opts: { tell?: boolean } = {}): void {
    const id = roomId.value;
    if (phase.value === 'in-call' && id !== null && opts.tell !== false) command('call:leave', { roomId: id }).catch(() => {});
    if (recorder.recording.value) recorder.stop();
    mesh.destroy();
    sfu.destroy();
    transport.value = 'mesh';
    hand.value = false;
    media.stopAll();
    speaking.stop();
    screenTrack?.stop();
    screenTrack = null;
    placeholders.audio?.stop();
    placeholders.video?.stop();
    placeholders = { audio: null, video: null };
    for (const a of audios.values()) a.srcObject = null;
    audios.clear();
    outgoing = null;
    localVideo.value = null;
    myPeerId.value = null;
    screen.value = false;
    pinned.value = null;
    phase.value = 'idle';
  }

  function swapOutgoing(kind: 'audio' | 'video', track: MediaStreamTrack): void {
    if (!outgoing) return;
    for (const t of kind === 'audio' ? outgoing.getAudioTracks() : outgoing.getVideoTracks()) if (t !== track) outgoing.removeTrack(t);
    if (!outgoing.getTracks().includes(track)) outgoing.addTrack(track);
    void mesh.replaceTrack(kind, track);
    void sfu.replaceTrack(kind, track);
  }

  function setVideo(track: MediaStreamTrack | null): void {
    const t = track ?? (placeholders.video ??= media.blackVideoTrack());
    localVideo.value = track ? markRaw(new MediaStream([track])) : null;
    swapOutgoing('video', t);
  }

  function report(patch: { muted?: boolean; cameraOff?: boolean; screen?: boolean; hand?: boolean }): void {
    if (phase.value === 'in-call' && roomId.value !== null) command('call:update', { roomId: roomId.value, ...patch }).catch(() => {});
  }

  function toggleMute(): void {
    muted.value = !muted.value;
    if (media.micTrack.value) media.micTrack.value.enabled = !muted.value;
    report({ muted: muted.value });
  }

  async function toggleCamera(): Promise<void> {
    const off = !cameraOff.value;
    const track = await media.setCamera(!off);
    cameraOff.value = off || !track;
    if (!screen.value) {
      if (phase.value === 'in-call') setVideo(cameraOff.value ? null : track);
      else localVideo.value = track && !cameraOff.value ? markRaw(new MediaStream([track])) : null;
    }
    report({ cameraOff: cameraOff.value });
  }

  async function toggleScreen(): Promise<void> {
    if (screen.value) return stopScreen();
    try {
      const track = await media.screenTrack();
      if (!track) return;
      screenTrack = track;
      track.addEventListener('ended', () => stopScreen());
      screen.value = true;
      setVideo(track);
      mesh.tuneAll();
      report({ screen: true });
    } catch (err) {
      if ((err as DOMException).name !== 'NotAllowedError') toast({ kind: 'error', title: 'Could not share your screen', body: String((err as Error).message ?? err) });
    }
  }

  function stopScreen(): void {
    if (!screen.value) return;
    screen.value = false;
    screenTrack?.stop();
    screenTrack = null;
    setVideo(cameraOff.value ? null : media.camTrack.value);
    mesh.tuneAll();
    report({ screen: false });
  }

  async function switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    try {
      const track = await media.useDevice(kind, deviceId);
      if (!track) return;
      if (kind === 'audio') {
        track.enabled = !muted.value;
        swapOutgoing('audio', track);
        speaking.watch('me', track);
      } else if (!screen.value) {
        if (phase.value === 'in-call') setVideo(track);
        else localVideo.value = markRaw(new MediaStream([track]));
      }
    } catch (err) {
      toast({ kind: 'error', title: 'Could not switch the device', body: String((err as Error).message ?? err) });
    }
  }

  // ---- recording ----
  function recordingSources(): RecordingSource[] {
    const list: RecordingSource[] = [];
    if (outgoing) list.push({ label: `${auth.me?.displayName ?? 'Me'} (you)`, stream: outgoing });
    for (const [peerId, stream] of active.value.streams) list.push({ label: nameOf(participants.value.find((p) => p.peerId === peerId)?.userId), stream });
    return list;
  }
  async function startRecording(kind: 'call' | 'screen'): Promise<void> {
    try {
      if (kind === 'call') recorder.startCall(recordingSources);
      else await recorder.startScreen(media.micTrack.value);
      if (roomId.value !== null) command('call:record', { roomId: roomId.value, recording: true }).catch(() => {});
    } catch (err) {
      if ((err as DOMException).name !== 'NotAllowedError') toast({ kind: 'error', title: 'Could not start recording', body: String((err as Error).message ?? err) });
    }
  }
  watch(recorder.recording, (now, before) => {
    if (before && !now && phase.value === 'in-call' && roomId.value !== null) command('call:record', { roomId: roomId.value, recording: false }).catch(() => {});
  });

  function nameOf(userId: number | undefined): string {
    const m = room.members.find((x) => x.user.id === userId);
    return m?.user.displayName ?? 'Someone';
  }

  // Another room: leave this one's call (the roster follows the new room by itself).
  let callRoom = room.roomId;
  watch(
    () => room.roomId,
    (id) => {
      if (id === callRoom) return;
      // The roster already follows the new room: tell the server about the old one.
      if (phase.value === 'in-call' && callRoom !== null) command('call:leave', { roomId: callRoom }).catch(() => {});
      if (phase.value !== 'idle') leave({ tell: false });
      callRoom = id;
    },
  );
  watch(inCall, (v) => (roster.mine = v), { immediate: true });

  // ---- keeping the mesh, audio and speaking rings in step ----
  watch(participants, () => {
    if (phase.value !== 'in-call') return;
    if (transport.value === 'sfu') sfu.reconcile();
    else mesh.reconcile();
  });
  watch(pinned, () => transport.value === 'sfu' && sfu.tuneAll());
  watch(
    () => [...active.value.streams.entries()],
    (entries) => {
      const live = new Set(entries.map(([id]) => id));
      for (const [id, a] of audios) {
        if (!live.has(id)) {
          a.srcObject = null;
          audios.delete(id);
          speaking.watch(id, null);
        }
      }
      for (const [id, stream] of entries) {
        if (audios.get(id)?.srcObject === stream) continue;
        const a = audios.get(id) ?? new Audio();
        a.autoplay = true;
        a.srcObject = stream;
        void a.play().catch(() => {});
        audios.set(id, a);
        speaking.watch(id, stream.getAudioTracks()[0]);
      }
    },
  );

  function noteRemoteFrame(): void {
    if (firstFrameMs.value === null && joinClickedAt) firstFrameMs.value = Math.round(performance.now() - joinClickedAt);
  }

  // ---- reconnects ----
  onConnected(() => {
    isConnectedRef.value = true;
    if (phase.value !== 'in-call' || roomId.value === null) return;
    rejoin(0);
  });
  /**
   * The server dropped us from the call when the socket went: join again under the same peer id.
   * A busy server may time the join out or answer "not in this call" to a command the old socket
   * had queued: those are retried with back-off (issue 16: a reconnect under load used to end the
   * call for good); only a definite no (not a member any more, muted, full) ends it.
   */
  let rejoinTimer: ReturnType<typeof setTimeout> | undefined;
  function rejoin(attempt: number): void {
    clearTimeout(rejoinTimer);
    const id = roomId.value;
    joinCommand()
      .then(() => {
        if (phase.value !== 'in-call' || roomId.value !== id) return;
        if (screen.value) report({ screen: true });
        if (recorder.recording.value && roomId.value !== null) command('call:record', { roomId: roomId.value, recording: true }).catch(() => {});
        if (hand.value) report({ hand: true });
        if (modeInfo.value.mode !== transport.value) void followMode();
        else if (transport.value === 'sfu') void sfu.reconnect();
        else void mesh.reconnect();
      })
      .catch((err) => {
        if (phase.value !== 'in-call' || roomId.value !== id) return;
        const e = err instanceof ApiError ? err : null;
        const definite = e !== null && (e.code === 'NOT_MEMBER' || e.code === 'FORBIDDEN' || e.code === 'MUTED' || (e.code === 'CONFLICT' && /full/i.test(e.message)));
        if (!definite && attempt < 6) {
          // Offline again: the next connect starts over.
          if (isConnected()) rejoinTimer = setTimeout(() => rejoin(attempt + 1), Math.min(8000, 500 * 2 ** attempt));
          return;
        }
        toast({ kind: 'error', title: 'Could not rejoin the call', body: errorMessage(err) });
        leave({ tell: false });
      });
  }
  const socket = getSocket();
  socket.on('disconnect', () => (isConnectedRef.value = false));
  socket.on('call:ended', ({ roomId: id, reason }) => {
    if (id !== roomId.value || phase.value !== 'in-call') return;
    if (reason === 'disconnected') return; // we rejoin on reconnect
    leave({ tell: false });
    problem.value = reason === 'replaced' ? 'replaced' : 'removed';
    problemText.value = reason === 'replaced' ? 'You joined this call from another tab or device.' : 'You are no longer in this call.';
  });
  socket.on('call:muted', ({ roomId: id }) => {
    if (id !== roomId.value || phase.value !== 'in-call') return;
    muted.value = true;
    if (media.micTrack.value) media.micTrack.value.enabled = false;
    toast({ kind: 'info', title: 'A moderator muted you', body: 'Unmute when you want to speak.' });
  });
  window.addEventListener('pagehide', () => leave());

  return {
    roomId,
    participants,
    capacity,
    loaded,
    phase,
    problem,
    problemText,
    media,
    speaking: speaking.speaking,
    recorder,
    muted,
    cameraOff,
    screen,
    myPeerId,
    pinned,
    localVideo,
    remoteStreams,
    linkStates,
    linkIds,
    resubscribes,
    videoIdleMs,
    signal,
    modeInfo,
    transport,
    hand,
    tileWidth,
    visiblePeers,
    toggleHand,
    setPreference,
    moderate,
    connectionState,
    firstFrameMs,
    me,
    inCall,
    full,
    openPreview,
    cancelPreview,
    join,
    leave,
    toggleMute,
    toggleCamera,
    toggleScreen,
    switchDevice,
    startRecording,
    stopRecording: () => recorder.stop(),
    noteRemoteFrame,
    nameOf,
    connectionOf: (peerId: string) => active.value.connectionOf(peerId),
  };
});

export type CallStore = ReturnType<typeof useCallStore>;
