import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Announcement, InstanceInfo } from '@protocol/instance.js';
import { http } from '../../lib/http';
import { getSocket, onConnected } from '../../lib/socket';

const DISMISSED_KEY = 'cr.announcement.dismissed';

function readDismissed(): number {
  try {
    return Number(localStorage.getItem(DISMISSED_KEY) ?? 0) || 0;
  } catch {
    return 0;
  }
}

/**
 * Public facts about this server (registration mode, the announcement banner). The announcement
 * arrives live over the socket when an admin changes it; a dismissal is remembered per browser
 * for that announcement's version (a new announcement shows again).
 */
export const useInstanceStore = defineStore('instance', () => {
  const info = ref<InstanceInfo | null>(null);
  const announcement = ref<Announcement | null>(null);
  const dismissedVersion = ref(readDismissed());
  let loading: Promise<InstanceInfo | null> | null = null;
  let listening = false;

  function load(force = false): Promise<InstanceInfo | null> {
    if (info.value && !force) return Promise.resolve(info.value);
    loading ??= http
      .get<InstanceInfo>('/api/instance')
      .then((i) => {
        info.value = i;
        announcement.value = i.announcement;
        return i;
      })
      .catch(() => null)
      .finally(() => (loading = null));
    return loading;
  }

  /** Follows live announcement changes (and refetches after a reconnect that lost events). */
  function listen(): void {
    if (listening) return;
    listening = true;
    getSocket().on('instance:announcement', ({ announcement: a }) => (announcement.value = a));
    onConnected((recovered) => {
      if (!recovered) void load(true);
    });
  }

  function dismiss(): void {
    if (!announcement.value) return;
    dismissedVersion.value = announcement.value.version;
    try {
      localStorage.setItem(DISMISSED_KEY, String(announcement.value.version));
    } catch {
      /* private mode: dismissed for this page only */
    }
  }

  return { info, announcement, dismissedVersion, load, listen, dismiss };
});
