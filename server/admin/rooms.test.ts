import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, Client, command, newUsers, nextEvent, roomWith, startServer, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let admin: Client;
let owner: Client;
let member: Client;
let room: { id: number; code: string };
let ownerSocket: ClientSocket;
let memberSocket: ClientSocket;

beforeAll(async () => {
  server = await startServer();
  [admin] = await newUsers(server, 'root');
  [owner, member] = await newUsers(server, 'owner', 'member');
  room = await roomWith(owner, [member], { name: 'Archive me' });
  ownerSocket = await owner.socket();
  memberSocket = await member.socket();
  await command(ownerSocket, 'room:enter', { roomId: room.id });
  await command(memberSocket, 'room:enter', { roomId: room.id });
  await command(memberSocket, 'chat:send', { roomId: room.id, text: 'héllo' });
});
afterAll(async () => {
  ownerSocket.close();
  memberSocket.close();
  await server.dispose();
});

const db = () => rawDb(server.app.db);
const audit = async (action: string) => (await db().all('SELECT actor_id, room_id, detail FROM audit_log WHERE action = ? ORDER BY id', action)) as { actor_id: number; room_id: number; detail: string }[];

describe('rooms list and details', () => {
  it('lists rooms with owner, members, storage (message bytes + recordings + live files), activity and status', async () => {
    // A recording on disk counts toward storage.
    const vod = join(server.dataDir, 'vod', String(room.id));
    mkdirSync(vod, { recursive: true });
    writeFileSync(join(vod, 'rec.mp4'), Buffer.alloc(1000));
    const r = await admin.get('/api/admin/rooms?q=archive');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(1);
    expect(r.body.rooms[0]).toMatchObject({ id: room.id, name: 'Archive me', owner: { username: 'owner' }, memberCount: 2, live: false, closedAt: null, storageBytes: 1006 });
    const d = await admin.get(`/api/admin/rooms/${room.id}`);
    expect(d.body.storage).toMatchObject({ messageBytes: 6, messageCount: 1, recordingBytes: 1000, liveBytes: 0 });
    expect(d.body.members.map((m: { username: string; role: string }) => [m.username, m.role])).toEqual([['owner', 'owner'], ['member', 'member']]);
    expect(JSON.stringify(d.body)).not.toMatch(/passcode_hash|argon2/);
    const sorted = await admin.get('/api/admin/rooms?sort=members&dir=desc&filter=open');
    expect(sorted.body.rooms[0].id).toBe(room.id);
    expect((await admin.get('/api/admin/rooms/99999')).status).toBe(404);
    for (const bad of ['?sort=seq', '?filter=gone', '?page=-1', '?q=' + 'x'.repeat(61)]) expect((await admin.get(`/api/admin/rooms${bad}`)).status).toBe(400);
  });
});

describe('closing a room', () => {
  it('makes it read-only for everyone (chat, to-dos, pomodoro, goals, games, settings), shows it to members, and reopens', async () => {
    const updated = nextEvent(memberSocket, 'room:updated');
    const r = await admin.post(`/api/admin/rooms/${room.id}/close`);
    expect(r.status).toBe(200);
    expect(r.body.room.closedAt).toBeTypeOf('number');
    expect((await updated).room.closedAt).toBeTypeOf('number');
    expect((await audit('room.close')).at(-1)).toMatchObject({ actor_id: admin.userId, room_id: room.id });

    const before = (await db().get('SELECT count(*) n FROM messages WHERE room_id = ?', room.id));
    for (const s of [memberSocket, ownerSocket]) {
      const refusals = await Promise.all([
        command(s, 'chat:send', { roomId: room.id, text: 'still here?' }),
        command(s, 'todo:add', { roomId: room.id, text: 'a task' }),
        command(s, 'timer:act', { roomId: room.id, action: 'start' }),
        command(s, 'goal:set', { roomId: room.id, text: 'finish' }),
        command(s, 'chess:challenge', { roomId: room.id, timeControl: null }),
      ]);
      for (const a of refusals) expect(a).toMatchObject({ ok: false, error: { code: 'ROOM_CLOSED' } });
    }
    const patch = await owner.patch(`/api/rooms/${room.id}`, { name: 'Renamed' });
    expect(patch.body.error.code).toBe('ROOM_CLOSED');
    expect((await db().get('SELECT count(*) n FROM messages WHERE room_id = ?', room.id))).toEqual(before);
    expect((await db().get('SELECT count(*) n FROM todos WHERE room_id = ?', room.id))).toEqual({ n: 0 });

    // Reading still works.
    const enter = await command(memberSocket, 'room:enter', { roomId: room.id });
    expect(enter.ok && enter.data.room.closedAt).toBeTypeOf('number');
    expect(enter.ok && enter.data.history.messages.map((m) => m.text)).toEqual(['héllo']);
    expect((await command(memberSocket, 'chat:history', { roomId: room.id })).ok).toBe(true);

    // Closing twice changes nothing and records nothing more.
    await admin.post(`/api/admin/rooms/${room.id}/close`);
    expect(await audit('room.close')).toHaveLength(1);

    expect((await admin.post(`/api/admin/rooms/${room.id}/reopen`)).body.room.closedAt).toBeNull();
    expect(JSON.parse((await audit('room.close')).at(-1)!.detail)).toMatchObject({ closed: false });
    expect((await command(memberSocket, 'chat:send', { roomId: room.id, text: 'back again' })).ok).toBe(true);
  });
});

describe('transfer and delete', () => {
  it('transfers ownership to a member (old owner becomes moderator) and refuses a non-member', async () => {
    const [outsider] = await newUsers(server, 'outsider');
    expect((await admin.post(`/api/admin/rooms/${room.id}/transfer`, { userId: outsider.userId })).body.error.code).toBe('NOT_MEMBER');
    expect((await admin.post(`/api/admin/rooms/${room.id}/transfer`, { userId: owner.userId })).body.error.code).toBe('CONFLICT');
    expect((await admin.post(`/api/admin/rooms/${room.id}/transfer`, { userId: 'x' })).status).toBe(400);
    const r = await admin.post(`/api/admin/rooms/${room.id}/transfer`, { userId: member.userId });
    expect(r.status).toBe(200);
    expect(r.body.room.ownerId).toBe(member.userId);
    expect((await owner.get(`/api/rooms/${room.id}`)).body.myRole).toBe('moderator');
    expect(JSON.parse((await audit('room.transfer')).at(-1)!.detail)).toMatchObject({ fromUserId: owner.userId, toUserId: member.userId });
  });

  it('deletes a room: members are told and lose access', async () => {
    const removed = nextEvent(ownerSocket, 'room:removed');
    expect((await admin.del(`/api/admin/rooms/${room.id}`)).status).toBe(204);
    expect(await removed).toMatchObject({ roomId: room.id, reason: 'deleted' });
    expect((await owner.get(`/api/rooms/${room.id}`)).status).toBe(404);
    expect((await audit('room.delete')).at(-1)).toMatchObject({ actor_id: admin.userId, room_id: room.id });
    expect((await admin.del(`/api/admin/rooms/${room.id}`)).status).toBe(404);
  });
});
