/**
 * Pure chess game rules: (state, action, now) -> new state + what happened, or a refusal.
 * No I/O, no timers, no Date.now(): every instant is passed in. chess.js decides legality and
 * board outcomes; this module adds what a played game needs around it: clocks with increment and
 * bounded lag compensation, draw offers, takebacks, abort, claims after a disconnection, flag fall
 * (a draw when the other side cannot mate), rematch offers, and the downtime rule at boot.
 *
 * The state is plain data (JSON-safe): the service persists it and a restarted server rebuilds it.
 * Positions are kept as the FEN after every ply, so a move loads one FEN (cheap) instead of
 * replaying the game, and threefold repetition is counted from those FENs.
 */
import { Chess, type Square } from 'chess.js';
import type { EndReason, GameResult, Offers } from '../../../protocol/chess.js';

export type Color = 'w' | 'b';
export const other = (c: Color): Color => (c === 'w' ? 'b' : 'w');
export const START_FEN = 'rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1';

// ---- tuning (documented in docs/decisions/0004-chess-clocks.md) ----

/** Most lag credited for one move. */
export const MAX_LAG_CREDIT_MS = 500;
/** Each player's lag quota: starts here, gains per move, capped; every credit is spent from it. */
export const LAG_QUOTA_START_MS = 1000;
export const LAG_QUOTA_GAIN_MS = 100;
export const LAG_QUOTA_MAX_MS = 2000;
/** Timed games: each side has this long for its first move, or the game is aborted ("no-start"). */
export const FIRST_MOVE_MS = 60_000;
/** Default disconnection grace before the opponent may claim. */
export const DEFAULT_GRACE_MS = 60_000;

export interface ClockSettings {
  initialMs: number;
  incrementMs: number;
}

export interface Ply {
  uci: string;
  san: string;
  /** Position after the ply. */
  fen: string;
  at: number;
  /** The mover's remaining time right after the ply (increment included); null when untimed. */
  clockMs: number | null;
}

export interface GameState {
  /** Null: untimed. */
  clock: ClockSettings | null;
  plies: Ply[];
  /** Remaining ms of each side as of `turnStartedAt` (only the side to move is running). */
  remaining: { w: number; b: number };
  /** When the side to move began its turn (also the first-move timer's start). */
  turnStartedAt: number;
  lagQuota: { w: number; b: number };
  status: 'active' | 'ended';
  result: GameResult | null;
  reason: EndReason | null;
  endedAt: number | null;
  offers: Offers;
  /** Plies played when each side last offered a draw / asked a takeback (-1: never): one of each per position. */
  lastOffer: { draw: { w: number; b: number }; takeback: { w: number; b: number } };
}

export type Action =
  | { type: 'move'; by: Color; uci: string; lagMs?: number }
  | { type: 'resign'; by: Color }
  | { type: 'draw'; by: Color; action: 'offer' | 'accept' | 'decline' }
  | { type: 'takeback'; by: Color; action: 'request' | 'accept' | 'decline' }
  | { type: 'abort'; by: Color }
  | { type: 'claim'; by: Color; outcome: 'win' | 'draw'; opponentGoneSince: number | null; graceMs: number }
  | { type: 'rematch'; by: Color; action: 'offer' | 'accept' | 'decline' }
  /** A server timer fired: ends the game if a flag fell or a first move is overdue. */
  | { type: 'tick' };

export type RuleEvent =
  | { kind: 'moved'; ply: Ply }
  | { kind: 'offered'; offer: 'draw' | 'takeback' | 'rematch'; by: Color }
  | { kind: 'declined'; offer: 'draw' | 'takeback' | 'rematch'; by: Color }
  | { kind: 'takenback'; plies: number }
  | { kind: 'ended' }
  | { kind: 'rematchAgreed' };

export type Outcome =
  | { ok: true; state: GameState; events: RuleEvent[] }
  | { ok: false; code: 'CONFLICT' | 'VALIDATION'; reason: string };

