import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { LobbyRoom, Role, Room } from '@protocol/rooms.js';
import { errorMessage } from '../../lib/errors';
import { http } from '../../lib/http';
import { getSocket } from '../../lib/socket';
import { useAuthStore } from '../auth/useAuthStore';

export const useLobbyStore = defineStore('lobby', () => {
  const auth = useAuthStore();

  const mine = ref<LobbyRoom[]>([]);
  const mineLoaded = ref(false);
  const mineError = ref('');

  const publicRooms = ref<LobbyRoom[]>([]);
  const publicLoaded = ref(false);
  const publicLoading = ref(false);
  const publicError = ref('');
  const query = ref('');
  let publicAbort: AbortController | null = null;

  async function fetchMine(): Promise<void> {
    try {
      mine.value = (await http.get<{ rooms: LobbyRoom[] }>('/api/rooms/mine')).rooms;
      mineError.value = '';
    } catch (err) {
      mineError.value = errorMessage(err);
    } finally {
      mineLoaded.value = true;
    }
  }

  async function fetchPublic(q = query.value): Promise<void> {
    publicAbort?.abort();
    const ctrl = (publicAbort = new AbortController());
    query.value = q;
    publicLoading.value = true;
    try {
      const qs = q.trim() ? `?q=${encodeURIComponent(q.trim())}` : '';
      const { rooms } = await http.get<{ rooms: LobbyRoom[] }>(`/api/rooms${qs}`, ctrl.signal);
      publicRooms.value = rooms;
      publicError.value = '';
      publicLoaded.value = true;
    } catch (err) {
      if (ctrl.signal.aborted) return;
      publicError.value = errorMessage(err);
      publicLoaded.value = true;
    } finally {
      if (publicAbort === ctrl) publicLoading.value = false;
    }
  }

  /** Most recently active first, as the server orders them. */
  function sortMine(): void {
    mine.value.sort((a, b) => b.lastActivityAt - a.lastActivityAt);
  }

  function addMine(room: Room, role: Role): void {
    if (mine.value.some((r) => r.id === room.id)) return;
    mine.value.unshift({ ...room, myRole: role, unread: 0, timer: null });
  }

  function markRead(roomId: number): void {
    const r = mine.value.find((x) => x.id === roomId);
    if (r) r.unread = 0;
  }

  function removeRoom(roomId: number): void {
    mine.value = mine.value.filter((r) => r.id !== roomId);
    const pub = publicRooms.value.find((r) => r.id === roomId);
    if (pub) pub.myRole = null;
  }

  // Live unread counts: the server tells members of a room about new messages while they are
  // elsewhere in the app.
  getSocket().on('lobby:activity', ({ roomId, authorId }) => {
    const r = mine.value.find((x) => x.id === roomId);
    if (!r) {
      if (mineLoaded.value) void fetchMine();
      return;
    }
    if (authorId !== auth.me?.id) r.unread += 1;
    r.lastActivityAt = Date.now();
    sortMine();
  });

  getSocket().on('lobby:timer', ({ roomId, phase, status, endsAt }) => {
    for (const list of [mine.value, publicRooms.value]) {
      const r = list.find((x) => x.id === roomId);
      if (r) r.timer = status === 'idle' ? null : { phase, status, endsAt };
    }
  });

  // A room went live or offline (its card shows LIVE).
  getSocket().on('lobby:stream', ({ roomId, live }) => {
    for (const list of [mine.value, publicRooms.value]) {
      const r = list.find((x) => x.id === roomId);
      if (r) r.live = live;
    }
  });

  return { mine, mineLoaded, mineError, publicRooms, publicLoaded, publicLoading, publicError, query, fetchMine, fetchPublic, addMine, markRead, removeRoom };
});
