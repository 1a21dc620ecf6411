import type { FastifyInstance } from 'fastify';
import { memberOf } from '../../rooms/rooms.socket.js';

/**
 * Blackjack commands. Each is validated against its protocol schema, rate-limited per user by the
 * hub, and needs room membership (`memberOf`); `bj:configure` needs a moderator. Seat ownership,
 * turn order, table limits and chips are the engine's checks (FORBIDDEN / CONFLICT / VALIDATION).
 */
export function registerBlackjackSockets(app: FastifyInstance): void {
  const { sockets, blackjack, rooms } = app;
  const member = memberOf(app);
  const moderator = memberOf(app, 'moderator');

  sockets.command('bj:watch', member, async (ctx, { roomId }) => ({
    table: await blackjack.view(roomId),
    me: await blackjack.bankroll(ctx.userId),
    seq: (await rooms.getRow(roomId)).seq,
    serverNow: Date.now(),
  }));
  sockets.command('bj:sit', member, (ctx, { roomId, seat }) => blackjack.sit(roomId, ctx.userId, seat));
  sockets.command('bj:leave', member, (ctx, { roomId, seat }) => blackjack.leave(roomId, ctx.userId, seat));
  sockets.command('bj:sit-out', member, (ctx, { roomId, seat, sittingOut }) => blackjack.sitOut(roomId, ctx.userId, seat, sittingOut));
  sockets.command('bj:bet', member, (ctx, { roomId, seat, amount }) => blackjack.bet(roomId, ctx.userId, seat, amount));
  sockets.command('bj:insurance', member, (ctx, { roomId, seat, take }) => blackjack.insurance(roomId, ctx.userId, seat, take));
  sockets.command('bj:act', member, (ctx, { roomId, seat, hand, action }) => blackjack.act(roomId, ctx.userId, seat, hand, action));
  // A kicked or banned player's seat frees at once (the next command would tidy it up anyway).
  app.roomEvents.on('member:left', ({ roomId }) => blackjack.memberLeft(roomId));

  sockets.command('bj:configure', moderator, (ctx, { roomId, settings }) => blackjack.configure(roomId, ctx.userId, settings));
}
