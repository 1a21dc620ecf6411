/**
 * Pure: what counts as unread in the open room. The "N new messages" banner and the NEW divider
 * stand after a marker: the read position when the room was opened. A message that arrives while
 * the reader is at the bottom of the list (a list too short to scroll is always at the bottom)
 * with the page visible has been seen, so it moves the marker past itself — unless older unread
 * messages still wait above it, whose divider must stay where it is.
 */
export interface Reader {
  /** At (or within a few pixels of) the bottom of the message list, or the list does not scroll. */
  atBottom: boolean;
  /** The page is visible (not a background tab). */
  visible: boolean;
}

/**
 * The marker after message `arrivedId` arrived on top of `previousNewestId`.
 * `mine`: my own message (sent from here or another device) — I have seen it wherever I am.
 */
export function markerAfterArrival(marker: number, arrivedId: number, previousNewestId: number, reader: Reader, mine = false): number {
  if (arrivedId <= marker) return marker;
  // Something older is still unread: leave its divider alone.
  if (marker < previousNewestId) return marker;
  return mine || (reader.atBottom && reader.visible) ? arrivedId : marker;
}
