/**
 * Who is in the room's call, for everyone in the room: the server's roster kept in step by
 * `call:*` room facts in sequence order and re-fetched on every room snapshot. Small and free of
 * media code, so the member list and the room header can show it without loading the call stage;
 * `useCallStore` (the calls chunk) shares it and reports my own call state into `mine`.
 */
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { CallModeInfo, CallParticipant, CallState } from '@protocol/calls.js';
import type { RoomFact } from '@protocol/events.js';
import { command, isConnected } from '../../lib/socket';
import { onRoomFact, onRoomSnapshot, useRoomStore } from '../room/useRoomStore';

export const useCallRoster = defineStore('callRoster', () => {
  const room = useRoomStore();
  const roomId = ref<number | null>(null);
  const participants = ref<CallParticipant[]>([]);
  const capacity = ref(6);
  const loaded = ref(false);
  /** Mesh or SFU, whether the SFU is there, the owner's preference, and the SFU epoch. */
  const modeInfo = ref<CallModeInfo>({ mode: 'mesh', sfu: 'unavailable', preference: 'auto', meshLimit: 6, epoch: 0 });
  /** Set by the call store: am I in this room's call (so the room shows the call dock)? */
  const mine = ref(false);
  let seq = 0;

  async function loadState(): Promise<void> {
    const id = roomId.value;
    if (id === null || !isConnected()) return;
    try {
      const s = await command('call:state', { roomId: id });
      if (roomId.value !== id) return;
      adopt(s);
    } catch {
      /* the room store shows room-level errors */
    }
  }

  /** Takes a full state (from `call:state` or a join's answer) unless a newer fact was seen. */
  function adopt(s: CallState): void {
    participants.value = s.participants;
    capacity.value = s.capacity;
    modeInfo.value = { mode: s.mode, sfu: s.sfu, preference: s.preference, meshLimit: s.meshLimit, epoch: s.epoch };
    seq = Math.max(seq, s.seq);
    loaded.value = true;
  }

  function fresh(f: { roomId: number; seq: number }): boolean {
    if (f.roomId !== roomId.value || f.seq <= seq) return false;
    seq = f.seq;
    return true;
  }
  function upsert(p: CallParticipant): void {
    const i = participants.value.findIndex((x) => x.userId === p.userId);
    if (i === -1) participants.value = [...participants.value, p];
    else participants.value = participants.value.map((x, j) => (j === i ? p : x));
  }

  onRoomSnapshot((snap) => {
    if (snap.room.id === roomId.value) void loadState();
  });
  onRoomFact('call:joined', (f: RoomFact<'call:joined'>) => fresh(f) && upsert(f.participant));
  onRoomFact('call:updated', (f: RoomFact<'call:updated'>) => fresh(f) && upsert(f.participant));
  onRoomFact('call:recording', (f: RoomFact<'call:recording'>) => fresh(f) && upsert(f.participant));
  onRoomFact('call:mode', (f: RoomFact<'call:mode'>) => {
    if (!fresh(f)) return;
    modeInfo.value = { mode: f.mode, sfu: f.sfu, preference: f.preference, meshLimit: f.meshLimit, epoch: f.epoch };
    if (f.mode === 'mesh') participants.value = participants.value.map((p) => (p.feedId ? { ...p, feedId: null } : p));
  });
  onRoomFact('call:left', (f: RoomFact<'call:left'>) => {
    if (!fresh(f)) return;
    participants.value = participants.value.filter((p) => !(p.userId === f.userId && p.peerId === f.peerId));
  });

  watch(
    () => room.roomId,
    (id) => {
      if (id === roomId.value) return;
      roomId.value = id;
      participants.value = [];
      seq = 0;
      loaded.value = false;
      if (id !== null && room.status === 'ready') void loadState();
    },
    { immediate: true },
  );

  const isInCall = (userId: number) => participants.value.some((p) => p.userId === userId);

  return { roomId, participants, capacity, modeInfo, loaded, mine, loadState, adopt, isInCall };
});
