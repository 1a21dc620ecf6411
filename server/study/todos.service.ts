import { and, asc, count, eq, isNull, max } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { hotStatement } from '../../db/hot.js';
import { first, one } from '../../db/query.js';
import { roomMembers, todos } from '../../db/schema/index.js';
import type { Todo } from '../../protocol/study.js';
import { AppError } from '../plugins/errors.js';
import type { RoomEvents } from '../rooms/room-events.js';

type TodoRow = typeof todos.$inferSelect;

const MAX_TODOS_PER_LIST = 500;

type NewTodo = Pick<typeof todos.$inferInsert, 'ownerId' | 'text' | 'position' | 'createdAt' | 'updatedAt'> & { roomId: number | null; assigneeId: number | null; dueAt: number | null };

// A room to-do's add, built once (db/hot.ts; issue 18, ADR 0022): how full the list is and where
// it ends (one aggregate on the room's index, not every row of the list), then the insert.
const roomListEnd = hotStatement((db, v: { roomId: number }) => db.select({ n: count(), last: max(todos.position) }).from(todos).where(eq(todos.roomId, v.roomId)));
const insertTodo = hotStatement((db, v: NewTodo) =>
  db
    .insert(todos)
    .values({ roomId: v.roomId, ownerId: v.ownerId, text: v.text, assigneeId: v.assigneeId, dueAt: v.dueAt, position: v.position, createdAt: v.createdAt, updatedAt: v.updatedAt })
    .returning(),
);

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

  private async list(scope: { roomId: number } | { ownerId: number }): Promise<TodoRow[]> {
    const where = 'roomId' in scope ? eq(todos.roomId, scope.roomId) : and(isNull(todos.roomId), eq(todos.ownerId, scope.ownerId));
    return (await this.db.select().from(todos).where(where).orderBy(asc(todos.position), asc(todos.id)));
  }

  async listRoom(roomId: number): Promise<Todo[]> {
    return await this.list({ roomId });
  }

  async listPersonal(userId: number): Promise<Todo[]> {
    return await this.list({ ownerId: userId });
  }

  /** Loads a to-do the caller may change: personal ones only by their owner, room ones by members. */
  private async editable(todoId: number, userId: number, isMember: (roomId: number) => Promise<boolean>): Promise<TodoRow> {
    const row = (await first(this.db.select().from(todos).where(eq(todos.id, todoId))));
    const allowed = row && (row.roomId === null ? row.ownerId === userId : await isMember(row.roomId));
    if (!row || !allowed) throw new AppError('NOT_FOUND', 'No such to-do.');
    return row;
  }

  private async checkAssignee(roomId: number | null, userId: number, assigneeId: number | null | undefined): Promise<void> {
    if (assigneeId === undefined || assigneeId === null) return;
    if (roomId === null) {
      if (assigneeId !== userId) throw new AppError('VALIDATION', 'Personal to-dos can only be assigned to yourself.');
      return;
    }
    const m = (await first(this.db.select({ u: roomMembers.userId }).from(roomMembers).where(and(eq(roomMembers.roomId, roomId), eq(roomMembers.userId, assigneeId)))));
    if (!m) throw new AppError('VALIDATION', 'The assignee must be a member of the room.');
  }

  async add(userId: number, input: { roomId?: number; text: string; assigneeId?: number; dueAt?: number }): Promise<Todo> {
    const roomId = input.roomId ?? null;
    await this.checkAssignee(roomId, userId, input.assigneeId);
    const now = Date.now();
    const todo = (position: number): NewTodo => ({ roomId, ownerId: userId, text: input.text, assigneeId: input.assigneeId ?? null, dueAt: input.dueAt ?? null, position, createdAt: now, updatedAt: now });
    if (roomId === null) {
      const existing = await this.list({ ownerId: userId });
      if (existing.length >= MAX_TODOS_PER_LIST) throw new AppError('CONFLICT', 'This list is full.');
      const row = (await one(insertTodo(this.db, todo(positionBetween(existing.at(-1)?.position, undefined)))));
      this.notify.personal(userId, row);
      return row;
    }
    // The row and its fact's number in one transaction (RoomEvents.persist: one commit, not two).
    const out = await this.events.persist(roomId, 'todo:added', async (tx) => {
      const [end] = await roomListEnd(tx, { roomId });
      if (end && end.n >= MAX_TODOS_PER_LIST) throw new AppError('CONFLICT', 'This list is full.');
      const row = (await one(insertTodo(tx, todo(positionBetween(end?.last ?? undefined, undefined)))));
      return { fact: { todo: row }, value: row };
    });
    return out!.value;
  }

  async update(
    userId: number,
    isMember: (roomId: number) => Promise<boolean>,
    input: { todoId: number; text?: string; done?: boolean; assigneeId?: number | null; dueAt?: number | null },
  ): Promise<Todo> {
    const row = await this.editable(input.todoId, userId, isMember);
    await this.checkAssignee(row.roomId, userId, input.assigneeId);
    const { todoId: _id, ...patch } = input;
    const now = Date.now();
    const set: Partial<TodoRow> = { ...patch, updatedAt: now };
    if (input.done !== undefined && input.done !== row.done) set.doneAt = input.done ? now : null;
    const updated = (await one(this.db.update(todos).set(set).where(eq(todos.id, row.id)).returning()));
    await this.announce(updated, 'todo:updated');
    return updated;
  }

  async move(userId: number, isMember: (roomId: number) => Promise<boolean>, todoId: number, toIndex: number): Promise<Todo> {
    const row = await this.editable(todoId, userId, isMember);
    const others = (row.roomId === null ? await this.list({ ownerId: userId }) : await this.list({ roomId: row.roomId })).filter((t) => t.id !== row.id);
    const updated = (await one(this.db
      .update(todos)
      .set({ position: positionForIndex(others, toIndex), updatedAt: Date.now() })
      .where(eq(todos.id, row.id))
      .returning()));
    await this.announce(updated, 'todo:updated');
    return updated;
  }

  async delete(userId: number, isMember: (roomId: number) => Promise<boolean>, todoId: number): Promise<void> {
    const row = await this.editable(todoId, userId, isMember);
    await this.db.delete(todos).where(eq(todos.id, row.id));
    if (row.roomId === null) this.notify.personal(userId, null, row.id);
    else await this.events.broadcast(row.roomId, 'todo:deleted', { todoId: row.id });
  }

  private async announce(row: TodoRow, event: 'todo:added' | 'todo:updated'): Promise<void> {
    if (row.roomId === null) this.notify.personal(row.ownerId, row);
    else await this.events.broadcast(row.roomId, event, { todo: row });
  }
}
