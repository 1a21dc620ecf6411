/**
 * The room being viewed: its settings, members and presence, kept in step with the server by
 * sequence-numbered facts. A gap or an unrecovered reconnect fetches a fresh snapshot.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { RoomFact, RoomFactName, RoomSnapshot } from '@protocol/events.js';
import type { Member, Role, Room } from '@protocol/rooms.js';
import { ApiError } from '../../lib/errors';
import { http } from '../../lib/http';
import { reassertPresence } from '../../lib/presence';
import { RoomSequencer } from '../../lib/sequencer';
import { command, getSocket, isConnected, onConnected } from '../../lib/socket';
import { useAuthStore } from '../auth/useAuthStore';
import { useChatStore } from '../chat/useChatStore';
import { useLobbyStore } from '../lobby/useLobbyStore';
import { atLeast, outranks } from './roles';

type AnyFact = { [E in RoomFactName]: { name: E; fact: RoomFact<E>; seq: number } }[RoomFactName];

/**
 * Room facts are recognised by shape: by contract every room broadcast carries `roomId` and a
 * rising `seq`, and every one of them (this feature's or another's) advances the room's sequence,
 * so all must pass through the sequencer. Facts of other features go to their registered handlers.
 */
function isRoomFact(payload: unknown): payload is { roomId: number; seq: number } {
  if (typeof payload !== 'object' || payload === null) return false;
  const p = payload as { roomId?: unknown; seq?: unknown };
  return typeof p.roomId === 'number' && typeof p.seq === 'number' && Number.isInteger(p.seq);
}

type FactHandler = (fact: { roomId: number; seq: number }) => void;
const featureHandlers = new Map<RoomFactName, Set<FactHandler>>();
const snapshotHandlers = new Set<(snap: RoomSnapshot) => void>();

/**
 * Lets another feature (to-dos, timer…) apply its own room facts in sequence order. Returns an
 * unsubscribe function.
 */
export function onRoomFact<E extends RoomFactName>(name: E, fn: (fact: RoomFact<E>) => void): () => void {
  let set = featureHandlers.get(name);
  if (!set) featureHandlers.set(name, (set = new Set()));
  set.add(fn as FactHandler);
  return () => set.delete(fn as FactHandler);
}

/** Lets another feature take its part of each room snapshot (first entry and every resync). */
export function onRoomSnapshot(fn: (snap: RoomSnapshot) => void): () => void {
  snapshotHandlers.add(fn);
  return () => snapshotHandlers.delete(fn);
}

export type RemovedReason = 'kicked' | 'banned' | 'deleted' | 'left';

