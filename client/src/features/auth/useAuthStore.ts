import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Me } from '@protocol/users.js';
import { browserTimeZone } from '../../lib/clock';
import { isApiError } from '../../lib/errors';
import { http } from '../../lib/http';
import { disconnectSocket } from '../../lib/socket';
import { rememberAccount } from './knownAccount';

export type ProfilePatch = Partial<Pick<Me, 'displayName' | 'avatarColor' | 'timeZone' | 'statusLine'>>;

export const useAuthStore = defineStore('auth', () => {
  const me = ref<Me | null>(null);
  const loaded = ref(false);
  /** Set when /api/me could not be reached at all (server down), as opposed to "not signed in". */
  const unreachable = ref(false);
  let loading: Promise<void> | null = null;

  const timeZone = computed(() => me.value?.timeZone ?? browserTimeZone());

  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve();
    loading ??= (async () => {
      try {
        me.value = (await http.get<{ user: Me }>('/api/me')).user;
        rememberAccount();
      } catch (err) {
        me.value = null;
        unreachable.value = !isApiError(err, 'UNAUTHENTICATED');
      } finally {
        loaded.value = true;
        loading = null;
      }
    })();
    return loading;
  }

  async function login(username: string, password: string): Promise<void> {
    me.value = (await http.post<{ user: Me }>('/api/auth/login', { username, password })).user;
    rememberAccount();
  }

  async function register(username: string, password: string, inviteCode?: string): Promise<void> {
    me.value = (await http.post<{ user: Me }>('/api/auth/register', { username, password, ...(inviteCode ? { inviteCode } : {}) })).user;
    rememberAccount();
    // New accounts start in UTC; adopt the browser's zone so times read right from the start.
    const tz = browserTimeZone();
    if (me.value.timeZone !== tz) await updateProfile({ timeZone: tz }).catch(() => {});
  }

  async function updateProfile(patch: ProfilePatch): Promise<void> {
    me.value = (await http.patch<{ user: Me }>('/api/me', patch)).user;
  }

  /** Ends the session and reloads into the login page, which drops every store and the socket. */
  async function logout(everywhere = false): Promise<void> {
    try {
      await http.post(everywhere ? '/api/auth/logout-all' : '/api/auth/logout');
    } finally {
      signedOut('/login');
    }
  }

  /** The session is gone (logged out here or elsewhere, or expired). */
  function signedOut(to: string): void {
    me.value = null;
    disconnectSocket();
    window.location.assign(to);
  }

  return { me, loaded, unreachable, timeZone, ensureLoaded, login, register, updateProfile, logout, signedOut };
});
