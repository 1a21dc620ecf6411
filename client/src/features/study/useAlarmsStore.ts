/**
 * My personal timers and alarms. Loaded lazily after sign-in (see App.vue) so they ring on every
 * page. Each pending alarm gets a local timeout from its `nextFireAt`, so it rings even while the
 * socket is down; the server's `alarm:fired` rings it too when the tab was asleep, and the two are
 * de-duplicated. After a reload, fires no device of the owner rang or showed are shown once as
 * "missed", in one toast; each device tells the server what it rang or showed (`seenAt`).
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Alarm } from '@protocol/study.js';
import { formatTime } from '../../lib/clock';
import { errorMessage } from '../../lib/errors';
import { http } from '../../lib/http';
import { getSocket, onConnected } from '../../lib/socket';
import { dismissToastsByKey, toast } from '../../ui/toasts';
import { useAuthStore } from '../auth/useAuthStore';
import { isDuplicateFire, localDelay, missedAlarms, missedSummary, pruneFires, type FireRecord } from './alarmRules';
import { attention } from './alerts';
import { serverNow, startClockSync } from '../../lib/serverClock';
import { openAlarms } from './studyNav';

export type AlarmInput =
  | { kind: 'countdown'; label: string; minutes: number }
  | { kind: 'clock'; label: string; hour: number; minute: number; repeat: 'none' | 'daily' | 'weekdays' };

/** setTimeout's ceiling; longer waits re-arm when they wake. */
const MAX_DELAY = 2 ** 31 - 1;

