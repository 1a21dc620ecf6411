import { describe, expect, it } from 'vitest';
import { isRoomOnlyCommand, isRoomOnlyRoute } from './room-guard.js';

describe('what a direct conversation refuses', () => {
  it('room activities over the socket, never chat or presence', () => {
    for (const name of ['study:enter', 'todo:add', 'timer:act', 'goal:set', 'chess:challenge', 'bj:sit', 'music:add', 'call:join', 'stream:status']) expect(isRoomOnlyCommand(name), name).toBe(true);
    for (const name of ['room:enter', 'room:leave', 'chat:send', 'chat:typing', 'chat:history', 'presence:set', 'clock:sync']) expect(isRoomOnlyCommand(name), name).toBe(false);
  });

  it('every room route except the room, its members and its messages', () => {
    expect(isRoomOnlyRoute('GET', '/api/rooms/:id/messages')).toBe(false);
    expect(isRoomOnlyRoute('POST', '/api/rooms/:id/messages')).toBe(false);
    expect(isRoomOnlyRoute('GET', '/api/rooms/:id/members')).toBe(false);
    expect(isRoomOnlyRoute('GET', '/api/rooms/:id')).toBe(false);
    for (const [m, u] of [
      ['PATCH', '/api/rooms/:id'],
      ['DELETE', '/api/rooms/:id'],
      ['POST', '/api/rooms/:id/join'],
      ['POST', '/api/rooms/:id/members/:userId/kick'],
      ['GET', '/api/rooms/:id/stream/hls/*'],
      ['GET', '/api/rooms/:id/bans'],
    ]) expect(isRoomOnlyRoute(m!, u), `${m} ${u}`).toBe(true);
    // Routes elsewhere are not its business.
    expect(isRoomOnlyRoute('POST', '/api/rooms')).toBe(false);
    expect(isRoomOnlyRoute('GET', '/api/rooms/mine')).toBe(false);
    expect(isRoomOnlyRoute('GET', '/api/dms')).toBe(false);
    expect(isRoomOnlyRoute('GET', undefined)).toBe(false);
  });
});
