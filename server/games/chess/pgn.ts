/** Pure PGN export (Seven Tag Roster + TimeControl/Termination, lichess-style `[%clk]` comments). */
import type { EndReason, GameResult } from '../../../protocol/chess.js';

export interface PgnInput {
  event: string;
  site: string;
  /** Game start instant (UTC date and time headers). */
  startedAt: number;
  white: string;
  black: string;
  /** null while the game is on (result `*`). */
  result: GameResult | null;
  reason: EndReason | null;
  clock: { initialMs: number; incrementMs: number } | null;
  plies: { san: string; clockMs: number | null }[];
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** PGN's Termination tag values (as lichess uses them). */
export function terminationOf(reason: EndReason | null): string {
  switch (reason) {
    case null:
      return 'Unterminated';
    case 'timeout':
    case 'timeout-vs-insufficient':
      return 'Time forfeit';
    case 'abandoned':
      return 'Abandoned';
    case 'aborted':
    case 'no-start':
      return 'Unterminated';
    default:
      return 'Normal';
  }
}

/** `300+3` (seconds + increment seconds) or `-` for untimed, as in the PGN spec. */
export function pgnTimeControl(clock: PgnInput['clock']): string {
  return clock ? `${Math.round(clock.initialMs / 1000)}+${Math.round(clock.incrementMs / 1000)}` : '-';
}

function clk(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** Tag values lose quotes, backslashes and line breaks: the PGN spec allows \" escapes, but common readers (chess.js among them) choke on them. */
const escape = (v: string) => v.replace(/\\/g, '').replace(/"/g, "'").replace(/[\r\n\]]+/g, ' ');

export function toPgn(g: PgnInput): string {
  const d = new Date(g.startedAt);
  const result = g.result ?? '*';
  const headers: [string, string][] = [
    ['Event', g.event],
    ['Site', g.site],
    ['Date', `${d.getUTCFullYear()}.${pad(d.getUTCMonth() + 1)}.${pad(d.getUTCDate())}`],
    ['Round', '-'],
    ['White', g.white],
    ['Black', g.black],
    ['Result', result],
    ['UTCDate', `${d.getUTCFullYear()}.${pad(d.getUTCMonth() + 1)}.${pad(d.getUTCDate())}`],
    ['UTCTime', `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`],
    ['TimeControl', pgnTimeControl(g.clock)],
    ['Termination', terminationOf(g.reason)],
  ];
  const tokens: string[] = [];
  g.plies.forEach((p, i) => {
    if (i % 2 === 0) tokens.push(`${i / 2 + 1}.`);
    tokens.push(p.san);
    if (p.clockMs !== null) tokens.push(`{ [%clk ${clk(p.clockMs)}] }`);
  });
  tokens.push(result);
  // Wrap movetext at 80 columns, never inside a token (comments stay whole).
  const lines: string[] = [];
  let line = '';
  for (const t of tokens) {
    if (line && line.length + 1 + t.length > 80) {
      lines.push(line);
      line = t;
    } else line = line ? `${line} ${t}` : t;
  }
  if (line) lines.push(line);
  return `${headers.map(([k, v]) => `[${k} "${escape(v)}"]`).join('\n')}\n\n${lines.join('\n')}\n`;
}
