import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { roomMembers, todos } from '../../db/schema/index.js';
import type { Todo } from '../../protocol/study.js';
import { AppError } from '../plugins/errors.js';
import type { RoomEvents } from '../rooms/room-events.js';

type TodoRow = typeof todos.$inferSelect;

const MAX_TODOS_PER_LIST = 500;

/** Pure: a position between two neighbours (fractional indexing); ends get ±1. */
export function positionBetween(before: number | undefined, after: number | undefined): number {
  if (before === undefined && after === undefined) return 1;
  if (before === undefined) return after! - 1;
  if (after === undefined) return before + 1;
  return (before + after) / 2;
}

/** Pure: the position that puts an item at `toIndex` in `list` (which excludes the item). */
export function positionForIndex(list: readonly { position: number }[], toIndex: number): number {
  const i = Math.min(Math.max(0, toIndex), list.length);
  return positionBetween(list[i - 1]?.position, list[i]?.position);
}

export interface PersonalNotifier {
  personal(userId: number, todo: Todo | null, deletedId?: number): void;
}

/** Shared room to-dos (live for everyone in the room) and each user's personal list. */
export class TodosService {
  constructor(
    private readonly db: Db,
    private readonly events: RoomEvents,
    private readonly notify: PersonalNotifier,
  ) {}

  private list(scope: { roomId: number } | { ownerId: number }): TodoRow[] {
    const where = 'roomId' in scope ? eq(todos.roomId, scope.roomId) : and(isNull(todos.roomId), eq(todos.ownerId, scope.ownerId));
    return this.db.select().from(todos).where(where).orderBy(asc(todos.position), asc(todos.id)).all();
  }

  listRoom(roomId: number): Todo[] {
    return this.list({ roomId });
  }

  listPersonal(userId: number): Todo[] {
    return this.list({ ownerId: userId });
  }

  /** Loads a to-do the caller may change: personal ones only by their owner, room ones by members. */
  private editable(todoId: number, userId: number, isMember: (roomId: number) => boolean): TodoRow {
    const row = this.db.select().from(todos).where(eq(todos.id, todoId)).get();
    const allowed = row && (row.roomId === null ? row.ownerId === userId : isMember(row.roomId));
    if (!row || !allowed) throw new AppError('NOT_FOUND', 'No such to-do.');
    return row;
  }

  private checkAssignee(roomId: number | null, userId: number, assigneeId: number | null | undefined): void {
    if (assigneeId === undefined || assigneeId === null) return;
    if (roomId === null) {
      if (assigneeId !== userId) throw new AppError('VALIDATION', 'Personal to-dos can only be assigned to yourself.');
      return;
    }
    const m = this.db.select({ u: roomMembers.userId }).from(roomMembers).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, assigneeId))).get();
    if (!m) throw new AppError('VALIDATION', 'The assignee must be a member of the room.');
  }

  add(userId: number, input: { roomId?: number; text: string; assigneeId?: number; dueAt?: number }): Todo {
    const roomId = input.roomId ?? null;
    this.checkAssignee(roomId, userId, input.assigneeId);
    const existing = roomId === null ? this.list({ ownerId: userId }) : this.list({ roomId });
    if (existing.length >= MAX_TODOS_PER_LIST) throw new AppError('CONFLICT', 'This list is full.');
    const now = Date.now();
    const row = this.db
      .insert(todos)
      .values({
        roomId,
        ownerId: userId,
        text: input.text,
        assigneeId: input.assigneeId ?? null,
        dueAt: input.dueAt ?? null,
        position: positionBetween(existing.at(-1)?.position, undefined),
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    this.announce(row, 'todo:added');
    return row;
  }

  update(
    userId: number,
    isMember: (roomId: number) => boolean,
    input: { todoId: number; text?: string; done?: boolean; assigneeId?: number | null; dueAt?: number | null },
  ): Todo {
    const row = this.editable(input.todoId, userId, isMember);
    this.checkAssignee(row.roomId, userId, input.assigneeId);
    const { todoId: _id, ...patch } = input;
    const now = Date.now();
    const set: Partial<TodoRow> = { ...patch, updatedAt: now };
    if (input.done !== undefined && input.done !== row.done) set.doneAt = input.done ? now : null;
    const updated = this.db.update(todos).set(set).where(eq(todos.id, row.id)).returning().get()!;
    this.announce(updated, 'todo:updated');
    return updated;
  }

  move(userId: number, isMember: (roomId: number) => boolean, todoId: number, toIndex: number): Todo {
    const row = this.editable(todoId, userId, isMember);
    const others = (row.roomId === null ? this.list({ ownerId: userId }) : this.list({ roomId: row.roomId })).filter((t) => t.id !== row.id);
    const updated = this.db
      .update(todos)
      .set({ position: positionForIndex(others, toIndex), updatedAt: Date.now() })
      .where(eq(todos.id, row.id))
      .returning()
      .get()!;
    this.announce(updated, 'todo:updated');
    return updated;
  }

  delete(userId: number, isMember: (roomId: number) => boolean, todoId: number): void {
    const row = this.editable(todoId, userId, isMember);
    this.db.delete(todos).where(eq(todos.id, row.id)).run();
    if (row.roomId === null) this.notify.personal(userId, null, row.id);
    else this.events.broadcast(row.roomId, 'todo:deleted', { todoId: row.id });
  }

  private announce(row: TodoRow, event: 'todo:added' | 'todo:updated'): void {
    if (row.roomId === null) this.notify.personal(row.ownerId, row);
    else this.events.broadcast(row.roomId, event, { todo: row });
  }
}