export const useRoomStore = defineStore('room', () => {
  const auth = useAuthStore();
  const chat = useChatStore();

  const roomId = ref<number | null>(null);
  const room = ref<Room | null>(null);
  const myRole = ref<Role | null>(null);
  const members = ref<Member[]>([]);
  const status = ref<'idle' | 'loading' | 'ready' | 'error' | 'removed'>('idle');
  const error = ref<ApiError | null>(null);
  const removed = ref<{ reason: RemovedReason; until: number | null } | null>(null);

  const sequencer = new RoomSequencer<AnyFact>();
  let entering = false;
  /** Set while this user deletes the room: its own "room deleted" notice is expected, not news. */
  let deletingRoomId: number | null = null;
  let enterAgain = false;

  const me = computed(() => members.value.find((m) => m.user.id === auth.me?.id) ?? null);
  const isOwner = computed(() => myRole.value === 'owner');
  const isModerator = computed(() => atLeast(myRole.value, 'moderator'));
  const mutedUntil = computed(() => me.value?.mutedUntil ?? null);
  /** A direct conversation (features/dms): chat only, named after the other people in it. */
  const isDirect = computed(() => room.value?.kind === 'dm' || room.value?.kind === 'group');
  /** An interview session's hidden room (features/interviews): its chat is the session's chat. */
  const isInterview = computed(() => room.value?.kind === 'interview');
  const title = computed(() => {
    if (!isDirect.value) return room.value?.name ?? '';
    const others = members.value.filter((m) => m.user.id !== auth.me?.id).map((m) => m.user.displayName);
    return others.length ? others.join(', ') : 'just you';
  });

  function canModerate(target: Member): boolean {
    return target.user.id !== auth.me?.id && outranks(myRole.value, target.role);
  }

  // ---- entering and resyncing ----

  function enter(id: number): void {
    if (roomId.value === id && status.value !== 'error' && status.value !== 'removed') return;
    if (roomId.value !== null && roomId.value !== id) leave();
    roomId.value = id;
    room.value = null;
    members.value = [];
    myRole.value = null;
    error.value = null;
    removed.value = null;
    status.value = 'loading';
    chat.clear();
    sequencer.reset();
    sequencer.resync();
    // Not connected yet: the connection listener enters once the socket is up.
    if (isConnected()) void resync();
  }

  /** Fetches a snapshot (room:enter) and replays facts that arrived meanwhile. */
  async function resync(): Promise<void> {
    const id = roomId.value;
    if (id === null) return;
    if (entering) {
      enterAgain = true;
      return;
    }
    entering = true;
    sequencer.resync();
    try {
      const snap = await command('room:enter', { roomId: id });
      if (roomId.value !== id || status.value === 'removed') return;
      applySnapshot(snap);
    } catch (err) {
      if (roomId.value !== id) return;
      const e = err instanceof ApiError ? err : new ApiError('INTERNAL', String(err));
      // Timeouts and lost connections are retried when the socket reconnects.
      if (e.code === 'TIMEOUT' && !isConnected()) return;
      if (status.value !== 'ready') {
        status.value = 'error';
        error.value = e;
      } else if (e.code === 'NOT_MEMBER' || e.code === 'NOT_FOUND') {
        markRemoved('kicked', null);
      }
    } finally {
      entering = false;
      if (enterAgain) {
        enterAgain = false;
        void resync();
      }
    }
  }

  function applySnapshot(snap: RoomSnapshot): void {
    const first = status.value !== 'ready';
    room.value = snap.room;
    myRole.value = snap.myRole;
    members.value = snap.members;
    if (first) chat.open(snap.room.id, snap.history, snap.lastReadMessageId);
    else chat.resnapshot(snap.history);
    status.value = 'ready';
    error.value = null;
    reassertPresence();
    for (const fn of snapshotHandlers) fn(snap);
    const { apply, gap } = sequencer.snapshot(snap.seq);
    for (const f of apply) applyFact(f);
    if (gap) void resync();
  }

  function leave(): void {
    const id = roomId.value;
    if (id !== null && isConnected() && status.value === 'ready') command('room:leave', { roomId: id }).catch(() => {});
    if (id !== null) useLobbyStore().markRead(id);
    roomId.value = null;
    room.value = null;
    members.value = [];
    myRole.value = null;
    status.value = 'idle';
    removed.value = null;
    error.value = null;
    sequencer.reset();
    chat.clear();
  }

  function markRemoved(reason: RemovedReason, until: number | null): void {
    status.value = 'removed';
    removed.value = { reason, until };
    sequencer.reset();
    chat.clear();
  }

  // ---- facts ----

  function receive(f: AnyFact): void {
    if (f.fact.roomId !== roomId.value || status.value === 'removed') return;
    const verdict = sequencer.receive(f);
    if (verdict === 'apply') applyFact(f);
    else if (verdict === 'gap') void resync();
  }

  function upsertMember(m: Member): void {
    const i = members.value.findIndex((x) => x.user.id === m.user.id);
    if (i === -1) members.value.push(m);
    else members.value[i] = m;
    if (m.user.id === auth.me?.id) myRole.value = m.role;
  }

  function applyFact(f: AnyFact): void {
    switch (f.name) {
      case 'chat:message':
        chat.upsert(f.fact.message);
        chat.typingStopped(f.fact.message.author.id);
        break;
      case 'chat:edited':
        chat.upsert(f.fact.message);
        break;
      case 'chat:deleted':
        chat.upsert(f.fact.message);
        break;
      case 'chat:reacted':
        chat.setReactions(f.fact.messageId, f.fact.reactions);
        break;
      case 'chat:purged':
        chat.purgeUser(f.fact.userId);
        break;
      case 'member:joined':
        upsertMember(f.fact.member);
        if (room.value) room.value = { ...room.value, memberCount: members.value.length };
        break;
      case 'member:left':
        if (f.fact.userId === auth.me?.id) {
          markRemoved(f.fact.reason, null);
          return;
        }
        members.value = members.value.filter((m) => m.user.id !== f.fact.userId);
        chat.typingStopped(f.fact.userId);
        if (room.value) room.value = { ...room.value, memberCount: members.value.length };
        break;
      case 'member:updated':
        upsertMember(f.fact.member);
        break;
      case 'presence:changed': {
        const m = members.value.find((x) => x.user.id === f.fact.userId);
        if (m) m.presence = f.fact.status;
        break;
      }
      case 'room:updated':
        room.value = f.fact.room;
        break;
      default:
        break;
    }
    for (const fn of featureHandlers.get(f.name) ?? []) fn(f.fact);
  }

  const socket = getSocket();
  socket.onAny((event: string, payload: unknown) => {
    if (isRoomFact(payload)) receive({ name: event, fact: payload, seq: payload.seq } as AnyFact);
  });
  socket.on('room:removed', ({ roomId: id, reason, until }) => {
    if (id === roomId.value && id !== deletingRoomId) markRemoved(reason, until ?? null);
  });
  socket.on('chat:typing', ({ roomId: id, user }) => {
    if (id === roomId.value && status.value === 'ready') chat.typingArrived(user);
  });
  onConnected((recovered) => {
    if (roomId.value === null || status.value === 'removed') return;
    if (status.value === 'error' && error.value?.code !== 'TIMEOUT') return;
    // A recovered connection replays what we missed; otherwise (or if we never got a snapshot)
    // fetch one.
    if (!recovered || sequencer.waiting) void resync();
  });

  // ---- HTTP actions ----

  const base = () => `/api/rooms/${roomId.value}`;

  async function updateSettings(patch: Partial<{ name: string; description: string; listed: boolean; capacity: number; slowModeSeconds: number; passcode: string | null }>): Promise<void> {
    room.value = (await http.patch<{ room: Room }>(base(), patch)).room;
  }
  async function rotateCode(): Promise<void> {
    room.value = (await http.post<{ room: Room }>(`${base()}/rotate-code`)).room;
  }
  async function deleteRoom(): Promise<void> {
    const id = roomId.value;
    deletingRoomId = id;
    try {
      await http.del(base());
    } catch (err) {
      deletingRoomId = null;
      throw err;
    }
    if (id !== null) useLobbyStore().removeRoom(id);
  }
  async function leaveRoom(): Promise<void> {
    const id = roomId.value;
    await http.post(`${base()}/leave`);
    if (id !== null) useLobbyStore().removeRoom(id);
  }
  async function transfer(userId: number): Promise<void> {
    room.value = (await http.post<{ room: Room }>(`${base()}/transfer`, { userId })).room;
  }
  async function kick(userId: number): Promise<void> {
    await http.post(`${base()}/members/${userId}/kick`);
  }
  async function ban(userId: number, opts: { minutes?: number; deleteMessages: boolean; reason: string }): Promise<void> {
    await http.post(`${base()}/members/${userId}/ban`, opts);
  }
  async function mute(userId: number, minutes: number | null): Promise<void> {
    const path = `${base()}/members/${userId}/mute`;
    const { member } = minutes ? await http.post<{ member: Member }>(path, { minutes }) : await http.del<{ member: Member }>(path);
    upsertMember(member);
  }
  async function setRole(userId: number, role: 'moderator' | 'member'): Promise<void> {
    upsertMember((await http.put<{ member: Member }>(`${base()}/members/${userId}/role`, { role })).member);
  }

  return {
    roomId,
    room,
    myRole,
    members,
    status,
    error,
    removed,
    me,
    isOwner,
    isModerator,
    mutedUntil,
    isDirect,
    isInterview,
    title,
    canModerate,
    enter,
    leave,
    resync,
    updateSettings,
    rotateCode,
    deleteRoom,
    leaveRoom,
    transfer,
    kick,
    ban,
    mute,
    setRole,
  };
});
