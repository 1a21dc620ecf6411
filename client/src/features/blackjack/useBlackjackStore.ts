/**
 * The blackjack table of the room being viewed. The server owns the table: every `bj:*` fact
 * carries the whole public table after the change, so the store keeps the latest one (by room
 * sequence number) and uses the rest of each fact to animate and to announce. A snapshot
 * (`bj:watch`) is taken when the stage opens and after every room resync (gap, reconnect).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { BjBankroll, BjHistoryPage, BjLeaderboard, BjMove, BjSettings, BjTableView } from '@protocol/blackjack.js';
import type { BjTableChange } from '@protocol/blackjack-events.js';
import type { CommandName, CommandPayload } from '@protocol/events.js';
import { errorMessage } from '../../lib/errors';
import { http } from '../../lib/http';
import { command, getSocket } from '../../lib/socket';
import { toast } from '../../ui/toasts';
import { useAuthStore } from '../auth/useAuthStore';
import { onRoomFact, onRoomSnapshot, useRoomStore } from '../room/useRoomStore';
import { dealSteps, settleSteps, type Step } from './animation';
import { cardLabel, handValue, spokenTotal } from './cards';
import { myResultSentence } from './outcomes';
import { seatOf } from './seats';
import { addClockSample, startClockSync } from '../../lib/serverClock';
import { buildFelt, type AnimState } from './tableView';

export type Pending = 'sit' | 'leave' | 'sit-out' | 'bet' | 'insurance' | BjMove | 'configure' | 'top-up' | null;

const MOVE_WORDS: Record<BjMove, string> = { hit: 'hits', stand: 'stands', double: 'doubles down', split: 'splits', surrender: 'surrenders' };

export function prefersReducedMotion(): boolean {
  return typeof window !== 'undefined' && !!window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
}

export const useBlackjackStore = defineStore('blackjack', () => {
  const room = useRoomStore();
  const auth = useAuthStore();

  const roomId = ref<number | null>(null);
  const status = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const error = ref('');
  const table = shallowRef<BjTableView | null>(null);
  const bankroll = ref<BjBankroll | null>(null);
  const anim = shallowRef<AnimState | null>(null);
  const animating = ref(false);
  const pending = ref<Pending>(null);
  /** Polite live region: results, dealing, other players' moves. */
  const announcement = ref('');
  /** Assertive live region: it is my turn, insurance is offered. */
  const alert = ref('');
  /** A short message across the felt ("Shuffling…", "Dealer has no blackjack"). */
  const flash = ref('');
  const dismissedNotice = ref<number | null>(null);
  /** Bumped when a round settles, so history and leaderboards refresh. */
  const settledCount = ref(0);

  let seq = -1;
  let loadToken = 0;

  // ---- who is who ----

  const meId = computed(() => auth.me?.id ?? null);
  function nameOf(userId: number | null): string {
    if (userId === null) return 'Someone';
    if (userId === meId.value) return 'You';
    return room.members.find((m) => m.user.id === userId)?.user.displayName ?? 'A former member';
  }
  function userOf(userId: number | null) {
    return room.members.find((m) => m.user.id === userId)?.user ?? null;
  }

  // ---- derived ----

  const felt = computed(() => buildFelt(table.value, anim.value));
  const mySeat = computed(() => (table.value ? seatOf(table.value.seats, meId.value) : null));
  const mySeatView = computed(() => (mySeat.value === null ? null : (table.value?.seats[mySeat.value] ?? null)));
  const inRound = computed(() => !!table.value && mySeat.value !== null && table.value.hands.some((h) => h.seat === mySeat.value));
  /** The hand I must play now (after the cards have been dealt on screen). */
  const myTurnHand = computed(() => {
    const t = table.value;
    if (!t || t.phase !== 'playing' || t.turn === null || animating.value) return null;
    const h = t.hands[t.turn];
    return h && h.userId === meId.value && h.seat === mySeat.value ? h : null;
  });
  const insuranceOffer = computed(() => {
    const t = table.value;
    if (!t || t.phase !== 'insurance' || !inRound.value || animating.value) return null;
    const st = mySeatView.value;
    if (!st || st.insurance !== null) return null;
    return { cost: st.bet / 2 };
  });
  const canBet = computed(() => {
    const t = table.value;
    return !!t && !!mySeatView.value && !mySeatView.value.leaving && (t.phase === 'idle' || t.phase === 'betting');
  });
  const notice = computed(() => {
    const n = table.value?.notice;
    return n && n.at !== dismissedNotice.value ? n : null;
  });
  const broke = computed(() => !!bankroll.value && bankroll.value.chips < bankroll.value.brokeBelow && !(mySeatView.value && mySeatView.value.bet > 0) && !inRound.value);

  // ---- animation ----

  const queue: Step[] = [];
  let stepTimer: ReturnType<typeof setTimeout> | undefined;

  function pump(): void {
    while (queue.length) {
      const step = queue[0]!;
      if (step.delayMs > 0 && !prefersReducedMotion()) {
        stepTimer = setTimeout(() => {
          stepTimer = undefined;
          queue.shift();
          anim.value = step.apply(anim.value);
          pump();
        }, step.delayMs);
        return;
      }
      queue.shift();
      anim.value = step.apply(anim.value);
    }
    animating.value = false;
  }
  function enqueue(steps: Step[]): void {
    queue.push(...steps);
    animating.value = true;
    if (!stepTimer) pump();
  }
  function stopAnimation(): void {
    clearTimeout(stepTimer);
    stepTimer = undefined;
    queue.length = 0;
    anim.value = null;
    animating.value = false;
  }
  const then = (fn: () => void): Step => ({ delayMs: 0, apply: (s) => (fn(), s) });

  let flashTimer: ReturnType<typeof setTimeout> | undefined;
  function showFlash(text: string, ms = 2200): void {
    clearTimeout(flashTimer);
    flash.value = text;
    flashTimer = setTimeout(() => (flash.value = ''), ms);
  }
  function announce(text: string): void {
    // Re-setting the same words would not be read again.
    announcement.value = announcement.value === text ? `${text}\u00a0` : text;
  }

  // ---- snapshot and facts ----

  function reset(): void {
    loadToken++;
    stopAnimation();
    roomId.value = null;
    status.value = 'idle';
    error.value = '';
    table.value = null;
    bankroll.value = null;
    seq = -1;
    flash.value = '';
    announcement.value = '';
    alert.value = '';
  }

  /** Opens (or refreshes) the table of a room. */
  async function watchTable(id: number): Promise<void> {
    const token = ++loadToken;
    if (roomId.value !== id) {
      reset();
      loadToken = token;
      roomId.value = id;
      status.value = 'loading';
    }
    try {
      const t0 = Date.now();
      const snap = await command('bj:watch', { roomId: id });
      const t1 = Date.now();
      if (token !== loadToken) return;
      addClockSample({ t0, t1, serverNow: snap.serverNow });
      // Facts newer than the snapshot may already have arrived; keep them.
      if (snap.seq >= seq) {
        stopAnimation();
        table.value = snap.table;
        seq = snap.seq;
      }
      bankroll.value = snap.me;
      status.value = 'ready';
      error.value = '';
      startClockSync();
    } catch (err) {
      if (token !== loadToken) return;
      if (status.value !== 'ready') {
        status.value = 'error';
        error.value = errorMessage(err);
      }
    }
  }

  function close(): void {
    reset();
  }

  onRoomSnapshot((snap) => {
    if (roomId.value === snap.room.id && status.value !== 'idle') void watchTable(snap.room.id);
  });
  watch(
    () => room.roomId,
    (id) => {
      if (id !== roomId.value) reset();
    },
  );

  /** Takes a fact's table if it is newer than what we show. */
  function take(f: { roomId: number; seq: number; table: BjTableView }): boolean {
    if (status.value === 'idle' || f.roomId !== roomId.value || f.seq <= seq) return false;
    seq = f.seq;
    table.value = f.table;
    return true;
  }

  const CHANGE_FLASH: Partial<Record<BjTableChange, string>> = { shuffled: 'Shuffling a fresh shoe…', configured: 'Table settings changed' };

  onRoomFact('bj:table', (f) => {
    if (!take(f)) return;
    const text = CHANGE_FLASH[f.change];
    if (text) showFlash(text);
    if (f.change === 'betting-opened' && mySeat.value !== null) announce('Place your bets.');
  });

  onRoomFact('bj:dealt', (f) => {
    if (!take(f)) return;
    dismissedNotice.value = null;
    if (f.shuffled) showFlash('Shuffling a fresh shoe…');
    const up = f.cards.find((c) => c.to === -1)?.card ?? null;
    enqueue([
      ...dealSteps(f.roundId, f.cards),
      then(() => {
        // A round settled on the deal (blackjacks) has no hands left in the table: ask its summary.
        const ownerOf = (to: number) => f.table.hands[to]?.userId ?? (f.table.last?.roundId === f.roundId ? f.table.last.hands.find((h) => h.hand === to)?.userId : undefined);
        const mine = f.cards.filter((c) => c.to >= 0 && ownerOf(c.to) === meId.value).map((c) => c.card);
        const dealer = `Dealer shows ${cardLabel(up)}.`;
        announce(mine.length ? `Cards dealt. You have ${mine.map(cardLabel).join(' and ')}, ${spokenTotal(handValue(mine))}. ${dealer}` : `Cards dealt. ${dealer}`);
      }),
    ]);
  });

  onRoomFact('bj:insured', (f) => {
    if (!take(f)) return;
    if (f.userId !== meId.value && f.amount > 0) announce(`${nameOf(f.userId)} takes insurance.`);
  });

  onRoomFact('bj:peeked', (f) => {
    if (!take(f)) return;
    if (!f.dealerBlackjack) showFlash('Dealer checked: no blackjack');
    else showFlash('Dealer has blackjack', 3000);
  });

  onRoomFact('bj:acted', (f) => {
    if (!take(f)) return;
    const who = nameOf(f.table.hands[f.hand]?.userId ?? f.table.seats[f.seat]?.userId ?? null);
    if (f.auto) showFlash(`${who === 'You' ? 'Your' : `${who}’s`} time ran out: ${who === 'You' ? 'you stand' : 'stands'}`);
    if (who !== 'You') announce(`${who} ${MOVE_WORDS[f.action]}${f.cards.length ? `: ${f.cards.map(cardLabel).join(', ')}` : ''}.`);
  });

  onRoomFact('bj:settled', (f) => {
    if (!take(f)) return;
    const s = f.summary;
    enqueue([
      ...settleSteps(s.roundId, s.dealer.length),
      then(() => {
        settledCount.value++;
        const mine = s.hands.filter((h) => h.userId === meId.value);
        announce(mine.length ? myResultSentence(mine, s.dealerTotal, s.dealerBlackjack) : `Round over. Dealer has ${s.dealerBlackjack ? 'blackjack' : s.dealerTotal}.`);
      }),
    ]);
  });

  onRoomFact('bj:voided', (f) => {
    if (!take(f)) return;
    stopAnimation();
    dismissedNotice.value = null;
    const mine = f.notice.refunds.find((r) => r.userId === meId.value);
    announce(`${f.notice.reason === 'restart' ? 'The server restarted' : 'The shoe ran out'}: the round was cancelled${mine ? ` and your ${mine.amount} chips refunded` : ', bets refunded'}.`);
  });

  getSocket().on('bj:bankroll', ({ bankroll: b }) => {
    bankroll.value = b;
  });

  // "Your turn" once the cards are on screen: by round, hand and number of cards (a hit keeps the turn).
  const turnKey = computed(() => (myTurnHand.value ? `${table.value?.roundId}:${myTurnHand.value.index}:${myTurnHand.value.cards.length}` : ''));
  watch(turnKey, (k, old) => {
    if (!k || k === old) return;
    const h = myTurnHand.value!;
    const up = table.value?.dealer?.cards[0] ?? null;
    const many = (table.value?.hands.filter((x) => x.seat === h.seat).length ?? 0) > 1;
    alert.value = `Your turn${many ? ` (hand ${table.value!.hands.filter((x) => x.seat === h.seat).indexOf(h) + 1})` : ''}: ${spokenTotal(handValue(h.cards))} against the dealer’s ${cardLabel(up)}.`;
  });
  watch(insuranceOffer, (o, old) => {
    if (o && !old) alert.value = `The dealer shows an ace. Insurance costs ${o.cost} chips.`;
  });

  // ---- commands ----

  async function run<E extends CommandName>(kind: Pending, name: E, payload: CommandPayload<E>, failTitle: string): Promise<boolean> {
    pending.value = kind;
    try {
      const r = (await command(name, payload)) as { chips?: number };
      if (typeof r?.chips === 'number' && bankroll.value) bankroll.value = { ...bankroll.value, chips: r.chips };
      return true;
    } catch (err) {
      toast({ kind: 'error', title: failTitle, body: errorMessage(err) });
      return false;
    } finally {
      pending.value = null;
    }
  }

  const rid = () => roomId.value!;
  const sit = (seat: number) => run('sit', 'bj:sit', { roomId: rid(), seat }, 'Could not take the seat');
  const leaveSeat = () => (mySeat.value === null ? Promise.resolve(false) : run('leave', 'bj:leave', { roomId: rid(), seat: mySeat.value }, 'Could not leave the seat'));
  const sitOut = (sittingOut: boolean) => (mySeat.value === null ? Promise.resolve(false) : run('sit-out', 'bj:sit-out', { roomId: rid(), seat: mySeat.value, sittingOut }, 'Could not change that'));
  const bet = (amount: number) => (mySeat.value === null ? Promise.resolve(false) : run('bet', 'bj:bet', { roomId: rid(), seat: mySeat.value, amount }, amount ? 'Your bet was not placed' : 'Could not take the bet back'));
  const insure = (take: boolean) => (mySeat.value === null ? Promise.resolve(false) : run('insurance', 'bj:insurance', { roomId: rid(), seat: mySeat.value, take }, 'Insurance did not go through'));
  function act(move: BjMove): Promise<boolean> {
    const h = myTurnHand.value;
    if (!h || mySeat.value === null || pending.value) return Promise.resolve(false);
    return run(move, 'bj:act', { roomId: rid(), seat: mySeat.value, hand: h.index, action: move }, 'That move did not go through');
  }
  /** Throws, so the settings dialog can show the reason beside the form. */
  async function configure(settings: BjSettings): Promise<void> {
    pending.value = 'configure';
    try {
      await command('bj:configure', { roomId: rid(), settings });
    } finally {
      pending.value = null;
    }
  }
  /** Throws (with the server's reason on 409). */
  async function topUp(): Promise<void> {
    pending.value = 'top-up';
    try {
      bankroll.value = await http.post<BjBankroll>('/api/blackjack/top-up');
    } finally {
      pending.value = null;
    }
  }
  async function refreshBankroll(): Promise<void> {
    try {
      bankroll.value = await http.get<BjBankroll>('/api/blackjack/bankroll');
    } catch {
      // Shown from the last snapshot.
    }
  }

  const history = (scope: 'room' | 'me', before?: number) =>
    http.get<BjHistoryPage>(`${scope === 'room' ? `/api/rooms/${rid()}/blackjack/history` : '/api/blackjack/history'}?limit=20${before ? `&before=${before}` : ''}`);
  const leaderboard = (scope: 'room' | 'global') => http.get<BjLeaderboard>(scope === 'room' ? `/api/rooms/${rid()}/blackjack/leaderboard` : '/api/blackjack/leaderboard');

  return {
    roomId,
    status,
    error,
    table,
    bankroll,
    anim,
    animating,
    pending,
    announcement,
    alert,
    flash,
    settledCount,
    felt,
    mySeat,
    mySeatView,
    inRound,
    myTurnHand,
    insuranceOffer,
    canBet,
    notice,
    broke,
    nameOf,
    userOf,
    watchTable,
    close,
    dismissNotice: () => (dismissedNotice.value = table.value?.notice?.at ?? null),
    sit,
    leaveSeat,
    sitOut,
    bet,
    insure,
    act,
    configure,
    topUp,
    refreshBankroll,
    history,
    leaderboard,
  };
});
