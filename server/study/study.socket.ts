import type { FastifyInstance } from 'fastify';
import { AppError } from '../plugins/errors.js';
import { assertMaySpeak } from '../rooms/rooms.service.js';
import { memberOf } from '../rooms/rooms.socket.js';

export function registerStudySockets(app: FastifyInstance): void {
  const { sockets, rooms, todos, timers, goals } = app;
  const member = memberOf(app);
  const moderator = memberOf(app, 'moderator');
  const isMember = (userId: number) => (roomId: number) => !!rooms.membership(roomId, userId);
  /** Like isMember, but writing text into a room's shared list is speaking: refused while muted. */
  const mayWrite = (userId: number, speaks: boolean) => (roomId: number) => {
    const m = rooms.membership(roomId, userId);
    if (m && speaks) assertMaySpeak(m);
    return !!m;
  };

  sockets.command('clock:sync', null, () => ({ serverNow: Date.now() }));

  sockets.command('study:enter', member, (_ctx, { roomId }) => ({
    timer: timers.view(roomId),
    todos: todos.listRoom(roomId),
    goals: goals.current(roomId),
    serverNow: Date.now(),
  }));

  sockets.command('todo:list', null, (ctx, { roomId }) => {
    if (roomId === undefined) return todos.listPersonal(ctx.userId);
    rooms.requireMember(roomId, ctx.userId);
    return todos.listRoom(roomId);
  });
  sockets.command('todo:add', null, (ctx, p) => {
    if (p.roomId !== undefined) rooms.requireMember(p.roomId, ctx.userId, 'member', { speaks: true });
    return todos.add(ctx.userId, p);
  });
  sockets.command('todo:update', null, (ctx, p) => todos.update(ctx.userId, mayWrite(ctx.userId, p.text !== undefined), p));
  sockets.command('todo:move', null, (ctx, p) => todos.move(ctx.userId, isMember(ctx.userId), p.todoId, p.toIndex));
  sockets.command('todo:delete', null, (ctx, p) => {
    todos.delete(ctx.userId, isMember(ctx.userId), p.todoId);
    return null;
  });

  sockets.command('timer:act', member, (ctx, { roomId, action }) => {
    const { control } = timers.view(roomId).settings;
    if (control === 'moderators' && ctx.membership.role === 'member') {
      throw new AppError('FORBIDDEN', 'Only moderators control this room’s timer.');
    }
    return timers.act(roomId, ctx.userId, action);
  });
  sockets.command('timer:configure', moderator, (ctx, { roomId, settings }) => timers.configure(roomId, ctx.userId, settings));

  sockets.command('goal:set', memberOf(app, 'member', { speaks: true }), (ctx, { roomId, text }) => goals.set(roomId, ctx.userId, text, timers.view(roomId)));
  sockets.command('goal:check', member, (ctx, { roomId, goalId, done }) => goals.check(roomId, ctx.userId, goalId, done));
}
