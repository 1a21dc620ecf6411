/** Pure helpers for the ordered message list. */
import type { HistoryPage, Message } from '@protocol/chat.js';

/** Inserts or replaces a message, keeping the list sorted by id (ids rise with time). */
export function upsertSorted(list: Message[], m: Message): Message[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.id < m.id) lo = mid + 1;
    else hi = mid;
  }
  const out = list.slice();
  if (list[lo]?.id === m.id) out[lo] = m;
  else out.splice(lo, 0, m);
  return out;
}

/**
 * Merges a fresh snapshot page into what is loaded. When the page overlaps or touches what we
 * have, older loaded messages are kept (with their cursor); otherwise the snapshot replaces
 * everything, since the hole between them is unknown.
 */
export function mergeHistory(current: Message[], currentCursor: number | null, page: HistoryPage): { messages: Message[]; nextCursor: number | null } {
  const oldestNew = page.messages[0]?.id;
  const newestOld = current.at(-1)?.id;
  const replace = { messages: page.messages, nextCursor: page.nextCursor };
  // Empty room, complete history, nothing loaded yet, or a hole between old and new: replace.
  if (oldestNew === undefined || page.nextCursor === null || newestOld === undefined || newestOld < oldestNew) return replace;
  const kept = current.filter((m) => m.id < oldestNew);
  return { messages: [...kept, ...page.messages], nextCursor: kept.length ? currentCursor : page.nextCursor };
}
