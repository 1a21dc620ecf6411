/** The move list as a table: one row per full move, White's and Black's half-moves side by side. */
export interface PlyRef {
  ply: number;
  san: string;
}
export interface MoveRow {
  /** Full-move number (1-based). */
  n: number;
  white: PlyRef | null;
  black: PlyRef | null;
}

/** Pairs half-moves (ply 1 = White's first) into numbered rows. */
export function pairMoves(moves: readonly PlyRef[]): MoveRow[] {
  const rows: MoveRow[] = [];
  for (const m of moves) {
    const n = Math.ceil(m.ply / 2);
    let row = rows.at(-1);
    if (!row || row.n !== n) rows.push((row = { n, white: null, black: null }));
    if (m.ply % 2 === 1) row.white = m;
    else row.black = m;
  }
  return rows;
}

/**
 * Where history navigation lands. `viewing` is the ply shown (null: following the live game);
 * returns the new ply, or null to follow live again.
 */
export function navigate(action: 'first' | 'prev' | 'next' | 'last', viewing: number | null, lastPly: number): number | null {
  const cur = viewing ?? lastPly;
  let next: number;
  switch (action) {
    case 'first':
      next = 0;
      break;
    case 'prev':
      next = Math.max(0, cur - 1);
      break;
    case 'next':
      next = Math.min(lastPly, cur + 1);
      break;
    case 'last':
      next = lastPly;
      break;
  }
  return next >= lastPly ? null : next;
}

const WORDS: Record<string, string> = { N: 'knight', B: 'bishop', R: 'rook', Q: 'queen', K: 'king' };

/** What a screen reader announces for a move: "Black played Nf6, check". */
export function announceMove(san: string, ply: number): string {
  const who = ply % 2 === 1 ? 'White' : 'Black';
  const mate = san.endsWith('#');
  const check = san.endsWith('+');
  const bare = san.replace(/[+#]$/, '');
  let spoken = bare;
  if (bare === 'O-O') spoken = 'castles kingside';
  else if (bare === 'O-O-O') spoken = 'castles queenside';
  const promo = /=([NBRQ])$/.exec(bare);
  if (promo) spoken = `${bare.replace(/=[NBRQ]$/, '')}, promotes to ${WORDS[promo[1]!]}`;
  const verb = spoken.startsWith('castles') ? '' : 'played ';
  return `${who} ${verb}${spoken}${mate ? ', checkmate' : check ? ', check' : ''}`;
}
