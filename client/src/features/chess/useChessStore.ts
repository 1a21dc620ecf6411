/**
 * Chess in the room being viewed: the room's game list (kept by the room's sequenced facts, plus
 * unsequenced `chess:moved` for live thumbnails) and the one game open on the stage (kept by its
 * channel's versioned facts; a gap re-watches it). Loaded with the chess stage, never before.
 *
 * Presence: the server counts a player as present while any socket of theirs watches the game, so
 * a player's own active games stay watched while they are in the room, even when the stage shows
 * the list or the chat; spectated games are unwatched when closed.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import { useRouter } from 'vue-router';
import type { ChessMovedFact } from '@protocol/chess-events.js';
import type { GameSummary, GameView, TimeControl, ColorChoice } from '@protocol/chess.js';
import { ApiError, errorMessage } from '../../lib/errors';
import { http } from '../../lib/http';
import { command, getSocket, onConnected } from '../../lib/socket';
import { dismissToastsByKey, toast } from '../../ui/toasts';
import { useAuthStore } from '../auth/useAuthStore';
import { onRoomFact, onRoomSnapshot, useRoomStore } from '../room/useRoomStore';
import { colorOf, foldMoved, foldOffers, foldReplace, newerView, OFFER_WORDS, summaryAfterMove, type Fold } from './gameState';
import { playSound } from './sounds';
import { roughSync, startClockSync } from '../../lib/serverClock';
import { currentLag, recordRoundTrip } from './serverTime';
import { inviteKey } from './chessInvites';

const RECENT = 10;

export interface PendingMove {
  uci: string;
  /** Position after the move as the client computed it, shown until the server answers. */
  fen: string;
  san: string;
}