const refuse = (reason: string, code: 'CONFLICT' | 'VALIDATION' = 'CONFLICT'): Outcome => ({ ok: false, code, reason });
const done = (state: GameState, ...events: RuleEvent[]): Outcome => ({ ok: true, state, events });

/** A new game at `now`: nobody's clock runs until both sides have moved. */
export function newGame(clock: ClockSettings | null, now: number): GameState {
  const ms = clock?.initialMs ?? 0;
  return {
    clock,
    plies: [],
    remaining: { w: ms, b: ms },
    turnStartedAt: now,
    lagQuota: { w: LAG_QUOTA_START_MS, b: LAG_QUOTA_START_MS },
    status: 'active',
    result: null,
    reason: null,
    endedAt: null,
    offers: { draw: null, takeback: null, rematch: null },
    lastOffer: { draw: { w: -1, b: -1 }, takeback: { w: -1, b: -1 } },
  };
}

// ---- reading ----

export const fenOf = (s: GameState): string => s.plies.at(-1)?.fen ?? START_FEN;
export const turnOf = (s: GameState): Color => (fenOf(s).split(' ')[1] === 'b' ? 'b' : 'w');

/** The clock runs only in a timed, active game once both sides have moved (lichess' rule). */
export const clockRunning = (s: GameState): boolean => s.status === 'active' && s.clock !== null && s.plies.length >= 2;

/** Remaining ms of `color` at `now` (never below 0). */
export function remainingAt(s: GameState, color: Color, now: number): number {
  const base = s.remaining[color];
  if (!clockRunning(s) || turnOf(s) !== color) return Math.max(0, base);
  return Math.max(0, base - Math.max(0, now - s.turnStartedAt));
}

/** Lag the side to move could still be credited: a flag only falls after this much extra. */
export const lagGraceMs = (s: GameState, color: Color): number => Math.min(MAX_LAG_CREDIT_MS, s.lagQuota[color]);

/**
 * The next instant at which the game ends by itself unless someone acts: a flag fall (remaining
 * time plus the lag the mover could still be credited) or an overdue first move. Null: nothing
 * scheduled (untimed, ended).
 */
export function deadline(s: GameState): number | null {
  if (s.status !== 'active' || !s.clock) return null;
  if (s.plies.length < 2) return s.turnStartedAt + FIRST_MOVE_MS;
  const turn = turnOf(s);
  return s.turnStartedAt + s.remaining[turn] + lagGraceMs(s, turn);
}

export const firstMoveDeadline = (s: GameState): number | null =>
  s.status === 'active' && s.clock && s.plies.length < 2 ? s.turnStartedAt + FIRST_MOVE_MS : null;

/** A player may take back once they have a move on the board. */
export const hasMoved = (s: GameState, c: Color): boolean => s.plies.length >= (c === 'w' ? 1 : 2);

/** Board part of a FEN: placement, side, castling, en passant (chess.js only prints a capturable e.p. square). */
const positionKey = (fen: string) => fen.split(' ').slice(0, 4).join(' ');

export function isThreefold(s: GameState): boolean {
  const key = positionKey(fenOf(s));
  let n = positionKey(START_FEN) === key ? 1 : 0;
  for (const p of s.plies) if (positionKey(p.fen) === key) n++;
  return n >= 3;
}

/**
 * Can `color` not possibly checkmate with what it has (so flagging against its opponent is a
 * draw)? lichess' rule (scalachess InsufficientMatingMaterial): a bare king; a lone knight unless
 * the opponent has something other than queens to block with; bishops only, all on one square
 * colour, unless the opponent has a knight or pawn (or a bishop of the other square colour).
 */
