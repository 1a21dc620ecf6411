/**
 * The bell: my notifications (newest first, paged), the unread count, live updates from the
 * personal channel (`notify:new`, `notify:read`), toasts for what arrives while I am elsewhere in
 * the app, and browser notifications while the tab is hidden. Started once after sign-in (App.vue).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Router } from 'vue-router';
import type { Notification, NotificationPage } from '@protocol/notifications.js';
import { notificationTitle, notificationUrl } from '@protocol/notifications-format.js';
import { errorMessage } from '../../lib/errors';
import { http } from '../../lib/http';
import { getSocket, onConnected } from '../../lib/socket';
import { dismissToastsByKey, toast } from '../../ui/toasts';
import { useRoomStore } from '../room/useRoomStore';
import { openAlarms } from '../study/studyNav';
import { forgetDevicePush, onWorkerOpen, resumeDeviceNotifications, showDeviceNotification } from './deviceNotifications';

export const titleOf = (n: Notification) => notificationTitle({ kind: n.kind, actorName: n.actor?.displayName ?? null, roomName: n.roomName, count: n.count });
export const urlOf = (n: Notification) => notificationUrl(n.kind, n.link);
const toastKey = (n: Notification) => (n.link.roomId !== null ? `room:${n.link.roomId}:notification:${n.id}` : `notification:${n.id}`);

/** Kinds whose own feature already shows something on arrival (chess: the challenge toast; alarms ring; admin alerts: their toast). */
const SHOWN_ELSEWHERE = new Set<Notification['kind']>(['chess', 'alarm', 'alert']);

export const useNotificationsStore = defineStore('notifications', () => {
  const items = ref<Notification[]>([]);
  const unread = ref(0);
  const nextCursor = ref<number | null>(null);
  const loading = ref(false);
  const loadingMore = ref(false);
  const loaded = ref(false);
  const error = ref('');
  let router: Router | null = null;
  let started = false;

  const hasUnread = computed(() => unread.value > 0);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = '';
    try {
      const page = await http.get<NotificationPage>('/api/notifications');
      items.value = page.notifications;
      nextCursor.value = page.nextCursor;
      unread.value = page.unread;
      loaded.value = true;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    if (nextCursor.value === null || loadingMore.value) return;
    loadingMore.value = true;
    try {
      const page = await http.get<NotificationPage>(`/api/notifications?before=${nextCursor.value}`);
      const known = new Set(items.value.map((n) => n.id));
      items.value.push(...page.notifications.filter((n) => !known.has(n.id)));
      nextCursor.value = page.nextCursor;
      unread.value = page.unread;
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loadingMore.value = false;
    }
  }

  function applyRead(ids: number[] | null, count: number): void {
    const at = Date.now();
    for (const n of items.value) if (n.readAt === null && (ids === null || ids.includes(n.id))) n.readAt = at;
    unread.value = count;
    for (const id of ids ?? []) dismissToastsByKey(`notification:${id}`);
  }

  async function markRead(ids: number[]): Promise<void> {
    const fresh = ids.filter((id) => items.value.find((n) => n.id === id)?.readAt !== null);
    if (!fresh.length) return;
    const r = await http.post<{ marked: number; unread: number }>('/api/notifications/read', { ids: fresh });
    applyRead(fresh, r.unread);
  }

  /** Opening a room is seeing what it notified about. */
  async function markRoomRead(roomId: number): Promise<void> {
    if (!items.value.some((n) => n.link.roomId === roomId && n.readAt === null && n.kind !== 'invite')) return;
    const r = await http.post<{ marked: number; unread: number }>('/api/notifications/read', { roomId });
    applyRead(items.value.filter((n) => n.link.roomId === roomId).map((n) => n.id), r.unread);
  }

  async function markAllRead(): Promise<void> {
    const r = await http.post<{ marked: number; unread: number }>('/api/notifications/read-all', {});
    applyRead(null, r.unread);
  }

  /** Goes to a notification's place and marks it read. */
  async function open(n: Notification): Promise<void> {
    void markRead([n.id]).catch(() => {});
    // An alarm's place is the alarms dialog, wherever one is.
    if (n.kind === 'alarm') return openAlarms();
    await router?.push(urlOf(n));
  }

  function viewingRoom(roomId: number | null): boolean {
    const r = router?.currentRoute.value;
    return roomId !== null && !document.hidden && r?.name === 'room' && Number(r.params.id) === roomId;
  }

  function viewingSession(roomId: number): boolean {
    const r = router?.currentRoute.value;
    return !document.hidden && r?.name === 'session' && useRoomStore().roomId === roomId;
  }

  function received(n: Notification, count: number): void {
    items.value = [n, ...items.value.filter((x) => x.id !== n.id)];
    unread.value = count;
    // Already looking at that room: it is seen (a challenge or invite still waits for an answer).
    if (viewingRoom(n.link.roomId) && ['mention', 'reply', 'message', 'dm', 'stream'].includes(n.kind)) {
      void markRead([n.id]).catch(() => {});
      return;
    }
    // In the session whose chat it is: seen there.
    if (n.kind === 'session' && n.link.roomId !== null && viewingSession(n.link.roomId)) {
      void markRead([n.id]).catch(() => {});
      return;
    }
    const title = titleOf(n);
    if (!SHOWN_ELSEWHERE.has(n.kind)) {
      toast({ key: toastKey(n), title, body: n.text, action: { label: 'Open', run: () => void open(n) } });
      void showDeviceNotification({ id: n.id, title, body: n.text, url: urlOf(n) }, () => void open(n));
    } else if (n.kind === 'chess') {
      void showDeviceNotification({ id: n.id, title, body: n.text, url: urlOf(n) }, () => void open(n));
    }
  }

  function start(r: Router, userId: number): void {
    router = r;
    resumeDeviceNotifications(userId);
    if (started) return;
    started = true;
    void load();
    const socket = getSocket();
    socket.on('notify:new', ({ notification, unread: count }) => received(notification, count));
    socket.on('notify:read', ({ ids, unread: count }) => applyRead(ids, count));
    // After a reconnect, whatever arrived meanwhile: reload the first page.
    onConnected(() => void load());
    onWorkerOpen((id, url) => {
      if (id) void markRead([id]).catch(() => {});
      void router?.push(url);
    });
    const fromPush = Number(new URLSearchParams(window.location.search).get('n'));
    if (fromPush > 0) void http.post('/api/notifications/read', { ids: [fromPush] }).catch(() => {});
  }

  function reset(): void {
    forgetDevicePush();
    items.value = [];
    unread.value = 0;
    nextCursor.value = null;
    loaded.value = false;
  }

  return { items, unread, nextCursor, loading, loadingMore, loaded, error, hasUnread, load, loadMore, markRead, markRoomRead, markAllRead, open, start, reset };
});
