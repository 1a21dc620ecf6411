/**
 * My direct conversations (the DM list), live: new conversations and messages arrive as personal
 * events (`dm:opened`, `dm:activity`, `dm:closed`, `dm:presence`). Also my block list.
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { BlockedUser, DmConversation, DmUser } from '@protocol/dms.js';
import { errorMessage } from '../../lib/errors';
import { http } from '../../lib/http';
import { getSocket, onConnected } from '../../lib/socket';
import { useAuthStore } from '../auth/useAuthStore';
import { sortConversations, totalUnread, upsertConversation } from './conversations';

export const useDmStore = defineStore('dms', () => {
  const auth = useAuthStore();
  const conversations = ref<DmConversation[]>([]);
  const loaded = ref(false);
  const error = ref('');
  /** The conversation on screen: its messages arrive as chat facts, not as activity. */
  const viewing = ref<number | null>(null);
  const blocked = ref<BlockedUser[]>([]);
  const blockedLoaded = ref(false);
  let fetching: Promise<void> | null = null;

  const unread = computed(() => totalUnread(conversations.value));
  const byId = computed(() => new Map(conversations.value.map((c) => [c.id, c])));

  function fetchList(): Promise<void> {
    fetching ??= (async () => {
      try {
        conversations.value = sortConversations((await http.get<{ conversations: DmConversation[] }>('/api/dms')).conversations);
        error.value = '';
      } catch (err) {
        error.value = errorMessage(err);
      } finally {
        loaded.value = true;
        fetching = null;
      }
    })();
    return fetching;
  }

  function ensureLoaded(): void {
    if (!loaded.value) void fetchList();
  }

  function upsert(c: DmConversation): void {
    // The one on screen has nothing unread.
    conversations.value = upsertConversation(conversations.value, c.id === viewing.value ? { ...c, unread: 0 } : c);
  }

  function remove(id: number): void {
    conversations.value = conversations.value.filter((c) => c.id !== id);
  }

  /** Opens (or finds) the 1:1 with `userId`; returns the conversation id. */
  async function openWith(userId: number): Promise<number> {
    const { conversation } = await http.post<{ conversation: DmConversation }>('/api/dms', { userId });
    upsert(conversation);
    return conversation.id;
  }

  async function createGroup(userIds: number[]): Promise<number> {
    const { conversation } = await http.post<{ conversation: DmConversation }>('/api/dms/groups', { userIds });
    upsert(conversation);
    return conversation.id;
  }

  async function addPeople(id: number, userIds: number[]): Promise<void> {
    upsert((await http.post<{ conversation: DmConversation }>(`/api/dms/${id}/members`, { userIds })).conversation);
  }

  async function leaveGroup(id: number): Promise<void> {
    await http.post(`/api/dms/${id}/leave`);
    remove(id);
  }

  async function searchContacts(q: string, signal?: AbortSignal): Promise<DmUser[]> {
    const qs = q.trim() ? `?q=${encodeURIComponent(q.trim())}` : '';
    return (await http.get<{ users: DmUser[] }>(`/api/dms/contacts${qs}`, signal)).users;
  }

  /** The conversation on screen (or none): marks it read in the list. */
  function setViewing(id: number | null): void {
    viewing.value = id;
    const c = id === null ? undefined : byId.value.get(id);
    if (c) c.unread = 0;
  }

  /** A message in the conversation on screen: it moves to the top of the list with its preview. */
  function noteMessage(id: number, m: { authorId: number; text: string; createdAt: number; deleted: boolean }): void {
    const c = byId.value.get(id);
    if (!c) return;
    if (c.last && c.last.createdAt > m.createdAt) return;
    upsert({ ...c, last: m, lastActivityAt: Math.max(c.lastActivityAt, m.createdAt), unread: 0 });
  }

  // ---- blocks ----

  async function fetchBlocked(): Promise<void> {
    blocked.value = (await http.get<{ users: BlockedUser[] }>('/api/blocks')).users;
    blockedLoaded.value = true;
  }

  async function block(userId: number): Promise<void> {
    const { user } = await http.put<{ user: BlockedUser }>(`/api/blocks/${userId}`, {});
    blocked.value = [user, ...blocked.value.filter((u) => u.id !== userId)];
    // Our 1:1 leaves my list (the server tells my other tabs too).
    for (const c of conversations.value) if (c.kind === 'dm' && c.others[0]?.id === userId) remove(c.id);
  }

  async function unblock(userId: number): Promise<void> {
    await http.del(`/api/blocks/${userId}`);
    blocked.value = blocked.value.filter((u) => u.id !== userId);
  }

  const isBlocked = (userId: number) => blocked.value.some((u) => u.id === userId);

  // ---- live ----

  const socket = getSocket();
  socket.on('dm:opened', ({ conversation }) => upsert(conversation));
  socket.on('dm:closed', ({ roomId }) => remove(roomId));
  socket.on('dm:activity', ({ roomId, authorId }) => {
    const c = byId.value.get(roomId);
    // A conversation I do not have yet (or hid): fetch the list again.
    if (!c) {
      if (loaded.value) void fetchList();
      return;
    }
    // The badge moves at once; then the server's count and preview line replace the guess.
    if (authorId !== auth.me?.id) upsert({ ...c, unread: c.unread + 1, lastActivityAt: Date.now() });
    void http
      .get<{ conversation: DmConversation }>(`/api/dms/${roomId}`)
      .then(({ conversation }) => {
        if (byId.value.has(roomId)) upsert(conversation);
      })
      .catch(() => {});
  });
  socket.on('dm:presence', ({ userId, online }) => {
    for (const c of conversations.value) for (const u of c.others) if (u.id === userId) u.online = online;
  });
  // Missed events while disconnected: the list is fetched again.
  onConnected((recovered) => {
    if (loaded.value && !recovered) void fetchList();
  });

  return {
    conversations,
    loaded,
    error,
    unread,
    byId,
    viewing,
    blocked,
    blockedLoaded,
    fetchList,
    ensureLoaded,
    openWith,
    createGroup,
    addPeople,
    leaveGroup,
    searchContacts,
    setViewing,
    noteMessage,
    fetchBlocked,
    block,
    unblock,
    isBlocked,
  };
});
