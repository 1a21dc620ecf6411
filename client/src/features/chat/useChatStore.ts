/**
 * Messages of the room being viewed: history pages, live facts, optimistic sends, reply/edit
 * state, typing and read markers. The room store feeds it snapshots and facts in seq order.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { HistoryPage, Message, REACTION_EMOJI, Reaction } from '@protocol/chat.js';
import type { PublicUser } from '@protocol/users.js';
import { newClientId } from '../../lib/clientId';
import { ApiError, errorMessage } from '../../lib/errors';
import { command } from '../../lib/socket';
import { useAuthStore } from '../auth/useAuthStore';
import { mergeHistory, upsertSorted } from './messages';
import { typingThrottle } from './typingThrottle';
import { markerAfterArrival, type Reader } from './unread';

export interface PendingMessage {
  key: number;
  /** Idempotency key, kept across retries of this message. */
  clientId: string;
  text: string;
  replyTo: Message | null;
  status: 'sending' | 'failed';
  error: string;
  createdAt: number;
  /** Room file ids sent with the message (issue 11). */
  attachments?: number[];
}

export const TYPING_SHOW_MS = 4000;
export const TYPING_SEND_EVERY_MS = 2500;

let pendingKey = 1;

export const useChatStore = defineStore('chat', () => {
  const auth = useAuthStore();

  const roomId = ref<number | null>(null);
  const messages = shallowRef<Message[]>([]);
  const nextCursor = ref<number | null>(null);
  const loadingOlder = ref(false);
  const olderError = ref('');
  /**
   * The loaded window ends before the newest message (after a jump to an old message): live
   * messages are not appended (they would leave a gap); scrolling down pages forward instead.
   */
  const hasNewer = ref(false);
  const loadingNewer = ref(false);
  /** The newest id a page load (not an arrival) brought in: the list does not count it as new. */
  const pagedNewestId = ref(0);
  /**
   * The read marker when the room was opened, moved on by messages seen as they arrived (see
   * unread.ts): the "new messages" divider and banner sit after it.
   */
  const readMarkerAtEntry = ref(0);
  const lastReadSent = ref(0);
  const pending = ref<PendingMessage[]>([]);
  const replyTo = ref<Message | null>(null);
  const editing = ref<Message | null>(null);
  /** Slow mode: no sending before this instant. */
  const cooldownUntil = ref(0);
  const typing = ref(new Map<number, { user: PublicUser; until: number }>());
  let typingTimer: ReturnType<typeof setInterval> | undefined;
  const typingNotice = typingThrottle(TYPING_SEND_EVERY_MS);

  const byId = computed(() => new Map(messages.value.map((m) => [m.id, m])));
  const newestId = computed(() => messages.value.at(-1)?.id ?? 0);

  const unreadCount = computed(() => {
    const me = auth.me?.id;
    return messages.value.filter((m) => m.id > readMarkerAtEntry.value && m.author.id !== me && !m.deleted).length;
  });
  /**
   * Unread messages may continue above what is loaded: no loaded message is at or before the
   * read marker and older pages exist. (Ids rise but are not contiguous within a room.)
   */
  const unreadMayBeOlder = computed(
    () => unreadCount.value > 0 && nextCursor.value !== null && (messages.value[0]?.id ?? 0) > readMarkerAtEntry.value,
  );
  /** Where the "new messages" divider goes: only once the true first unread is loaded. */
  const firstUnreadId = computed(() => {
    if (unreadMayBeOlder.value) return null;
    const me = auth.me?.id;
    return messages.value.find((m) => m.id > readMarkerAtEntry.value && m.author.id !== me && !m.deleted)?.id ?? null;
  });

  const typingUsers = computed(() => [...typing.value.values()].map((t) => t.user));

  function clear(): void {
    roomId.value = null;
    messages.value = [];
    nextCursor.value = null;
    loadingOlder.value = false;
    olderError.value = '';
    hasNewer.value = false;
    loadingNewer.value = false;
    pagedNewestId.value = 0;
    readMarkerAtEntry.value = 0;
    lastReadSent.value = 0;
    pending.value = [];
    replyTo.value = null;
    editing.value = null;
    cooldownUntil.value = 0;
    typing.value = new Map();
    clearInterval(typingTimer);
    typingTimer = undefined;
  }

  /** First snapshot of a room. */
  function open(id: number, history: HistoryPage, lastReadMessageId: number): void {
    clear();
    roomId.value = id;
    messages.value = history.messages;
    nextCursor.value = history.nextCursor;
    readMarkerAtEntry.value = lastReadMessageId;
    lastReadSent.value = lastReadMessageId;
  }

  /** A later snapshot (after a gap or a lost connection): keep older pages we already have. */
  function resnapshot(history: HistoryPage): void {
    // Reading an old window: the latest snapshot does not join it; "Jump to present" reloads.
    if (hasNewer.value) return;
    const merged = mergeHistory(messages.value, nextCursor.value, history);
    messages.value = merged.messages;
    nextCursor.value = merged.nextCursor;
  }

  function upsert(message: Message): void {
    if (hasNewer.value && message.id > newestId.value && !byId.value.has(message.id)) return;
    messages.value = upsertSorted(messages.value, message);
    if (replyTo.value?.id === message.id) replyTo.value = message.deleted ? null : message;
    if (editing.value?.id === message.id && message.deleted) editing.value = null;
  }

  function setReactions(messageId: number, reactions: Reaction[]): void {
    const m = byId.value.get(messageId);
    if (m) upsert({ ...m, reactions });
  }

  function purgeUser(userId: number): void {
    messages.value = messages.value.map((m) => (m.author.id === userId && !m.deleted ? { ...m, deleted: true, text: '', reactions: [] } : m));
  }

  async function loadOlder(): Promise<number> {
    if (loadingOlder.value || nextCursor.value === null || roomId.value === null) return 0;
    const id = roomId.value;
    loadingOlder.value = true;
    olderError.value = '';
    try {
      const page = await command('chat:history', { roomId: id, before: nextCursor.value, limit: 50 });
      if (roomId.value !== id) return 0;
      let list = messages.value;
      for (const m of page.messages) list = upsertSorted(list, m);
      messages.value = list;
      nextCursor.value = page.nextCursor;
      return page.messages.length;
    } catch (err) {
      olderError.value = errorMessage(err);
      return 0;
    } finally {
      loadingOlder.value = false;
    }
  }

  /** Replaces the window with a page centred on `messageId` (jump to a search result). */
  async function loadAround(messageId: number): Promise<void> {
    const id = roomId.value;
    if (id === null) return;
    const page = await command('chat:history', { roomId: id, around: messageId, limit: 50 });
    if (roomId.value !== id) return;
    pagedNewestId.value = page.messages.at(-1)?.id ?? 0;
    messages.value = page.messages;
    nextCursor.value = page.nextCursor;
    hasNewer.value = page.hasNewer ?? false;
  }

  /** Pages forward from the newest loaded message while reading an old window. */
  async function loadNewer(): Promise<void> {
    const id = roomId.value;
    if (id === null || !hasNewer.value || loadingNewer.value) return;
    loadingNewer.value = true;
    try {
      const page = await command('chat:history', { roomId: id, after: newestId.value, limit: 50 });
      if (roomId.value !== id) return;
      pagedNewestId.value = page.messages.at(-1)?.id ?? pagedNewestId.value;
      hasNewer.value = page.messages.length === 50;
      let list = messages.value;
      for (const m of page.messages) list = upsertSorted(list, m);
      messages.value = list;
    } catch (err) {
      olderError.value = errorMessage(err);
    } finally {
      loadingNewer.value = false;
    }
  }

  /** Leaves an old window for the latest page. */
  async function backToPresent(): Promise<void> {
    const id = roomId.value;
    if (id === null || !hasNewer.value) return;
    const page = await command('chat:history', { roomId: id, limit: 50 });
    if (roomId.value !== id) return;
    pagedNewestId.value = page.messages.at(-1)?.id ?? 0;
    hasNewer.value = false;
    messages.value = page.messages;
    nextCursor.value = page.nextCursor;
  }

  async function send(text: string, attachments?: number[]): Promise<void> {
    if (roomId.value === null) return;
    // A message sent while reading an old window goes to the present, and so does the reader.
    if (hasNewer.value) await backToPresent().catch(() => {});
    typingNotice.reset();
    const entry: PendingMessage = { key: pendingKey++, clientId: newClientId(), text, replyTo: replyTo.value, status: 'sending', error: '', createdAt: Date.now(), ...(attachments?.length ? { attachments } : {}) };
    pending.value.push(entry);
    replyTo.value = null;
    await deliver(entry);
  }

  async function deliver(entry: PendingMessage): Promise<void> {
    const id = roomId.value;
    if (id === null) return;
    entry.status = 'sending';
    entry.error = '';
    try {
      // The same clientId on every retry: if the first try did arrive, the server returns it again.
      const message = await command('chat:send', { roomId: id, text: entry.text, clientId: entry.clientId, ...(entry.replyTo ? { replyToId: entry.replyTo.id } : {}), ...(entry.attachments ? { attachments: entry.attachments } : {}) });
      if (roomId.value !== id) return;
      upsert(message);
      pending.value = pending.value.filter((p) => p.key !== entry.key);
      lastReadSent.value = Math.max(lastReadSent.value, message.id);
    } catch (err) {
      const p = pending.value.find((x) => x.key === entry.key);
      if (!p) return;
      p.status = 'failed';
      p.error = errorMessage(err);
      if (err instanceof ApiError && err.code === 'SLOW_MODE' && err.retryAfter) cooldownUntil.value = Date.now() + err.retryAfter * 1000;
      throw err;
    }
  }

  function retry(key: number): void {
    const p = pending.value.find((x) => x.key === key);
    if (p) deliver(p).catch(() => {});
  }

  function discard(key: number): void {
    pending.value = pending.value.filter((p) => p.key !== key);
  }

  async function edit(messageId: number, text: string): Promise<void> {
    if (roomId.value === null) return;
    const message = await command('chat:edit', { roomId: roomId.value, messageId, text });
    upsert(message);
  }

  async function remove(messageId: number): Promise<void> {
    if (roomId.value === null) return;
    await command('chat:delete', { roomId: roomId.value, messageId });
  }

  async function react(messageId: number, emoji: (typeof REACTION_EMOJI)[number]): Promise<void> {
    if (roomId.value === null) return;
    const reactions = await command('chat:react', { roomId: roomId.value, messageId, emoji });
    setReactions(messageId, reactions);
  }

  /** Message `id` arrived on top of `previousNewestId` while the reader was as described. */
  function arrived(id: number, previousNewestId: number, reader: Reader, mine: boolean): void {
    readMarkerAtEntry.value = markerAfterArrival(readMarkerAtEntry.value, id, previousNewestId, reader, mine);
  }

  /** Tells the server everything up to the newest message has been seen. */
  function markRead(): void {
    const id = roomId.value;
    const newest = newestId.value;
    if (id === null || newest <= lastReadSent.value) return;
    lastReadSent.value = newest;
    command('chat:read', { roomId: id, messageId: newest }).catch(() => {});
  }

  /** Called on input; sends at most every 2.5 s, and at once after a send. */
  function notifyTyping(): void {
    const id = roomId.value;
    if (id === null || !typingNotice.take(Date.now())) return;
    command('chat:typing', { roomId: id }).catch(() => {});
  }

  function typingArrived(user: PublicUser): void {
    if (user.id === auth.me?.id) return;
    const next = new Map(typing.value);
    next.set(user.id, { user, until: Date.now() + TYPING_SHOW_MS });
    typing.value = next;
    typingTimer ??= setInterval(expireTyping, 500);
  }

  function typingStopped(userId: number): void {
    if (!typing.value.has(userId)) return;
    const next = new Map(typing.value);
    next.delete(userId);
    typing.value = next;
  }

  function expireTyping(): void {
    const now = Date.now();
    const next = new Map([...typing.value].filter(([, t]) => t.until > now));
    if (next.size !== typing.value.size) typing.value = next;
    if (next.size === 0) {
      clearInterval(typingTimer);
      typingTimer = undefined;
    }
  }

  return {
    roomId,
    messages,
    nextCursor,
    loadingOlder,
    olderError,
    hasNewer,
    loadingNewer,
    pagedNewestId,
    loadAround,
    loadNewer,
    backToPresent,
    readMarkerAtEntry,
    arrived,
    pending,
    replyTo,
    editing,
    cooldownUntil,
    byId,
    newestId,
    firstUnreadId,
    unreadCount,
    unreadMayBeOlder,
    typingUsers,
    clear,
    open,
    resnapshot,
    upsert,
    setReactions,
    purgeUser,
    loadOlder,
    send,
    retry,
    discard,
    edit,
    remove,
    react,
    markRead,
    notifyTyping,
    typingArrived,
    typingStopped,
  };
});