export const useAlarmsStore = defineStore('alarms', () => {
  const auth = useAuthStore();
  const alarms = ref<Alarm[]>([]);
  const loaded = ref(false);
  const error = ref('');
  /** Alarms that fired while nobody was looking (shown with a badge until dismissed). */
  const missed = ref<number[]>([]);
  /** Alarms that just rang here (highlighted in the list). */
  const rang = ref<Record<number, number>>({});

  let recent: FireRecord[] = [];
  const timeouts = new Map<number, ReturnType<typeof setTimeout>>();
  let started = false;

  const seenKey = () => `cr.alarms.seen.${auth.me?.id ?? 0}`;
  function readSeen(): Record<string, number> {
    try {
      return JSON.parse(localStorage.getItem(seenKey()) ?? '{}') as Record<string, number>;
    } catch {
      return {};
    }
  }
  function markSeen(id: number, at: number): void {
    const seen = readSeen();
    seen[String(id)] = Math.max(seen[String(id)] ?? 0, at);
    // Forget alarms that no longer exist.
    const ids = new Set(alarms.value.map((a) => String(a.id)));
    ids.add(String(id));
    for (const k of Object.keys(seen)) if (!ids.has(k)) delete seen[k];
    localStorage.setItem(seenKey(), JSON.stringify(seen));
  }

  function sort(): void {
    alarms.value.sort((a, b) => (a.nextFireAt ?? Infinity) - (b.nextFireAt ?? Infinity) || b.createdAt - a.createdAt);
  }

  function upsert(a: Alarm): void {
    const i = alarms.value.findIndex((x) => x.id === a.id);
    if (i === -1) alarms.value.push(a);
    else alarms.value[i] = a;
    sort();
    schedule(a);
  }

  function schedule(a: Alarm): void {
    clearTimeout(timeouts.get(a.id));
    timeouts.delete(a.id);
    if (a.nextFireAt === null) return;
    const at = a.nextFireAt;
    const delay = localDelay(at, serverNow());
    timeouts.set(
      a.id,
      setTimeout(
        () => {
          if (delay > MAX_DELAY) return schedule(a);
          fire(a, at, null);
        },
        Math.min(delay, MAX_DELAY),
      ),
    );
  }

  function describe(a: Alarm, at: number): { title: string; body: string } {
    const when = formatTime(at, auth.timeZone);
    if (a.kind === 'countdown') return { title: `${a.label || 'Timer'} — time's up`, body: `Your timer ended at ${when}.` };
    return { title: `${a.label || 'Alarm'} — ${when}`, body: a.repeat === 'none' ? 'Your alarm is ringing.' : `Your ${a.repeat} alarm is ringing.` };
  }

  /** Rings an alarm once, whoever noticed first (local timeout or the server). */
  function fire(a: Alarm, at: number, fromServer: Alarm | null): void {
    if (fromServer) upsert(fromServer);
    recent = pruneFires(recent, Date.now());
    if (isDuplicateFire(recent, a.id, at)) return;
    recent.push({ id: a.id, at });
    markSeen(a.id, at);
    rang.value = { ...rang.value, [a.id]: at };
    const { title, body } = describe(a, at);
    attention({ title, body, tag: `alarm-${a.id}-${at}`, key: `alarm:${a.id}`, sound: 'alarm', onClick: openAlarms });
    tellSeen(a.id, at);
    if (!fromServer) {
      // Until the server says otherwise: a one-off is done; a repeating one moves on (re-read).
      const local: Alarm = { ...a, lastFiredAt: at, nextFireAt: a.kind === 'clock' && a.repeat !== 'none' ? a.nextFireAt : null };
      if (local.nextFireAt === null) upsert(local);
      else {
        alarms.value = alarms.value.map((x) => (x.id === a.id ? local : x));
        clearTimeout(timeouts.get(a.id));
        setTimeout(() => void load(), 3000);
      }
    }
  }

  /** Tells the owner's other devices this fire was rung or shown here (best effort). */
  function tellSeen(id: number, firedAt: number): void {
    void http.post(`/api/alarms/${id}/seen`, { firedAt: Math.round(firedAt) }).catch(() => {});
  }

  async function load(): Promise<void> {
    try {
      const list = (await http.get<{ alarms: Alarm[] }>('/api/alarms')).alarms;
      alarms.value = list;
      sort();
      error.value = '';
      const seen = readSeen();
      const fresh = missedAlarms(list, seen);
      for (const a of fresh) {
        markSeen(a.id, a.lastFiredAt!);
        tellSeen(a.id, a.lastFiredAt!);
        if (!missed.value.includes(a.id)) missed.value.push(a.id);
      }
      const summary = missedSummary(fresh.map((a) => describe(a, a.lastFiredAt!).title));
      if (summary) toast({ kind: 'info', ...summary, key: 'alarms:missed', action: { label: 'View', run: openAlarms }, timeoutMs: 12_000 });
      // Newly created elsewhere: nothing to report; remember them as seen so far.
      for (const a of list) if (!(String(a.id) in seen) && !fresh.includes(a)) markSeen(a.id, a.lastFiredAt ?? 0);
      for (const t of timeouts.values()) clearTimeout(t);
      timeouts.clear();
      for (const a of list) schedule(a);
    } catch (err) {
      error.value = errorMessage(err);
    } finally {
      loaded.value = true;
    }
  }

  async function create(input: AlarmInput): Promise<Alarm> {
    const { alarm } = await http.post<{ alarm: Alarm }>('/api/alarms', input);
    markSeen(alarm.id, 0);
    upsert(alarm);
    return alarm;
  }

  async function remove(id: number): Promise<void> {
    const before = alarms.value;
    alarms.value = alarms.value.filter((a) => a.id !== id);
    clearTimeout(timeouts.get(id));
    timeouts.delete(id);
    missed.value = missed.value.filter((x) => x !== id);
    dismissToastsByKey(`alarm:${id}`);
    try {
      await http.del(`/api/alarms/${id}`);
    } catch (err) {
      alarms.value = before;
      const a = before.find((x) => x.id === id);
      if (a) schedule(a);
      toast({ kind: 'error', title: 'Could not delete', body: errorMessage(err) });
    }
  }

  function dismissMissed(id: number): void {
    missed.value = missed.value.filter((x) => x !== id);
  }

  /** Starts listening and loads the list (idempotent). */
  function start(): void {
    if (started) return;
    started = true;
    startClockSync();
    void load();
    getSocket().on('alarm:fired', ({ alarm, firedAt }) => fire(alarm, firedAt, alarm));
    // After a reconnect the list may have moved on (fired elsewhere, created on another device).
    onConnected((recovered) => {
      if (!recovered) void load();
    });
  }

  return { alarms, loaded, error, missed, rang, start, load, create, remove, dismissMissed };
});