export const useChessStore = defineStore('chess', () => {
  const room = useRoomStore();
  const auth = useAuthStore();
  const router = useRouter();
  const socket = getSocket();
  startClockSync();

  // ---- the room's list ----

  const listRoomId = ref<number | null>(null);
  const live = ref<GameSummary[]>([]);
  const recent = ref<GameSummary[]>([]);
  const listStatus = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const listError = ref<unknown>(null);
  /** A game that just started for me (my seat or challenge was taken): the stage opens it. */
  const autoOpen = ref<number | null>(null);
  /** Facts that arrive while a list request is out are replayed on top of its answer. */
  let buffered: (() => void)[] | null = null;

  const pending = computed(() => live.value.filter((g) => g.status === 'pending'));
  const active = computed(() => live.value.filter((g) => g.status === 'active'));

  function upsertLive(g: GameSummary): void {
    const i = live.value.findIndex((x) => x.id === g.id);
    if (i === -1) live.value = [...live.value, g];
    else live.value = live.value.map((x) => (x.id === g.id ? g : x));
  }
  function removeLive(id: number): void {
    live.value = live.value.filter((x) => x.id !== id);
  }
  function pushRecent(g: GameSummary): void {
    recent.value = [g, ...recent.value.filter((x) => x.id !== g.id)].slice(0, RECENT);
  }
  function later(fn: () => void): void {
    if (buffered) buffered.push(fn);
    else fn();
  }

  async function loadList(roomId: number): Promise<void> {
    if (listRoomId.value !== roomId) resetRoom(roomId);
    if (listStatus.value !== 'ready') listStatus.value = 'loading';
    buffered ??= [];
    try {
      const [list, history] = await Promise.all([
        command('chess:list', { roomId }),
        http.get<{ games: GameSummary[] }>(`/api/rooms/${roomId}/games?status=finished&limit=${RECENT}`),
      ]);
      if (listRoomId.value !== roomId) return;
      roughSync(list.serverNow);
      live.value = list.games;
      recent.value = history.games;
      listStatus.value = 'ready';
      listError.value = null;
      const replay = buffered ?? [];
      buffered = null;
      for (const fn of replay) fn();
    } catch (err) {
      buffered = null;
      if (listRoomId.value !== roomId) return;
      if (listStatus.value !== 'ready') {
        listStatus.value = 'error';
        listError.value = err;
      }
    }
  }

  function resetRoom(roomId: number | null): void {
    for (const id of watching) void command('chess:unwatch', { gameId: id }).catch(() => {});
    watching.clear();
    listRoomId.value = roomId;
    live.value = [];
    recent.value = [];
    listStatus.value = 'idle';
    listError.value = null;
    buffered = null;
    closeGame();
  }

  /** The stage asks for the list of a room (idempotent). */
  function openRoom(roomId: number): void {
    if (listRoomId.value === roomId && listStatus.value !== 'error' && listStatus.value !== 'idle') return;
    void loadList(roomId);
  }

  const mine = (g: GameSummary) => colorOf(g, auth.me?.id) !== null;

  onRoomFact('chess:challenged', (f) => f.roomId === listRoomId.value && later(() => upsertLive(f.game)));
  onRoomFact('chess:cancelled', (f) => f.roomId === listRoomId.value && later(() => removeLive(f.gameId)));
  onRoomFact('chess:started', (f) => {
    if (f.roomId !== listRoomId.value) return;
    later(() => upsertLive(f.game));
    // Someone took my seat or accepted my challenge: go to the board, as lichess does.
    if (mine(f.game) && f.game.createdBy.id === auth.me?.id && f.game.rematchOf === null) {
      watching.add(f.game.id);
      autoOpen.value = f.game.id;
    }
  });
  onRoomFact('chess:finished', (f) => {
    if (f.roomId !== listRoomId.value) return;
    later(() => {
      removeLive(f.game.id);
      if (f.game.status === 'finished') pushRecent(f.game);
    });
  });
  onRoomSnapshot((snap) => {
    // First entry and every resync after a gap: the list is fetched again.
    if (snap.room.id === listRoomId.value && listStatus.value !== 'idle') void loadList(snap.room.id);
  });
  watch(
    () => room.roomId,
    (id) => {
      if (listRoomId.value !== null && id !== listRoomId.value) resetRoom(null);
    },
  );

  // ---- the open game ----

  const game = ref<GameView | null>(null);
  const gameStatus = ref<'idle' | 'loading' | 'ready' | 'error'>('idle');
  const gameError = ref<unknown>(null);
  const pendingMove = shallowRef<PendingMove | null>(null);
  /** Games this socket watches (the open one and my own active ones). */
  const watching = new Set<number>();
  let openId: number | null = null;
  let rewatching = false;

  const myColor = computed(() => (game.value ? colorOf(game.value, auth.me?.id) : null));

  function keepWatching(g: GameSummary | null): boolean {
    return !!g && g.status === 'active' && mine(g);
  }

  function letGo(id: number): void {
    const g = game.value?.id === id ? game.value : (live.value.find((x) => x.id === id) ?? null);
    if (keepWatching(g)) return;
    watching.delete(id);
    void command('chess:unwatch', { gameId: id }).catch(() => {});
  }

  async function openGame(id: number): Promise<void> {
    if (openId === id && gameStatus.value !== 'error') return;
    const prev = openId;
    openId = id;
    if (prev !== null && prev !== id) letGo(prev);
    if (game.value?.id !== id) game.value = null;
    pendingMove.value = null;
    gameStatus.value = 'loading';
    gameError.value = null;
    try {
      const view = await command('chess:watch', { gameId: id });
      watching.add(id);
      if (openId !== id) return;
      roughSync(view.serverNow);
      game.value = view;
      gameStatus.value = 'ready';
    } catch (err) {
      if (openId !== id) return;
      gameStatus.value = 'error';
      gameError.value = err;
    }
  }

  function closeGame(): void {
    if (openId !== null) letGo(openId);
    openId = null;
    game.value = null;
    pendingMove.value = null;
    gameStatus.value = 'idle';
  }

  /** Missed a fact: fetch the whole view again. */
  async function rewatch(): Promise<void> {
    const id = openId;
    if (id === null || rewatching) return;
    rewatching = true;
    try {
      const view = await command('chess:watch', { gameId: id });
      if (openId === id) {
        roughSync(view.serverNow);
        game.value = view;
        if (pendingMove.value && view.moves.at(-1)?.uci === pendingMove.value.uci) pendingMove.value = null;
      }
    } catch {
      // The next fact or reconnect tries again.
    } finally {
      rewatching = false;
    }
  }

  function apply(result: Fold): void {
    if (result.kind === 'apply') game.value = result.view;
    else if (result.kind === 'gap') void rewatch();
  }

  function takeView(view: GameView): void {
    if (view.id === openId && newerView(game.value, view)) game.value = view;
  }

  function onMoved(f: ChessMovedFact): void {
    if (f.roomId === listRoomId.value) {
      const g = live.value.find((x) => x.id === f.gameId);
      if (g) upsertLive(summaryAfterMove(g, f));
    }
    if (f.gameId !== openId || !game.value) return;
    apply(foldMoved(game.value, f));
    if (pendingMove.value?.uci === f.move.uci) pendingMove.value = null;
  }

  socket.on('chess:moved', onMoved);
  socket.on('chess:offered', (f) => {
    if (f.gameId !== openId || !game.value) return;
    apply(foldOffers(game.value, f));
    if (f.by !== myColor.value && myColor.value) playSound('notify');
  });
  socket.on('chess:declined', (f) => {
    if (f.gameId !== openId || !game.value) return;
    apply(foldOffers(game.value, f));
    const me = myColor.value;
    if (me && f.by !== me) toast({ title: `Your opponent declined ${OFFER_WORDS[f.kind]}.` });
  });
  socket.on('chess:takenback', (f) => f.gameId === openId && game.value && apply(foldReplace(game.value, f)));
  socket.on('chess:ended', (f) => {
    if (f.gameId !== openId || !game.value) return;
    apply(foldReplace(game.value, f));
    pendingMove.value = null;
  });
  socket.on('chess:rematched', (f) => {
    watching.add(f.next.id);
    if (f.gameId !== openId) return;
    // Watchers were subscribed to the new game by the server: follow it.
    letGo(f.gameId);
    openId = f.next.id;
    game.value = f.next;
    gameStatus.value = 'ready';
  });
  socket.on('chess:presenceChanged', (f) => {
    const g = game.value;
    if (f.gameId !== openId || !g) return;
    game.value = { ...g, presence: { ...g.presence, [f.color]: { present: f.present, goneSince: f.goneSince, claimableAt: f.claimableAt } } };
  });
  onConnected((recovered) => {
    if (recovered) return;
    // A new session: the server forgot what this socket watched.
    const open = openId;
    for (const id of watching) if (id !== open) void command('chess:watch', { gameId: id }).catch(() => watching.delete(id));
    void rewatch();
  });

  // ---- commands ----

  function fail(title: string, err: unknown): void {
    toast({ kind: 'error', title, body: errorMessage(err) });
  }

  async function challenge(opts: { roomId: number; opponentId?: number; color: ColorChoice; timeControl: TimeControl | null }): Promise<GameSummary> {
    const g = await command('chess:challenge', opts);
    if (g.roomId === listRoomId.value) later(() => upsertLive(g));
    return g;
  }

  /** Takes a seat or accepts a challenge, then shows the board. */
  async function accept(gameId: number, roomId = listRoomId.value): Promise<void> {
    try {
      const view = await command('chess:accept', { gameId });
      watching.add(view.id);
      if (roomId !== null) await router.push({ path: `/rooms/${roomId}`, query: { a: 'chess', g: String(view.id) } });
    } catch (err) {
      fail('Could not start the game', err);
    }
  }

  async function decline(gameId: number): Promise<void> {
    dismissToastsByKey(inviteKey(gameId));
    try {
      await command('chess:decline', { gameId });
      removeLive(gameId);
    } catch (err) {
      fail('Could not decline', err);
    }
  }

  async function cancel(gameId: number): Promise<void> {
    try {
      await command('chess:cancel', { gameId });
      removeLive(gameId);
    } catch (err) {
      fail('Could not cancel', err);
    }
  }

  /** Plays a move; `optimistic` is shown at once and replaced by the server's answer. */
  async function move(uci: string, optimistic: PendingMove): Promise<void> {
    const g = game.value;
    if (!g) return;
    pendingMove.value = optimistic;
    const t0 = performance.now();
    try {
      const fact = await command('chess:move', { gameId: g.id, uci, ply: g.ply, lag: currentLag() });
      recordRoundTrip(performance.now() - t0);
      onMoved(fact);
    } catch (err) {
      if (pendingMove.value?.uci === uci) pendingMove.value = null;
      if (err instanceof ApiError && err.code === 'CONFLICT') void rewatch();
      fail('That move was not played', err);
    }
  }

  async function act<T extends GameView>(run: () => Promise<T>, what: string): Promise<void> {
    try {
      takeView(await run());
    } catch (err) {
      fail(what, err);
    }
  }

  const gid = () => game.value!.id;
  const resign = () => act(() => command('chess:resign', { gameId: gid() }), 'Could not resign');
  const abort = () => act(() => command('chess:abort', { gameId: gid() }), 'Could not abort');
  const draw = (action: 'offer' | 'accept' | 'decline') => act(() => command('chess:draw', { gameId: gid(), action }), 'Draw offer failed');
  const takeback = (action: 'request' | 'accept' | 'decline') => act(() => command('chess:takeback', { gameId: gid(), action }), 'Takeback failed');
  const claim = (outcome: 'win' | 'draw') => act(() => command('chess:claim', { gameId: gid(), outcome }), 'Could not claim');
  async function rematch(action: 'offer' | 'accept' | 'decline'): Promise<void> {
    try {
      const res = await command('chess:rematch', { gameId: gid(), action });
      takeView(res.game);
      if (res.next && openId === res.game.id) {
        watching.add(res.next.id);
        openId = res.next.id;
        game.value = res.next;
      }
    } catch (err) {
      fail('Rematch failed', err);
    }
  }

  return {
    listRoomId,
    live,
    recent,
    pending,
    active,
    listStatus,
    listError,
    autoOpen,
    game,
    gameStatus,
    gameError,
    pendingMove,
    myColor,
    openRoom,
    loadList,
    openGame,
    closeGame,
    challenge,
    accept,
    decline,
    cancel,
    move,
    resign,
    abort,
    draw,
    takeback,
    claim,
    rematch,
  };
});
