/**
 * Where the seven seats sit. Seat 0 is "first base", on the dealer's left: the right-hand end of
 * the arc as the players (and this screen) see the table; play goes from right to left. On a wide
 * felt the seats form one row bent into a smile around the dealer; on a narrow one, a grid.
 */

export const SEAT_COUNT = 7;

export interface SeatPlace {
  seat: number;
  /** Column from the left (0 = leftmost) in the one-row layout. */
  column: number;
  /** How far down the seat sits, 0 (the ends) to 1 (the middle). */
  drop: number;
  /** Degrees to turn the seat so it faces the dealer. */
  tilt: number;
}

/** The one-row "smile": ends high and turned in, the middle seat lowest. */
export function arcPlaces(n = SEAT_COUNT, maxTilt = 12): SeatPlace[] {
  const mid = (n - 1) / 2;
  const out: SeatPlace[] = [];
  for (let seat = 0; seat < n; seat++) {
    const column = n - 1 - seat;
    const t = mid === 0 ? 0 : (column - mid) / mid; // -1 (left) .. 1 (right)
    out.push({ seat, column, drop: round3(1 - t * t), tilt: round3(-t * maxTilt) + 0 });
  }
  return out;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** The seat a user sits in, or null. */
export function seatOf(seats: readonly ({ userId: number } | null)[], userId: number | null | undefined): number | null {
  if (userId == null) return null;
  const i = seats.findIndex((s) => s?.userId === userId);
  return i === -1 ? null : i;
}

/** "Seat 1" … "Seat 7" (people count from one). */
export const seatName = (seat: number) => `Seat ${seat + 1}`;

/**
 * How far apart (in card widths) to fan `count` cards so the hand spans at most `room` card
 * widths: the natural spacing for a few cards, tighter for many, never fully stacked.
 */
export function fanStep(count: number, room = 2.3, natural = 0.42, min = 0.14): number {
  if (count <= 1) return 0;
  return Math.max(min, Math.min(natural, (room - 1) / (count - 1)));
}
