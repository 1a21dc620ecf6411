/**
 * Issue 17 #3: a muted member can still talk. Mute blocks every way of putting text or media in
 * front of others (one rule: `speaks` in memberOf / requireMember), and its expiry restores them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, collect, command, newUsers, nextEvent, roomWith, startServer, type Client, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let mod: Client;
let mia: Client;
let roomId: number;
let ms: ClientSocket;
let os: ClientSocket;
beforeAll(async () => {
  server = await startServer();
  [mod, mia] = await newUsers(server, 'mod', 'mia');
  roomId = (await roomWith(mod, [mia])).id;
  [ms, os] = await Promise.all([mia.socket(), mod.socket()]);
  await command(ms, 'room:enter', { roomId });
  await command(os, 'room:enter', { roomId });
});
afterAll(async () => {
  ms.disconnect();
  os.disconnect();
  await server.dispose();
});

// A raw write behind the service's back: the membership cache is told, as the service does (ADR 0022).
const setMutedUntil = async (until: number | null) => {
  await rawDb(server.app.db).run('UPDATE room_members SET muted_until = ? WHERE room_id = ? AND user_id = ?', until, roomId, mia.userId);
  server.app.rooms.forgetMember(roomId, mia.userId);
};

describe('mute blocks every way of speaking (issue 17 #3)', () => {
  let messageId: number;
  let roomTodoId: number;
  let personalTodoId: number;

  it('mutes after Mia has a recent message and room to-do', async () => {
    const sent = await command(ms, 'chat:send', { roomId, text: 'before the mute' });
    messageId = sent.ok ? sent.data.id : 0;
    const todo = await command(ms, 'todo:add', { roomId, text: 'shared' });
    roomTodoId = todo.ok ? todo.data.id : 0;
    const mine = await command(ms, 'todo:add', { text: 'mine' });
    personalTodoId = mine.ok ? mine.data.id : 0;
    expect(messageId && roomTodoId && personalTodoId).toBeTruthy();
    expect((await mod.post(`/api/rooms/${roomId}/members/${mia.userId}/mute`, { minutes: 10 })).status).toBe(200);
  });

  it('refuses chat send, edit and react over the socket, and posting over HTTP, with nothing broadcast', async () => {
    const seen = [...['chat:message', 'chat:edited', 'chat:reacted'].map((e) => collect(os, e))];
    const muted = { ok: false, error: { code: 'MUTED', retryAfter: expect.any(Number) } };
    expect(await command(ms, 'chat:send', { roomId, text: 'still here' })).toMatchObject(muted);
    expect(await command(ms, 'chat:edit', { roomId, messageId, text: 'edited while muted' })).toMatchObject(muted);
    expect(await command(ms, 'chat:react', { roomId, messageId, emoji: '👍' })).toMatchObject(muted);
    const http = await mia.post(`/api/rooms/${roomId}/messages`, { text: 'via HTTP' });
    expect(http.status).toBe(403);
    expect(http.body.error.code).toBe('MUTED');
    // A later fact from someone else arrives; none of Mia's did.
    await command(os, 'chat:send', { roomId, text: 'mod speaks' });
    await expect.poll(() => seen[0]!.length).toBe(1);
    expect(seen.map((s) => s.length)).toEqual([1, 0, 0]);
    for (const s of seen) s.stop();
  });

  it('refuses room to-do text and goals; her own list and ticking off stay open', async () => {
    expect(await command(ms, 'todo:add', { roomId, text: 'spam' })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    expect(await command(ms, 'todo:update', { todoId: roomTodoId, text: 'spam' })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    expect(await command(ms, 'goal:set', { roomId, text: 'spam' })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    expect((await command(ms, 'todo:update', { todoId: roomTodoId, done: true })).ok).toBe(true);
    expect((await command(ms, 'todo:add', { text: 'personal' })).ok).toBe(true);
    expect((await command(ms, 'todo:update', { todoId: personalTodoId, text: 'personal edit' })).ok).toBe(true);
  });

  it('refuses music queue additions', async () => {
    expect(await command(ms, 'music:add', { roomId, trackId: '4uLU6hMCjMI75M1A2tKUQC' })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
  });

  it('lets her listen in the call but not switch on microphone, camera or screen', async () => {
    expect(await command(ms, 'call:join', { roomId })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    expect(await command(ms, 'call:join', { roomId, muted: true, cameraOff: false })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    expect((await command(ms, 'call:join', { roomId, muted: true, cameraOff: true })).ok).toBe(true);
    for (const patch of [{ muted: false }, { cameraOff: false }, { screen: true }]) {
      expect(await command(ms, 'call:update', { roomId, ...patch }), JSON.stringify(patch)).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    }
    expect((await command(ms, 'call:update', { roomId, muted: true })).ok).toBe(true);
    expect((await command(ms, 'call:leave', { roomId })).ok).toBe(true);
  });

  it('still lets her read and type nothing visible', async () => {
    expect((await command(ms, 'chat:history', { roomId })).ok).toBe(true);
    expect((await command(ms, 'chat:read', { roomId, messageId })).ok).toBe(true);
  });

  it('restores everything once the mute expires', async () => {
    await setMutedUntil(Date.now() - 1);
    expect((await command(ms, 'chat:send', { roomId, text: 'back' })).ok).toBe(true);
    expect((await command(ms, 'chat:edit', { roomId, messageId, text: 'edited after' })).ok).toBe(true);
    expect((await command(ms, 'chat:react', { roomId, messageId, emoji: '👍' })).ok).toBe(true);
    expect((await mia.post(`/api/rooms/${roomId}/messages`, { text: 'via HTTP' })).status).toBe(201);
    expect((await command(ms, 'todo:add', { roomId, text: 'shared again' })).ok).toBe(true);
    expect((await command(ms, 'todo:update', { todoId: roomTodoId, text: 'renamed' })).ok).toBe(true);
    expect((await command(ms, 'call:join', { roomId })).ok).toBe(true);
  });

  it('takes a member who is muted mid-call with a live microphone out of the call', async () => {
    const left = nextEvent(os, 'call:left', (f) => f.userId === mia.userId);
    expect((await mod.post(`/api/rooms/${roomId}/members/${mia.userId}/mute`, { minutes: 5 })).status).toBe(200);
    expect((await left).reason).toBe('removed');
    const state = await command(os, 'call:state', { roomId });
    expect(state.ok && state.data.participants.map((p: { userId: number }) => p.userId)).not.toContain(mia.userId);
  });
});
