/**
 * Optimistic to-do actions shared by the room list and the personal list. Each change shows at
 * once and is sent as a command; the server's answer (or its fact, whichever comes first) becomes
 * the truth, and a refusal puts things back and says why.
 */
import type { Ref } from 'vue';
import type { Todo } from '@protocol/study.js';
import { errorMessage } from '../../lib/errors';
import { command } from '../../lib/socket';
import { toast } from '../../ui/toasts';
import { byPosition, moveTodo, positionBetween, upsertTodo } from './todoOrder';

export interface TodoPatch {
  text?: string;
  done?: boolean;
  assigneeId?: number | null;
  dueAt?: number | null;
}

export interface TodoController {
  add(text: string, opts?: { assigneeId?: number; dueAt?: number }): Promise<boolean>;
  update(id: number, patch: TodoPatch): Promise<boolean>;
  move(id: number, toIndex: number): Promise<void>;
  remove(id: number): Promise<void>;
  /** A to-do from a fact: replaces our optimistic copy of it, if any. */
  receive(todo: Todo): void;
  receiveDeleted(id: number): void;
}

let tempId = -1;

function failed(title: string, err: unknown): void {
  toast({ kind: 'error', title, body: errorMessage(err) });
}

export function createTodoController(list: Ref<Todo[]>, opts: { roomId: () => number | undefined; ownerId: () => number; refetch: () => Promise<void> }): TodoController {
  const replace = (id: number, fn: (t: Todo) => Todo) => (list.value = list.value.map((t) => (t.id === id ? fn(t) : t)));

  async function add(text: string, extra: { assigneeId?: number; dueAt?: number } = {}): Promise<boolean> {
    const roomId = opts.roomId();
    const now = Date.now();
    const temp: Todo = {
      id: tempId--,
      roomId: roomId ?? null,
      ownerId: opts.ownerId(),
      text,
      done: false,
      doneAt: null,
      assigneeId: extra.assigneeId ?? null,
      dueAt: extra.dueAt ?? null,
      position: positionBetween(list.value.at(-1)?.position, undefined),
      createdAt: now,
      updatedAt: 0,
    };
    list.value = [...list.value, temp];
    try {
      const saved = await command('todo:add', { text, ...(roomId ? { roomId } : {}), ...extra });
      list.value = upsertTodo(
        list.value.filter((t) => t.id !== temp.id),
        saved,
      );
      // (If the fact came first it already replaced the temporary copy; upsert keeps one.)
      return true;
    } catch (err) {
      list.value = list.value.filter((t) => t.id !== temp.id);
      failed('Could not add the to-do', err);
      return false;
    }
  }

  async function update(id: number, patch: TodoPatch): Promise<boolean> {
    const before = list.value.find((t) => t.id === id);
    if (!before || id < 0) return false;
    replace(id, (t) => ({ ...t, ...patch, doneAt: patch.done === undefined ? t.doneAt : patch.done ? Date.now() : null }));
    try {
      const saved = await command('todo:update', { todoId: id, ...patch });
      list.value = upsertTodo(list.value, saved);
      return true;
    } catch (err) {
      // Put back what we changed unless the server has spoken since.
      replace(id, (t) => (t.updatedAt === before.updatedAt ? before : t));
      failed('Could not save the to-do', err);
      return false;
    }
  }

  async function move(id: number, toIndex: number): Promise<void> {
    if (id < 0) return;
    list.value = moveTodo(list.value, id, toIndex);
    try {
      const saved = await command('todo:move', { todoId: id, toIndex });
      list.value = upsertTodo(list.value, saved);
    } catch (err) {
      failed('Could not move the to-do', err);
      await opts.refetch().catch(() => {});
    }
  }

  async function remove(id: number): Promise<void> {
    const before = list.value.find((t) => t.id === id);
    if (!before || id < 0) return;
    list.value = list.value.filter((t) => t.id !== id);
    try {
      await command('todo:delete', { todoId: id });
    } catch (err) {
      if (!list.value.some((t) => t.id === id)) list.value = [...list.value, before].sort(byPosition);
      failed('Could not delete the to-do', err);
    }
  }

  function receive(todo: Todo): void {
    // Our own add echoed back before its ack: the optimistic copy becomes the real one.
    const temp = list.value.find((t) => t.id < 0 && t.ownerId === todo.ownerId && t.text === todo.text);
    const rest = temp && !list.value.some((t) => t.id === todo.id) ? list.value.filter((t) => t !== temp) : list.value;
    list.value = upsertTodo(rest, todo);
  }

  function receiveDeleted(id: number): void {
    list.value = list.value.filter((t) => t.id !== id);
  }

  return { add, update, move, remove, receive, receiveDeleted };
}
