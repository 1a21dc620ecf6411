/**
 * Issue 17 #6: text made only of zero-width or invisible characters counts as empty in every user
 * text field, over HTTP and over the socket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, newUsers, roomWith, startServer, type Client, type ClientSocket, type TestServer } from './harness.js';

const BLANK = '\u200B\u200D\u2060\uFEFF\u00AD\uFE0F\u202E\u3164 ';

let server: TestServer;
let ada: Client;
let bob: Client;
let roomId: number;
let s: ClientSocket;
beforeAll(async () => {
  server = await startServer();
  [ada, bob] = await newUsers(server, 'ada', 'bob');
  roomId = (await roomWith(ada, [bob])).id;
  s = await ada.socket();
  await command(s, 'room:enter', { roomId });
});
afterAll(async () => {
  s.disconnect();
  await server.dispose();
});

describe('invisible-only text is empty everywhere (issue 17 #6)', () => {
  it('refuses blank chat messages and edits, socket and HTTP', async () => {
    expect(await command(s, 'chat:send', { roomId, text: BLANK })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const sent = await command(s, 'chat:send', { roomId, text: 'real' });
    expect(sent.ok).toBe(true);
    const id = sent.ok ? sent.data.id : 0;
    expect(await command(s, 'chat:edit', { roomId, messageId: id, text: BLANK })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const http = await ada.post(`/api/rooms/${roomId}/messages`, { text: BLANK });
    expect(http.status).toBe(400);
    expect(http.body.error.code).toBe('VALIDATION');
  });

  it('refuses blank room names and display names; blank descriptions and status lines become empty', async () => {
    expect((await ada.post('/api/rooms', { name: BLANK })).body.error.code).toBe('VALIDATION');
    expect((await ada.patch(`/api/rooms/${roomId}`, { name: BLANK })).body.error.code).toBe('VALIDATION');
    expect((await ada.patch('/api/me', { displayName: BLANK })).body.error.code).toBe('VALIDATION');
    const me = await ada.patch('/api/me', { statusLine: BLANK });
    expect(me.status).toBe(200);
    expect(me.body.user.statusLine).toBe('');
    const room = await ada.post('/api/rooms', { name: 'Visible', description: BLANK });
    expect(room.status).toBe(201);
    expect(room.body.room.description).toBe('');
  });

  it('refuses blank to-dos and goals; a blank alarm label becomes empty', async () => {
    expect(await command(s, 'todo:add', { roomId, text: BLANK })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await command(s, 'todo:add', { text: BLANK })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const todo = await command(s, 'todo:add', { text: 'read' });
    expect(todo.ok).toBe(true);
    const todoId = todo.ok ? todo.data.id : 0;
    expect(await command(s, 'todo:update', { todoId, text: BLANK })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await command(s, 'goal:set', { roomId, text: BLANK })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const alarm = await ada.post('/api/alarms', { kind: 'countdown', label: BLANK, minutes: 5 });
    expect(alarm.status).toBe(201);
    expect(alarm.body.alarm.label).toBe('');
  });
});
