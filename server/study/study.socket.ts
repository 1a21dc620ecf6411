import type { FastifyInstance } from 'fastify';
import { AppError } from '../plugins/errors.js';
import { assertMaySpeak } from '../rooms/rooms.service.js';
import { memberOf } from '../rooms/rooms.socket.js';

export function registerStudySockets(app: FastifyInstance): void {
  const { sockets, rooms, todos, timers, goals } = app;
  const member = memberOf(app);
  const moderator = memberOf(app, 'moderator');
  const isMember = (userId: number) => async (roomId: number) => !!(await rooms.membership(roomId, userId));
  /** Like isMember, but writing text into a room's shared list is speaking: refused while muted. */
  const mayWrite = (userId: number, speaks: boolean) => async (roomId: number) => {
    const m = await rooms.membership(roomId, userId);
    if (m && speaks) assertMaySpeak(m);
    return !!m;
  };

  sockets.command('clock:sync', null, () => ({ serverNow: Date.now() }));

  sockets.command('study:enter', member, async (_ctx, { roomId }) => ({
    timer: await timers.view(roomId),
    todos: await todos.listRoom(roomId),
    goals: await goals.current(roomId),
    serverNow: Date.now(),
  }));

  sockets.command('todo:list', null, async (ctx, { roomId }) => {
    if (roomId === undefined) return todos.listPersonal(ctx.userId);
    await rooms.requireMember(roomId, ctx.userId);
    return todos.listRoom(roomId);
  });
  sockets.command('todo:add', null, async (ctx, p) => {
    if (p.roomId !== undefined) await rooms.requireMember(p.roomId, ctx.userId, 'member', { speaks: true });
    return todos.add(ctx.userId, p);
  });
  sockets.command('todo:update', null, (ctx, p) => todos.update(ctx.userId, mayWrite(ctx.userId, p.text !== undefined), p));
  sockets.command('todo:move', null, (ctx, p) => todos.move(ctx.userId, isMember(ctx.userId), p.todoId, p.toIndex));
  sockets.command('todo:delete', null, async (ctx, p) => {
    await todos.delete(ctx.userId, isMember(ctx.userId), p.todoId);
    return null;
  });

  sockets.command('timer:act', member, (ctx, { roomId, action }) =>
    // Who may control the timer is checked on the row the action reads (one read per command).
    timers.act(roomId, ctx.userId, action, ({ control }) => {
      if (control === 'moderators' && ctx.membership.role === 'member') {
        throw new AppError('FORBIDDEN', 'Only moderators control this room’s timer.');
      }
    }),
  );
  sockets.command('timer:configure', moderator, (ctx, { roomId, settings }) => timers.configure(roomId, ctx.userId, settings));

  sockets.command('goal:set', memberOf(app, 'member', { speaks: true }), async (ctx, { roomId, text }) => goals.set(roomId, ctx.userId, text, await timers.view(roomId)));
  sockets.command('goal:check', member, (ctx, { roomId, goalId, done }) => goals.check(roomId, ctx.userId, goalId, done));
}