export function cannotMate(fen: string, color: Color): boolean {
  const own: string[] = [];
  const opp: string[] = [];
  const bishopSquareColors = new Set<number>();
  const rows = fen.split(' ')[0]!.split('/');
  rows.forEach((row, r) => {
    let f = 0;
    for (const ch of row) {
      if (ch >= '1' && ch <= '8') {
        f += Number(ch);
        continue;
      }
      const pieceColor: Color = ch === ch.toUpperCase() ? 'w' : 'b';
      const type = ch.toLowerCase();
      if (type === 'b') bishopSquareColors.add((r + f) % 2);
      if (type !== 'k') (pieceColor === color ? own : opp).push(type);
      f++;
    }
  });
  if (own.length === 0) return true;
  if (own.every((p) => p === 'n')) return own.length === 1 && opp.every((p) => p === 'q');
  if (own.every((p) => p === 'b')) return !(bishopSquareColors.size > 1 || opp.some((p) => p === 'n' || p === 'p'));
  return false;
}

// ---- changing ----

function end(s: GameState, now: number, result: GameResult, reason: EndReason): GameState {
  return {
    ...s,
    status: 'ended',
    result,
    reason,
    endedAt: now,
    offers: { draw: null, takeback: null, rematch: null },
  };
}

const winFor = (c: Color): GameResult => (c === 'w' ? '1-0' : '0-1');

/** Charges the side to move for the time it has used so far (no increment): for endings and takebacks. */
function settle(s: GameState, now: number): GameState {
  if (!clockRunning(s)) return { ...s, turnStartedAt: now };
  const turn = turnOf(s);
  return { ...s, remaining: { ...s.remaining, [turn]: remainingAt(s, turn, now) }, turnStartedAt: now };
}

/** Ends on time against `flagged`: a loss, or a draw if the other side cannot mate. */
function flag(s: GameState, flagged: Color, now: number): GameState {
  const zeroed = { ...s, remaining: { ...s.remaining, [flagged]: 0 }, turnStartedAt: now };
  return cannotMate(fenOf(s), other(flagged))
    ? end(zeroed, now, '1/2-1/2', 'timeout-vs-insufficient')
    : end(zeroed, now, winFor(other(flagged)), 'timeout');
}

/**
 * Applies `action` at `now`. Refusals never change anything. Who may act at all (players only,
 * the right colour) is the caller's check: `by` is trusted to be the caller's colour.
 */
export function apply(s: GameState, action: Action, now: number): Outcome {
  if (action.type === 'rematch') return rematch(s, action.by, action.action);
  if (s.status !== 'active') return refuse('The game is over.');
  switch (action.type) {
    case 'tick':
      return tick(s, now);
    case 'move':
      return move(s, action.by, action.uci, action.lagMs ?? 0, now);
    case 'resign':
      return done(end(settle(s, now), now, winFor(other(action.by)), 'resign'), { kind: 'ended' });
    case 'abort':
      if (s.plies.length >= 2) return refuse('Too late to abort: both sides have moved. Resign or offer a draw.');
      return done(end(settle(s, now), now, '*', 'aborted'), { kind: 'ended' });
    case 'draw':
      return draw(s, action.by, action.action, now);
    case 'takeback':
      return takeback(s, action.by, action.action, now);
    case 'claim': {
      const { opponentGoneSince: since, graceMs } = action;
      if (since === null) return refuse('Your opponent is here.');
      if (now < since + graceMs) return refuse(`Your opponent may still come back: you can claim in ${Math.ceil((since + graceMs - now) / 1000)} s.`);
      const result = action.outcome === 'win' ? winFor(action.by) : '1/2-1/2';
      return done(end(settle(s, now), now, result, 'abandoned'), { kind: 'ended' });
    }
  }
}

function tick(s: GameState, now: number): Outcome {
  const due = deadline(s);
  if (due === null || now < due) return done(s);
  if (s.plies.length < 2) return done(end({ ...s, turnStartedAt: now }, now, '*', 'no-start'), { kind: 'ended' });
  return done(flag(s, turnOf(s), now), { kind: 'ended' });
}

