/**
 * Pure to-do list ordering, mirroring the server (server/study/todos.service.ts): items sort by a
 * fractional `position`; moving one to index i of the list-without-it takes the midpoint of its
 * new neighbours. Computing the same number locally makes optimistic reorders exact.
 */
import type { Todo } from '@protocol/study.js';

export const byPosition = (a: Pick<Todo, 'position' | 'id'>, b: Pick<Todo, 'position' | 'id'>) => a.position - b.position || a.id - b.id;

/** A position between two neighbours; the ends get ±1. */
export function positionBetween(before: number | undefined, after: number | undefined): number {
  if (before === undefined && after === undefined) return 1;
  if (before === undefined) return after! - 1;
  if (after === undefined) return before + 1;
  return (before + after) / 2;
}

/** The position that puts an item at `toIndex` of `others` (the list without the item). */
export function positionForIndex(others: readonly { position: number }[], toIndex: number): number {
  const i = Math.min(Math.max(0, toIndex), others.length);
  return positionBetween(others[i - 1]?.position, others[i]?.position);
}

/**
 * Drag and drop: the item at `from` is dropped in the gap before the item at `gap` (0..length;
 * `length` is after the last). Returns the index in the list without the item, as `todo:move`
 * wants it, or null when the drop leaves it where it was.
 */
export function dropTargetIndex(from: number, gap: number, length: number): number | null {
  if (from < 0 || from >= length) return null;
  const g = Math.min(Math.max(0, gap), length);
  const to = g > from ? g - 1 : g;
  return to === from ? null : to;
}

/** Keyboard move by `delta` (-1 up, +1 down): the target index, or null at the edge. */
export function stepIndex(from: number, delta: number, length: number): number | null {
  const to = from + delta;
  return to < 0 || to >= length || to === from ? null : to;
}

/** The list after moving `id` to `toIndex` (of the list without it), with its new position. */
export function moveTodo<T extends Todo>(list: readonly T[], id: number, toIndex: number): T[] {
  const item = list.find((t) => t.id === id);
  if (!item) return [...list];
  const others = list.filter((t) => t.id !== id);
  const moved = { ...item, position: positionForIndex(others, toIndex) };
  const i = Math.min(Math.max(0, toIndex), others.length);
  return [...others.slice(0, i), moved, ...others.slice(i)];
}

/**
 * Applies a to-do from the server (fact or ack) unless we already hold a newer version of it.
 * Returns the new list, sorted.
 */
export function upsertTodo<T extends Todo>(list: readonly T[], todo: T): T[] {
  const i = list.findIndex((t) => t.id === todo.id);
  if (i !== -1 && list[i]!.updatedAt > todo.updatedAt) return [...list];
  const next = i === -1 ? [...list, todo] : list.map((t, j) => (j === i ? todo : t));
  return next.sort(byPosition);
}

/** Due-date state for display: overdue only while not done. */
export function dueState(todo: Pick<Todo, 'dueAt' | 'done'>, todayKey: string, dueKey: string | null): 'none' | 'overdue' | 'today' | 'later' {
  if (todo.dueAt === null || dueKey === null) return 'none';
  if (!todo.done && dueKey < todayKey) return 'overdue';
  return dueKey === todayKey ? 'today' : 'later';
}
