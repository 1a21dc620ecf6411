import { describe, expect, it } from 'vitest';
import type { Todo } from '@protocol/study.js';
import { dropTargetIndex, dueState, moveTodo, positionForIndex, stepIndex, upsertTodo } from './todoOrder';

const todo = (id: number, position: number, extra: Partial<Todo> = {}): Todo => ({
  id,
  roomId: 1,
  ownerId: 1,
  text: `t${id}`,
  done: false,
  doneAt: null,
  assigneeId: null,
  dueAt: null,
  position,
  createdAt: 0,
  updatedAt: 0,
  ...extra,
});

describe('to-do ordering', () => {
  it('turns a drop gap into the index the server expects (list without the item)', () => {
    // [a b c d], dragging b (1)
    expect(dropTargetIndex(1, 0, 4)).toBe(0); // before a
    expect(dropTargetIndex(1, 1, 4)).toBeNull(); // before itself
    expect(dropTargetIndex(1, 2, 4)).toBeNull(); // before c = where it is
    expect(dropTargetIndex(1, 3, 4)).toBe(2); // before d
    expect(dropTargetIndex(1, 4, 4)).toBe(3); // at the end
    expect(dropTargetIndex(3, 0, 4)).toBe(0);
    expect(dropTargetIndex(0, 99, 4)).toBe(3);
    expect(dropTargetIndex(5, 0, 4)).toBeNull();
  });

  it('moves by one step with the keyboard, not past the ends', () => {
    expect(stepIndex(0, -1, 3)).toBeNull();
    expect(stepIndex(0, 1, 3)).toBe(1);
    expect(stepIndex(2, 1, 3)).toBeNull();
    expect(stepIndex(2, -1, 3)).toBe(1);
  });

  it('computes the same fractional position as the server', () => {
    const list = [todo(1, 1), todo(2, 2), todo(3, 3)];
    expect(positionForIndex(list, 0)).toBe(0);
    expect(positionForIndex(list, 1)).toBe(1.5);
    expect(positionForIndex(list, 3)).toBe(4);
    expect(positionForIndex([], 0)).toBe(1);
    const moved = moveTodo(list, 3, 0);
    expect(moved.map((t) => t.id)).toEqual([3, 1, 2]);
    expect(moved[0]!.position).toBe(0);
    expect(moveTodo(list, 1, 2).map((t) => t.id)).toEqual([2, 3, 1]);
    expect(moveTodo(list, 1, 1).map((t) => t.id)).toEqual([2, 1, 3]);
  });

  it('applies server versions in order and never goes back to an older one', () => {
    let list = [todo(1, 1, { updatedAt: 10 }), todo(2, 2)];
    list = upsertTodo(list, todo(3, 0.5));
    expect(list.map((t) => t.id)).toEqual([3, 1, 2]);
    list = upsertTodo(list, todo(1, 1, { updatedAt: 5, text: 'old' }));
    expect(list.find((t) => t.id === 1)!.text).toBe('t1');
    list = upsertTodo(list, todo(1, 3, { updatedAt: 11, done: true }));
    expect(list.map((t) => [t.id, t.done])).toEqual([
      [3, false],
      [2, false],
      [1, true],
    ]);
  });

  it('flags overdue to-dos only while they are open', () => {
    expect(dueState({ dueAt: 1, done: false }, '2026-03-05', '2026-03-04')).toBe('overdue');
    expect(dueState({ dueAt: 1, done: true }, '2026-03-05', '2026-03-04')).toBe('later');
    expect(dueState({ dueAt: 1, done: false }, '2026-03-05', '2026-03-05')).toBe('today');
    expect(dueState({ dueAt: null, done: false }, '2026-03-05', null)).toBe('none');
  });
});