function move(s: GameState, by: Color, uci: string, lagMs: number, now: number): Outcome {
  const turn = turnOf(s);
  if (by !== turn) return refuse('It is not your turn.');
  const timedAndRunning = clockRunning(s);

  // Clock first: a move that arrives after the flag fell loses on time, legal or not.
  let credit = 0;
  let spent = 0;
  if (timedAndRunning) {
    const elapsed = Math.max(0, now - s.turnStartedAt);
    credit = Math.min(Math.max(0, lagMs), MAX_LAG_CREDIT_MS, s.lagQuota[turn], elapsed);
    spent = elapsed - credit;
    if (spent >= s.remaining[turn]) return done(flag(s, turn, now), { kind: 'ended' });
  } else if (s.clock && s.plies.length < 2 && now >= s.turnStartedAt + FIRST_MOVE_MS) {
    return done(end({ ...s, turnStartedAt: now }, now, '*', 'no-start'), { kind: 'ended' });
  }

  const chess = new Chess(fenOf(s));
  const from = uci.slice(0, 2) as Square;
  const to = uci.slice(2, 4) as Square;
  const promotion = uci[4];
  // Cheap shape checks first (a verbose move list would compute every move's SAN).
  const piece = chess.get(from);
  if (!piece || piece.color !== by) return refuse(`Illegal move ${uci}.`);
  const promoting = piece.type === 'p' && to[1] === (by === 'w' ? '8' : '1');
  if (promoting && !promotion) return refuse('Choose a piece to promote to.', 'VALIDATION');
  if (!promoting && promotion) return refuse(`${uci.slice(0, 4)} is not a promotion.`, 'VALIDATION');
  let played: ReturnType<Chess['move']>;
  try {
    played = chess.move({ from, to, ...(promotion ? { promotion } : {}) });
  } catch {
    return refuse(`Illegal move ${uci}.`);
  }

  let remaining = s.remaining;
  let lagQuota = s.lagQuota;
  if (timedAndRunning) {
    remaining = { ...remaining, [turn]: remaining[turn] - spent + s.clock!.incrementMs };
    lagQuota = { ...lagQuota, [turn]: Math.min(LAG_QUOTA_MAX_MS, lagQuota[turn] - credit + LAG_QUOTA_GAIN_MS) };
  }
  const ply: Ply = { uci: played.lan, san: played.san, fen: chess.fen(), at: now, clockMs: s.clock ? remaining[turn] : null };
  const offers: Offers = {
    // Moving declines the opponent's draw offer; one's own stays up. Any move ends a takeback request.
    draw: s.offers.draw === by ? by : null,
    takeback: null,
    rematch: null,
  };
  let next: GameState = { ...s, plies: [...s.plies, ply], remaining, lagQuota, turnStartedAt: now, offers };

  const ended = boardEnding(chess, next);
  if (ended) next = end(next, now, ended.result, ended.reason);
  return ended ? done(next, { kind: 'moved', ply }, { kind: 'ended' }) : done(next, { kind: 'moved', ply });
}

/** Checkmate wins; stalemate, dead position, threefold repetition and the fifty-move rule draw at once. */
function boardEnding(chess: Chess, s: GameState): { result: GameResult; reason: EndReason } | null {
  if (chess.isCheckmate()) return { result: winFor(other(chess.turn())), reason: 'checkmate' };
  if (chess.isStalemate()) return { result: '1/2-1/2', reason: 'stalemate' };
  if (chess.isInsufficientMaterial()) return { result: '1/2-1/2', reason: 'insufficient-material' };
  if (isThreefold(s)) return { result: '1/2-1/2', reason: 'threefold' };
  if (chess.isDrawByFiftyMoves()) return { result: '1/2-1/2', reason: 'fifty-moves' };
  return null;
}

