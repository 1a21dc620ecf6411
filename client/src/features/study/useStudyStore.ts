/**
 * The study tools of the room being viewed: its pomodoro, shared to-dos and session goals. The
 * snapshot comes from `study:enter` each time the room store takes a snapshot (first entry, gaps,
 * unrecovered reconnects); facts arrive through the room store's sequencer, in order.
 */
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { Goal, TimerSettings, TimerView, Todo } from '@protocol/study.js';
import { formatCountdown, msUntilNextTick, remainingUntil } from '../../lib/clock';
import { ApiError, errorMessage } from '../../lib/errors';
import { command } from '../../lib/socket';
import { toast } from '../../ui/toasts';
import { useAuthStore } from '../auth/useAuthStore';
import { onRoomFact, onRoomSnapshot, useRoomStore } from '../room/useRoomStore';
import { attention, primeAttention } from './alerts';
import { roughSync, serverClock, serverNow, startClockSync } from '../../lib/serverClock';
import { createTodoController } from './todoController';

export type Phase = TimerView['phase'];
export type TimerAction = 'start' | 'pause' | 'resume' | 'skip' | 'reset';

export const PHASE_NAMES: Record<Phase, string> = { focus: 'Focus', short: 'Short break', long: 'Long break' };

export const useStudyStore = defineStore('study', () => {
  const room = useRoomStore();
  const auth = useAuthStore();

  const roomId = ref<number | null>(null);
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const error = ref('');
  const timer = ref<TimerView | null>(null);
  const todos = ref<Todo[]>([]);
  const goals = ref<Goal[]>([]);
  /** Milliseconds left in the phase, re-computed when the displayed second changes. */
  const remainingMs = ref(0);
  /** Polite live-region text: phase changes and who changed the timer. */
  const announcement = ref('');
  /** The goal to check off after a focus phase ended (shown as a prompt). */
  const checkIn = ref<Goal | null>(null);
  /** Bumped when a focus phase ends, so the leaderboard refreshes. */
  const focusEndedCount = ref(0);
  const acting = ref<TimerAction | null>(null);

  let loadToken = 0;

  // ---- derived ----

  const running = computed(() => timer.value?.status === 'running');
  const canControl = computed(() => !!timer.value && (timer.value.settings.control === 'everyone' || room.isModerator));
  const phaseTotalMs = computed(() => {
    const t = timer.value;
    if (!t) return 1;
    const min = t.phase === 'focus' ? t.settings.focusMin : t.phase === 'short' ? t.settings.shortBreakMin : t.settings.longBreakMin;
    return min * 60_000;
  });
  const progress = computed(() => (timer.value ? Math.min(1, Math.max(0, 1 - remainingMs.value / phaseTotalMs.value)) : 0));
  const display = computed(() => formatCountdown(remainingMs.value));
  /** Goals of the current (or just-ended) focus phase, by user id. */
  const goalsByUser = computed(() => {
    const map = new Map<number, Goal>();
    for (const g of goals.value) map.set(g.userId, g);
    return map;
  });
  /** My goal for the focus phase under way, if the phase is focus and has started. */
  const myGoal = computed(() => {
    const t = timer.value;
    if (!t || t.phase !== 'focus' || t.phaseStartedAt === null) return null;
    return goals.value.find((g) => g.userId === auth.me?.id && g.phaseStartedAt === t.phaseStartedAt) ?? null;
  });
  const canSetGoal = computed(() => timer.value?.phase === 'focus' && timer.value.phaseStartedAt !== null);

  // ---- ticking ----

  let tickTimer: ReturnType<typeof setTimeout> | undefined;

  function tick(): void {
    clearTimeout(tickTimer);
    const t = timer.value;
    if (!t) return;
    if (t.status === 'running' && t.endsAt !== null) {
      remainingMs.value = remainingUntil(t.endsAt, serverNow());
      // Wake just after the displayed second changes (same server instant on every client).
      if (remainingMs.value > 0) tickTimer = setTimeout(tick, msUntilNextTick(remainingMs.value) + 3);
    } else {
      remainingMs.value = t.remainingMs;
    }
  }
  watch(() => serverClock.offset, tick);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) tick();
  });

  // ---- snapshot and facts ----

  function reset(): void {
    loadToken++;
    clearTimeout(tickTimer);
    roomId.value = null;
    status.value = 'idle';
    error.value = '';
    timer.value = null;
    todos.value = [];
    goals.value = [];
    checkIn.value = null;
    announcement.value = '';
  }

  async function load(id: number): Promise<void> {
    const token = ++loadToken;
    if (roomId.value !== id) {
      reset();
      loadToken = token;
      roomId.value = id;
      status.value = 'loading';
    }
    startClockSync();
    try {
      const snap = await command('study:enter', { roomId: id });
      if (token !== loadToken) return;
      roughSync(snap.serverNow);
      timer.value = snap.timer;
      todos.value = snap.todos;
      goals.value = snap.goals;
      status.value = 'ready';
      error.value = '';
      tick();
    } catch (err) {
      if (token !== loadToken) return;
      if (status.value !== 'ready') {
        status.value = 'error';
        error.value = errorMessage(err);
      }
    }
  }

  onRoomSnapshot((snap) => void load(snap.room.id));
  // The store may be created after the room's first snapshot (lazy components).
  if (room.status === 'ready' && room.roomId !== null) void load(room.roomId);
  watch(
    () => room.roomId,
    (id) => {
      if (id === null) reset();
    },
  );

  const mine = (roomOf: number) => roomOf === roomId.value && status.value !== 'idle';

  function applyTimer(next: TimerView, ended: Phase | null): void {
    const prev = timer.value;
    timer.value = next;
    tick();
    if (ended) {
      // Replayed facts after a long disconnect are history, not news.
      const fresh = next.phaseStartedAt === null || serverNow() - next.phaseStartedAt < 60_000;
      const title = ended === 'focus' ? `Focus session over — ${PHASE_NAMES[next.phase].toLowerCase()}` : `${PHASE_NAMES[ended]} over — time to focus`;
      const body = next.status === 'running' ? `${PHASE_NAMES[next.phase]} started: ${formatCountdown(next.remainingMs)}.` : `Press Start when you are ready for ${PHASE_NAMES[next.phase].toLowerCase()}.`;
      // A fresh change is announced by its toast (a live region too); say it here only otherwise.
      if (!fresh) announcement.value = `${title}. ${body}`;
      if (fresh) {
        attention({ title, body: `${room.room?.name ?? 'Room'} · ${body}`, tag: `timer-${next.roomId}`, sound: ended === 'focus' ? 'focus-end' : 'break-end' });
        if (ended === 'focus') focusEndedCount.value++;
      }
      if (ended === 'focus' && prev?.phaseStartedAt != null) {
        const goal = goals.value.find((g) => g.userId === auth.me?.id && g.phaseStartedAt === prev.phaseStartedAt);
        if (goal && !goal.done && fresh) checkIn.value = goal;
      }
    } else if (prev && next.changedBy !== null && prev.status !== next.status) {
      const who = room.members.find((m) => m.user.id === next.changedBy)?.user.displayName ?? 'Someone';
      const verb = next.status === 'running' ? (prev.status === 'paused' ? 'resumed' : 'started') : next.status === 'paused' ? 'paused' : 'reset';
      announcement.value = `${who} ${verb} the timer. ${PHASE_NAMES[next.phase]} ${formatCountdown(next.status === 'running' && next.endsAt ? next.endsAt - serverNow() : next.remainingMs)}.`;
    }
  }

  const todoCtl = createTodoController(todos, {
    roomId: () => roomId.value ?? undefined,
    ownerId: () => auth.me?.id ?? 0,
    refetch: async () => {
      if (roomId.value !== null) todos.value = await command('todo:list', { roomId: roomId.value });
    },
  });

  onRoomFact('timer:changed', (f) => mine(f.roomId) && applyTimer(f.timer, f.ended));
  onRoomFact('todo:added', (f) => mine(f.roomId) && todoCtl.receive(f.todo));
  onRoomFact('todo:updated', (f) => mine(f.roomId) && todoCtl.receive(f.todo));
  onRoomFact('todo:deleted', (f) => mine(f.roomId) && todoCtl.receiveDeleted(f.todoId));
  onRoomFact('goal:updated', (f) => {
    if (!mine(f.roomId)) return;
    const g = f.goal;
    const latest = Math.max(0, ...goals.value.map((x) => x.phaseStartedAt));
    if (g.phaseStartedAt > latest) goals.value = [g];
    else if (g.phaseStartedAt === latest) goals.value = [...goals.value.filter((x) => x.id !== g.id), g];
    if (checkIn.value?.id === g.id && g.done) checkIn.value = null;
  });

  // ---- commands ----

  async function act(action: TimerAction): Promise<void> {
    if (roomId.value === null) return;
    if (action === 'start' || action === 'resume') primeAttention();
    acting.value = action;
    try {
      // The fact (timer:changed) updates every client, this one included.
      await command('timer:act', { roomId: roomId.value, action });
    } catch (err) {
      toast({ kind: 'error', title: 'The timer did not change', body: errorMessage(err) });
    } finally {
      acting.value = null;
    }
  }

  async function configure(settings: TimerSettings): Promise<void> {
    if (roomId.value === null) return;
    await command('timer:configure', { roomId: roomId.value, settings });
  }

  async function setGoal(text: string): Promise<boolean> {
    if (roomId.value === null) return false;
    try {
      const g = await command('goal:set', { roomId: roomId.value, text });
      goals.value = [...goals.value.filter((x) => x.id !== g.id && x.phaseStartedAt === g.phaseStartedAt), g];
      return true;
    } catch (err) {
      toast({ kind: 'error', title: 'Could not save your goal', body: errorMessage(err) });
      return false;
    }
  }

  async function checkGoal(goal: Goal, done: boolean): Promise<void> {
    if (roomId.value === null) return;
    checkIn.value = null;
    try {
      const g = await command('goal:check', { roomId: roomId.value, goalId: goal.id, done });
      goals.value = goals.value.map((x) => (x.id === g.id ? g : x));
      if (done) toast({ kind: 'success', title: 'Goal reached — well done!', body: g.text });
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'NOT_FOUND')) toast({ kind: 'error', title: 'Could not check in', body: errorMessage(err) });
    }
  }

  return {
    roomId,
    status,
    error,
    timer,
    todos,
    goals,
    remainingMs,
    announcement,
    checkIn,
    focusEndedCount,
    acting,
    running,
    canControl,
    progress,
    display,
    goalsByUser,
    myGoal,
    canSetGoal,
    todoCtl,
    load,
    act,
    configure,
    setGoal,
    checkGoal,
  };
});