function draw(s: GameState, by: Color, action: 'offer' | 'accept' | 'decline', now: number): Outcome {
  const theirs = s.offers.draw === other(by);
  if (action === 'offer') {
    if (theirs) return draw(s, by, 'accept', now);
    if (s.plies.length < 2) return refuse('Nobody has moved yet: abort instead.');
    if (s.offers.draw === by) return refuse('You already offered a draw.');
    if (s.lastOffer.draw[by] === s.plies.length) return refuse('You already offered a draw in this position.');
    const next = { ...s, offers: { ...s.offers, draw: by }, lastOffer: { ...s.lastOffer, draw: { ...s.lastOffer.draw, [by]: s.plies.length } } };
    return done(next, { kind: 'offered', offer: 'draw', by });
  }
  if (!theirs) return refuse('There is no draw offer to answer.');
  if (action === 'accept') return done(end(settle(s, now), now, '1/2-1/2', 'agreement'), { kind: 'ended' });
  return done({ ...s, offers: { ...s.offers, draw: null } }, { kind: 'declined', offer: 'draw', by });
}

function takeback(s: GameState, by: Color, action: 'request' | 'accept' | 'decline', now: number): Outcome {
  const requester = s.offers.takeback;
  if (action === 'request') {
    if (requester === other(by)) return refuse('Answer your opponent’s takeback request first.');
    if (requester === by) return refuse('You already asked for a takeback.');
    if (!hasMoved(s, by)) return refuse('You have no move to take back.');
    if (s.lastOffer.takeback[by] === s.plies.length) return refuse('You already asked for a takeback in this position.');
    const next = { ...s, offers: { ...s.offers, takeback: by }, lastOffer: { ...s.lastOffer, takeback: { ...s.lastOffer.takeback, [by]: s.plies.length } } };
    return done(next, { kind: 'offered', offer: 'takeback', by });
  }
  if (requester !== other(by)) return refuse('There is no takeback request to answer.');
  if (action === 'decline') return done({ ...s, offers: { ...s.offers, takeback: null } }, { kind: 'declined', offer: 'takeback', by });
  // Undo the requester's last move: one ply if it is the opponent's turn, two if the opponent already replied.
  const count = turnOf(s) === requester ? 2 : 1;
  const settled = settle(s, now);
  const plies = settled.plies.slice(0, settled.plies.length - count);
  return done(
    { ...settled, plies, turnStartedAt: now, offers: { draw: null, takeback: null, rematch: null } },
    { kind: 'takenback', plies: count },
  );
}

function rematch(s: GameState, by: Color, action: 'offer' | 'accept' | 'decline'): Outcome {
  if (s.status !== 'ended') return refuse('The game is still on.');
  const theirs = s.offers.rematch === other(by);
  if (action === 'offer') {
    if (theirs) return rematch(s, by, 'accept');
    if (s.offers.rematch === by) return refuse('You already offered a rematch.');
    return done({ ...s, offers: { ...s.offers, rematch: by } }, { kind: 'offered', offer: 'rematch', by });
  }
  if (!theirs) return refuse('There is no rematch offer to answer.');
  const cleared = { ...s, offers: { ...s.offers, rematch: null } };
  if (action === 'decline') return done(cleared, { kind: 'declined', offer: 'rematch', by });
  return done(cleared, { kind: 'rematchAgreed' });
}

/**
 * After a restart: the server was down from `aliveAt` (the last instant it is known to have been
 * running) until `now`. That downtime is not charged to anyone (lichess' rule): the current turn
 * is shifted forward by it, so the side to move keeps exactly what it had at `aliveAt`. Timers then
 * resume; a flag that had already fallen before `aliveAt` falls at once (the next `tick`).
 */
export function resumeAfterDowntime(s: GameState, aliveAt: number, now: number): GameState {
  if (s.status !== 'active') return s;
  const downtime = Math.max(0, now - Math.max(aliveAt, s.turnStartedAt));
  return { ...s, turnStartedAt: s.turnStartedAt + downtime };
}

/** Whose turn it is, whether they are in check: for views. */
export function positionFacts(s: GameState): { fen: string; turn: Color; check: boolean } {
  const fen = fenOf(s);
  return { fen, turn: turnOf(s), check: new Chess(fen).inCheck() };
}
